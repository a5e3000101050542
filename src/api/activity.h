// A person's step, as GET /v1/activity shows it (routes_activity.cc), and
// as GET /v1/journal/{id} details a command for auditors. Internal to api/.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "state/state.h"

namespace bg::api {

// One step of a person, as the activity shows it.
struct Step {
  std::string what = {};   // the command's name: "review_application"
  std::string actor = {};  // who, as journaled ("" when the command names nobody)
  uint64_t programme = 0;
  uint64_t enterprise = 0;
  uint64_t provider = 0;
  std::string detail = {};     // the step in words
  std::string detail_zh = {};  // the same in Chinese
};

// The step a command is, or nothing for the machine's own commands
// (ticks, placement passes, usage, finishes, transfers of the platform).
// Records the command names (an application's programme, a job's
// enterprise) are looked up in `s`.
std::optional<Step> StepOf(const state::CommandBody& body, const state::State& s);

}  // namespace bg::api
