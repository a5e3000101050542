// A scenario file (programme/scenario.h) as ordinary engine commands:
// jurisdictions first (parents before children), then enterprises,
// providers and programmes, each a command with its own journaled result.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "engine/command.h"
#include "programme/scenario.h"

namespace bg::engine {

std::vector<CommandBody> ScenarioCommands(const programme::Scenario& scenario);

// What a scenario command's result says if the engine refused the record
// (the result code and message), or nothing if it was accepted.
std::optional<std::string> ScenarioRefusal(const CommandResult& result);

}  // namespace bg::engine
