// `baygrid bench facilities`: placing a round's allocated hours into slots
// (issue 19). A seeded quarter of 8-hour shifts (91 days, 273 slots) on 200
// facilities of six kinds — beamlines open round the clock less their
// maintenance days, instruments on weekday day shifts — and 2,000 allocated
// proposals, each naming one to three facilities of one kind, asking 3 to 15
// shifts within one to three windows of one to four weeks, ranked by a
// review score. Demand is about 85% of the open capacity, so placement is
// contested. The min-cost flow (facility/slots.h) against the first-come
// greedy baseline in the same run, both plans checked slot by slot
// (Violation). Ends with
//
//   RESULT facilities_schedule proposals=<n> seconds=<x> placed_share=<x>
//   greedy_share=<x>
//
// (one line; docs/benchmarks.md, docs/facilities.md).
#pragma once

#include <cstdint>

#include "common/result.h"
#include "facility/slots.h"

namespace bg::bench {

struct FacilitiesBenchOptions {
  uint64_t seed = 7;
  uint32_t facilities = 200;
  uint32_t proposals = 2'000;
  uint32_t days = 91;  // a quarter
};

// The seeded round the benchmark places.
facility::SlotProblem FacilitiesRound(const FacilitiesBenchOptions& o);

Status RunFacilitiesBench(const FacilitiesBenchOptions& o);

}  // namespace bg::bench
