// `baygrid sim compare`: one seeded synthetic month on a scenario, played
// through the engine three times — the voucher-aware policy and the two
// baselines (first-fit, cheapest list price) — on the same workload, and
// the table of what each achieved (docs/scheduler.md).
#pragma once

#include <string>

#include "cmd/registry.h"
#include "common/status.h"

namespace bg::cmd {

struct SimCompareOptions {
  std::string scenario = "gba";  // the built-in one, or a file
  uint32_t days = 30;
  uint64_t seed = 1;
  uint32_t jobs = 20'000;
  uint32_t enterprises = 120;
  uint32_t load_percent = 75;
};

Status RunSimCompare(const SimCompareOptions& options);

void RegisterSim(Registry& registry);

}  // namespace bg::cmd
