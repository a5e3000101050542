// Where a benchmark keeps its SQLite files: the directory asked for
// (created if missing), or a fresh one under /tmp.
#pragma once

#include <string>

#include "common/result.h"

namespace bg::server {

Result<std::string> BenchDir(const std::string& asked);

}  // namespace bg::server
