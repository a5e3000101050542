// `baygrid bench ledger|schedule|usage|scaling`: the load generators of bench/
// (bench/*_load.h), each printing throughput against a baseline measured in
// the same run and ending with a RESULT line (docs/benchmarks.md).
#pragma once

#include "cmd/registry.h"

namespace bg::cmd {

void RegisterBench(Registry& registry);

}  // namespace bg::cmd
