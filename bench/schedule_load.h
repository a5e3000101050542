// `baygrid bench schedule`: the scheduling core on a large synthetic
// network, without the engine around it — 1,000 pools and 100,000 queued
// jobs placed pass after pass (cards freed whenever the network is full):
// placements per second and the latency of each placement decision; a
// quote for one job across every pool; and, in the same run, a naive scan
// of every queued job against every pool as the yardstick.
#pragma once

#include <cstdint>

#include "common/status.h"

namespace bg::bench {

struct ScheduleBenchOptions {
  uint32_t pools = 1'000;
  uint32_t cards_per_pool = 64;
  uint64_t jobs = 100'000;
  uint32_t enterprises = 1'000;
  uint32_t quotes = 1'000;
  uint32_t naive_decisions = 200;
  uint64_t seed = 1;
};

Status RunScheduleBench(const ScheduleBenchOptions& options);

}  // namespace bg::bench
