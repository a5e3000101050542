#include "bench/facilities_load.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <numeric>

#include "common/rng.h"

namespace bg::bench {
namespace {

constexpr uint32_t kShiftsPerDay = 3;  // 8-hour shifts
constexpr uint32_t kKinds = 6;  // beamline, neutron station, cryo-EM, mass spec, NMR, test lab

// Beamlines and neutron stations (kinds 0, 1) run round the clock but for
// a maintenance day every two weeks; instruments run the day shift on
// weekdays, and close for a maintenance week once a quarter.
std::vector<uint32_t> Calendar(uint32_t kind, uint32_t days, Rng& rng) {
  std::vector<uint32_t> open;
  const auto phase = static_cast<uint32_t>(rng.Uniform(14));
  const auto week_off = static_cast<uint32_t>(rng.Uniform(days / 7)) * 7;
  for (uint32_t day = 0; day < days; ++day) {
    if (kind < 2) {
      if ((day + phase) % 14 == 0) continue;
      for (uint32_t s = 0; s < kShiftsPerDay; ++s) open.push_back(day * kShiftsPerDay + s);
    } else {
      if (day % 7 >= 5 || (day >= week_off && day < week_off + 7)) continue;
      open.push_back(day * kShiftsPerDay + 1);  // 08:00-16:00
    }
  }
  return open;
}

double Since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

facility::SlotProblem FacilitiesRound(const FacilitiesBenchOptions& o) {
  Rng rng(o.seed);
  facility::SlotProblem p;
  p.slot_count = o.days * kShiftsPerDay;
  std::vector<std::vector<uint64_t>> of_kind(kKinds);
  uint64_t open_capacity = 0;
  for (uint32_t i = 0; i < o.facilities; ++i) {
    const uint32_t kind = i % kKinds;
    facility::SlotFacility f{.id = i + 1,
                             .capacity = 1 + static_cast<uint32_t>(rng.Uniform(kind < 2 ? 3 : 2)),
                             .open = Calendar(kind, o.days, rng)};
    open_capacity += uint64_t{f.capacity} * f.open.size();
    of_kind[kind].push_back(f.id);
    p.facilities.push_back(std::move(f));
  }
  // Ranks: a random permutation (the review's score order).
  std::vector<uint32_t> ranks(o.proposals);
  std::iota(ranks.begin(), ranks.end(), 0u);
  for (size_t i = ranks.size(); i > 1; --i) std::swap(ranks[i - 1], ranks[rng.Uniform(i)]);
  uint64_t asked = 0;
  for (uint32_t i = 0; i < o.proposals; ++i) {
    const std::vector<uint64_t>& kind = of_kind[rng.Uniform(kKinds)];
    facility::SlotRequest r{.id = i + 1, .rank = ranks[i]};
    const auto alternatives = 1 + rng.Uniform(std::min<uint64_t>(3, kind.size()));
    while (r.facilities.size() < alternatives) {
      const uint64_t f = kind[rng.Uniform(kind.size())];
      if (std::find(r.facilities.begin(), r.facilities.end(), f) == r.facilities.end()) {
        r.facilities.push_back(f);
      }
    }
    const auto windows = 1 + rng.Uniform(3);
    for (uint64_t w = 0; w < windows; ++w) {
      const auto weeks = 1 + static_cast<uint32_t>(rng.Uniform(4));
      const auto from = static_cast<uint32_t>(rng.Uniform(o.days)) * kShiftsPerDay;
      r.available.push_back({from, std::min(p.slot_count, from + weeks * 7 * kShiftsPerDay)});
    }
    r.slots = 3 + static_cast<uint32_t>(rng.Uniform(13));
    asked += r.slots;
    p.requests.push_back(std::move(r));
  }
  // Scale the asks to about 85% of the open capacity (at least one shift).
  const double scale = static_cast<double>(open_capacity) * 0.85 / static_cast<double>(asked);
  for (facility::SlotRequest& r : p.requests) {
    r.slots = std::max<uint32_t>(1, static_cast<uint32_t>(static_cast<double>(r.slots) * scale));
  }
  return p;
}

Status RunFacilitiesBench(const FacilitiesBenchOptions& o) {
  const facility::SlotProblem p = FacilitiesRound(o);
  uint64_t asked = 0, open = 0;
  for (const facility::SlotRequest& r : p.requests) asked += r.slots;
  for (const facility::SlotFacility& f : p.facilities) open += uint64_t{f.capacity} * f.open.size();
  std::printf(
      "facilities bench: %zu proposals on %zu facilities over %u days (%u shifts); %llu shifts "
      "asked of %llu open (seed %llu)\n\n",
      p.requests.size(), p.facilities.size(), o.days, p.slot_count,
      static_cast<unsigned long long>(asked),    // NOLINT(google-runtime-int)
      static_cast<unsigned long long>(open),     // NOLINT(google-runtime-int)
      static_cast<unsigned long long>(o.seed));  // NOLINT(google-runtime-int)
  auto t0 = std::chrono::steady_clock::now();
  BG_ASSIGN_OR_RETURN(const facility::SlotPlan greedy, facility::PlaceGreedy(p));
  const double greedy_s = Since(t0);
  t0 = std::chrono::steady_clock::now();
  BG_ASSIGN_OR_RETURN(const facility::SlotPlan flow, facility::Place(p));
  const double flow_s = Since(t0);
  for (const auto* plan : {&greedy, &flow}) {
    const std::string wrong = facility::Violation(p, *plan);
    if (!wrong.empty()) return Internal("a plan broke the round's rules: " + wrong);
  }
  // Per plan: proposals placed in full, those of the best-ranked quarter
  // placed in full, and the short ones whose windows held too few open
  // slots (no plan could do better for them) or whose slots went to others.
  struct Counts {
    uint64_t full = 0, best_full = 0, too_few_open = 0, taken = 0;
  };
  auto count = [&](const facility::SlotPlan& plan) {
    Counts c;
    for (size_t i = 0; i < plan.placements.size(); ++i) {
      const facility::Shortfall s = plan.placements[i].shortfall;
      const bool best = p.requests[i].rank < p.requests.size() / 4;
      c.full += s == facility::Shortfall::kNone;
      c.best_full += best && s == facility::Shortfall::kNone;
      c.too_few_open +=
          s == facility::Shortfall::kTooFewOpen || s == facility::Shortfall::kNeverOpen;
      c.taken += s == facility::Shortfall::kTakenByOthers;
    }
    return c;
  };
  std::printf("%-18s %8s %8s %8s %8s %11s %9s %9s\n", "method", "seconds", "placed", "share",
              "in full", "best 1/4", "few open", "taken");
  auto row = [&](const char* name, double seconds, const facility::SlotPlan& plan) {
    const Counts c = count(plan);
    std::printf("%-18s %8.2f %8llu %8.3f %8llu %11llu %9llu %9llu\n", name, seconds,
                static_cast<unsigned long long>(plan.placed),  // NOLINT(google-runtime-int)
                plan.PlacedShare(),
                static_cast<unsigned long long>(c.full),          // NOLINT(google-runtime-int)
                static_cast<unsigned long long>(c.best_full),     // NOLINT(google-runtime-int)
                static_cast<unsigned long long>(c.too_few_open),  // NOLINT(google-runtime-int)
                static_cast<unsigned long long>(c.taken));        // NOLINT(google-runtime-int)
  };
  row("first-come greedy", greedy_s, greedy);
  row("min-cost flow", flow_s, flow);
  std::printf(
      "\n(placed: shifts; in full: proposals given every shift they asked for; best 1/4: "
      "of the %zu best-ranked; few open: short because their windows hold too few open "
      "shifts; taken: short because others took them)\n\n",
      p.requests.size() / 4);
  std::printf(
      "RESULT facilities_schedule proposals=%zu seconds=%.2f placed_share=%.3f "
      "greedy_share=%.3f\n",
      p.requests.size(), flow_s, flow.PlacedShare(), greedy.PlacedShare());
  return Status::Ok();
}

}  // namespace bg::bench
