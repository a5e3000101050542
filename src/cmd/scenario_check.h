// `baygrid scenario check FILE`: reads a scenario file (docs/programmes.md,
// "Scenario files"); a parse error is reported with its line. Otherwise the
// file is loaded as ordinary engine commands into a scratch in-memory store,
// each record the engine refuses is reported, and the check ends with
//   RESULT scenario jurisdictions=<n> programmes=<n> enterprises=<n> providers=<n>
// counting what the engine holds.
#pragma once

#include <string>

#include "cmd/registry.h"
#include "common/status.h"

namespace bg::cmd {

Status RunScenarioCheck(const std::string& path);

void RegisterScenarioCheck(Registry& registry);

}  // namespace bg::cmd
