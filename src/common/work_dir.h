// Where a benchmark or the demo keeps its SQLite files: the directory asked
// for (created if missing), or a fresh one under /tmp.
#pragma once

#include <string>

#include "common/result.h"

namespace bg {

Result<std::string> WorkDir(const std::string& asked);

}  // namespace bg
