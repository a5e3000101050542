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

#include <memory>
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

// The jobs of a workload, made a day at a time. A day's arrivals depend
// only on the seed, the day and the workload's duration scale (fixed by
// Generate), so a year of the Greater Bay Area (`bench scaling`) never
// holds a year of jobs in memory, only one day's. Ids run 1, 2, ... in
// time order across the days. Copies share what they are made from.
struct ArrivalMaker;  // workload.cc
class Arrivals {
 public:
  size_t size() const { return first_.empty() ? 0 : first_.back(); }
  uint32_t days() const { return first_.empty() ? 0 : static_cast<uint32_t>(first_.size() - 1); }
  // Day `day`'s arrivals (0-based), in time order.
  std::vector<Arrival> Day(uint32_t day) const;
  // Every arrival in time order, a day at a time.
  template <typename F>
  void ForEach(F&& f) const {
    for (uint32_t d = 0; d < days(); ++d) {
      for (const Arrival& a : Day(d)) f(a);
    }
  }
  // Every arrival at once (tests and small runs).
  std::vector<Arrival> All() const;

 private:
  friend struct ArrivalMaker;
  std::shared_ptr<const ArrivalMaker> maker_;
  std::vector<uint32_t> first_;  // day d's arrivals are indices first_[d] .. first_[d + 1] - 1
  double scale_ = 1;             // of every duration, so that demand fills the load asked
};

// Walks arrivals in time order with one day of them in memory.
class ArrivalCursor {
 public:
  explicit ArrivalCursor(const Arrivals& arrivals) : arrivals_(arrivals) { Load(); }
  // The next arrival, or null after the last.
  const Arrival* Peek() const { return next_ < day_.size() ? &day_[next_] : nullptr; }
  void Pop() {
    ++next_;
    Load();
  }

 private:
  void Load();  // moves on to the next day with arrivals when this one is done

  const Arrivals& arrivals_;
  uint32_t day_index_ = 0;
  std::vector<Arrival> day_;
  size_t next_ = 0;
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
  Arrivals arrivals;                               // in time order; ids 1, 2, ...
  uint64_t demand_card_seconds = 0;
  uint64_t capacity_card_seconds = 0;  // offered cards × the horizon
};

Workload Generate(const world::World& scenario, const WorkloadOptions& options);

}  // namespace bg::sim
