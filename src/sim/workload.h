// The simulator's seeded synthetic demand: enterprises of the Greater Bay
// Area that apply for the vouchers of their city, and the training and
// inference jobs they submit over the simulated days. The same seed gives
// the same workload, byte for byte, so the policies compared by
// `baygrid sim compare` (and the demo) see identical arrival streams.
//
// No public trace carries prices, vouchers or data location
// (reference/scheduling.md §11), so sizes and durations are drawn from
// simple distributions shaped like the GPU traces (many small inference
// jobs, fewer large training jobs), scaled so that the demand fills a
// chosen share of the network's offered cards.
//
// Thread-safety: pure functions.
#pragma once

#include <vector>

#include "network/network.h"
#include "programme/book.h"
#include "scheduler/job.h"
#include "world/world.h"

namespace bg::sim {

struct WorkloadOptions {
  uint64_t seed = 1;
  uint32_t days = 30;
  uint32_t jobs = 20'000;
  uint32_t enterprises = 120;  // synthetic, besides the scenario's own
  uint32_t load_percent = 75;  // demand as a share of the cards offered
  Timestamp start = 0;         // 00:00 UTC of the first day
};

struct Arrival {
  Timestamp at = 0;
  scheduler::JobRequest request;
};

// A voucher application and when it is filed: when its programme opens
// (valid_from, or apply_from if later), or the day before the horizon if
// the programme is open by then. Applications a programme could not take
// within the horizon (window closed, or opening later) are left out.
struct Application {
  Timestamp at = 0;
  programme::FileApplication file;
};

struct Workload {
  std::vector<programme::Enterprise> enterprises;  // to register
  std::vector<Application> applications;           // in time order
  std::vector<Arrival> arrivals;                   // in time order; ids 1, 2, ...
  uint64_t demand_card_seconds = 0;
  uint64_t capacity_card_seconds = 0;  // offered cards × the horizon
};

Workload Generate(const world::World& scenario, const WorkloadOptions& options);

}  // namespace bg::sim
