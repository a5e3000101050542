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

// `users` (the world's enterprises when empty) trained for every safety
// course the world's facilities require (facility/rounds.h RecordTraining,
// given by each facility's institution, ids from 1), valid until
// `valid_until`: where the alliance's demo and tests start, with no user
// turned away at check-in.
std::vector<state::CommandBody> TrainEveryUser(const World& world, Timestamp valid_until,
                                               const std::vector<EnterpriseId>& users = {});

// What a scenario command's result says if the engine refused the record
// (the result code and message), or nothing if it was accepted.
std::optional<std::string> Refusal(const state::CommandResult& result);

}  // namespace bg::world
