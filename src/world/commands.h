// A world (world/world.h) as ordinary engine commands:
// jurisdictions first (parents before children), then enterprises,
// providers and programmes, each a command with its own journaled result.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "state/command.h"
#include "world/world.h"

namespace bg::world {

std::vector<state::CommandBody> ToCommands(const World& world);

// What a scenario command's result says if the engine refused the record
// (the result code and message), or nothing if it was accepted.
std::optional<std::string> Refusal(const state::CommandResult& result);

}  // namespace bg::world
