// `baygrid scenario check FILE`: reads a scenario file (docs/programmes.md,
// "Scenario files"), reports the first error with its line, or prints what
// the file defines and ends with
//   RESULT scenario jurisdictions=<n> programmes=<n> enterprises=<n> providers=<n>
// Today it parses and validates the file; loading it as engine commands into
// a scratch store is the open part of issue 3.
#pragma once

#include <string>

#include "common/status.h"

namespace bg::server {

Status RunScenarioCheck(const std::string& path);

}  // namespace bg::server
