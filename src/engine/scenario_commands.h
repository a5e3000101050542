// A scenario file (programme/scenario.h) as ordinary engine commands:
// jurisdictions first (parents before children), then enterprises,
// providers and programmes, each a command with its own journaled result.
#pragma once

#include <vector>

#include "engine/command.h"
#include "programme/scenario.h"

namespace bg::engine {

std::vector<CommandBody> ScenarioCommands(const programme::Scenario& scenario);

}  // namespace bg::engine
