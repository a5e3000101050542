// The simulator's driver: plays a workload through the real engine on a
// virtual clock — the scenario's commands, then every voucher application
// (walked through review when its programme opens), every job arrival and
// every job end in time order, with a placement pass whenever cards free
// up — and measures what came out. There is no second implementation of
// any rule: the driver only submits commands and reads state
// (docs/scheduler.md).
//
// Thread-safety: one run per Driver; runs of different drivers are
// independent.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "common/result.h"
#include "metering/metering.h"
#include "scheduler/job.h"
#include "sim/workload.h"
#include "storage/store.h"
#include "world/world.h"

namespace bg::engine {
class Engine;
}  // namespace bg::engine

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

  double OutOfPocketPerCardHour() const;  // yuan
  double SubsidyPerCardHour() const;      // yuan
  double DayUtilisation() const;          // day_used / day_offered
};

struct DriverOptions {
  scheduler::Policy policy = scheduler::Policy::kVoucherAware;
  // Called once for each simulated day 1..days, after it ends, with the
  // metrics so far and that day's figures (progress).
  std::function<void(uint32_t day, const Metrics&)> on_day = {};
  // Providers register keys and report signed usage (one batch-signed
  // record per job, for 70-100% of its walltime, seeded) before each job
  // finishes, so jobs are billed for use, not for the reservation.
  bool metered = false;
  // The demo's hooks: after the engine is open and the scenario loaded; at
  // each step of virtual time (return false to stop early); before the
  // engine is shut down.
  std::function<void(engine::Engine&)> on_open = {};
  // A provider's agent at a job's end: sends the usage it metered (signed as
  // a batch of one, metered runs only) and finishes the job. Empty: the
  // driver puts both to the engine directly; the demo's agents send them
  // over HTTP, as a real agent does. Called on the driver's thread, before
  // virtual time moves on.
  std::function<Status(const metering::SubmitUsage& usage)> report_usage = {};
  std::function<Status(OrderId job)> finish_job = {};
  std::function<bool(Timestamp now)> on_step = {};
  std::function<void(engine::Engine&)> on_end = {};
};

// Runs `workload` on `scenario` through an engine on `store` (a fresh one).
Result<Metrics> Run(const world::World& scenario, const Workload& workload,
                    const WorkloadOptions& workload_options, const DriverOptions& options,
                    storage::Store* store);

}  // namespace bg::sim
