// What a simulation run measures, read from the engine's state: the
// figures of sim::Metrics. Two readers:
//
//   Measure    every job of the workload and every programme (Jain's index,
//              the mean wait, reconciliation): once, at the end of a run;
//   Progress   the job figures at the end of each day, at a cost that
//              follows the live jobs: a finished job is read once, when the
//              driver has finished it (its record no longer changes), and
//              only the jobs still queued or running are read again each
//              day. Its figures are Measure's for the same jobs, exactly
//              (sim_test checks it day by day); its Final is what a run
//              reports at its end, since jobs ended more than
//              scheduler::kRetainEndedS ago are no longer in the state.
//
// Thread-safety: values; read a state only inside Engine::Read.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "common/money.h"
#include "scheduler/job.h"
#include "sim/workload.h"
#include "state/state.h"

namespace bg::sim {

struct SiteUse {
  std::string code;
  uint64_t used_card_seconds = 0;  // within the horizon
  uint64_t offered_card_seconds = 0;
};

struct Metrics {
  scheduler::Policy policy = scheduler::Policy::kVoucherAware;
  uint64_t jobs = 0;
  uint64_t placed = 0;
  uint64_t card_hours = 0;
  Money list{};
  Money subsidy{};
  Money out_of_pocket{};
  uint64_t deadline_jobs = 0;
  uint64_t deadline_misses = 0;  // finished late, or never placed
  double mean_wait_s = 0;
  double jain = 0;         // over enterprises, of their mean walltime / (wait + walltime)
  double utilisation = 0;  // used / offered card-seconds, all sites, over the horizon
  std::vector<SiteUse> sites = {};
  // What the vouchers and budgets were actually charged so far: finished
  // jobs' charges (metered: their use), running jobs' use reported so far.
  // `subsidy` above counts running jobs at their planned subsidy instead.
  Money charged{};
  // The day just ended (in on_day only; zero otherwise): card-seconds the
  // placed jobs held on that day, and the card-seconds offered that day.
  uint32_t day = 0;
  uint64_t day_used_card_seconds = 0;
  uint64_t day_offered_card_seconds = 0;
  uint64_t vouchers_issued = 0;
  uint32_t programmes = 0;
  uint32_t programmes_granting = 0;  // vouchers issued or automatic grants > 0
  uint64_t stacked_orders = 0;       // orders paid by programmes of two levels or more
  bool reconciled = false;           // every programme reconciles at the end
  uint64_t commands = 0;
  // The most jobs queued and running at once in the run (the driver's
  // count after each step of virtual time; sim::Run sets it).
  uint64_t peak_live_jobs = 0;

  double OutOfPocketPerCardHour() const;  // yuan
  double SubsidyPerCardHour() const;      // yuan
  double DayUtilisation() const;          // day_used / day_offered
};

// Every figure so far, from every job of `w` and every programme; with
// `day` > 0, that day's figures too. Reads the whole state, so it misses
// the jobs retired from it (ended more than scheduler::kRetainEndedS ago):
// for runs of a few days (DriverOptions::measure_each_day, tests).
Metrics Measure(const state::State& s, const Workload& w, const WorkloadOptions& o,
                scheduler::Policy policy, uint32_t day = 0);

class Progress {
 public:
  Progress(const WorkloadOptions& o, scheduler::Policy policy) : options_(o), policy_(policy) {}

  // A job the engine took (queued or placed): read each day until it ends.
  void Submitted(OrderId id) { live_.insert(id); }
  // A job that ended (finished or cancelled), read once from `s`.
  void Ended(const state::State& s, OrderId id);

  // The figures at the end of `day` (1, 2, ... in order) of the jobs taken
  // so far, as Measure(s, w, o, policy, day) counts them: jobs, placed,
  // card-hours, list, subsidy, out of pocket, deadlines, charged,
  // utilisation by site and the day's own figures. Jain's index, the mean
  // wait and the programme figures are Measure's alone (left zero).
  Metrics Day(const state::State& s, uint32_t day);

  // Every figure Measure gives, at the end of a run: the ended jobs as
  // they were read at their end, the live ones and the programmes from `s`.
  // (Jain's index and the mean wait sum in another order than Measure's:
  // equal up to rounding.)
  Metrics Final(const state::State& s) const;

  size_t live() const { return live_.size(); }

  // An enterprise's Σ walltime / (wait + walltime) over its placed jobs,
  // and its job count (Jain's index).
  struct Served {
    double share = 0;
    uint64_t jobs = 0;
  };

 private:
  // A job that ended, for the days it may still overlap.
  struct Held {
    Timestamp from = 0;
    Timestamp to = 0;
    uint32_t cards = 0;
  };

  WorkloadOptions options_;
  scheduler::Policy policy_;
  std::set<OrderId> live_;
  Metrics ended_;  // the ended jobs' figures (no day figures)
  std::map<SiteId, uint64_t> ended_site_used_;
  std::vector<Held> recent_;  // ended jobs whose interval may reach a day not yet reported
  std::map<EnterpriseId, Served> served_;  // the ended jobs'
  double wait_s_ = 0;                      // the ended placed jobs' waits
};

}  // namespace bg::sim
