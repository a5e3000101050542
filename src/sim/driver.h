// The simulator's driver: plays a workload through the real engine on a
// virtual clock — the scenario's commands, then every voucher application
// (walked through review when its programme opens), every job arrival and
// every job end in time order, with a placement pass whenever cards free
// up — and measures what came out (measure.h). There is no second
// implementation of any rule: the driver only submits commands and reads
// state (docs/scheduler.md).
//
// Each step costs what is live, not the history: the driver keeps the
// running jobs (by end) and the queued ones, and reads only those — after
// a placement pass, which queued jobs now run; each day, the live jobs'
// progress. A run of a year costs per job what a run of a month does.
//
// Thread-safety: one run per Driver; runs of different drivers are
// independent.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "metering/metering.h"
#include "scheduler/job.h"
#include "sim/measure.h"
#include "sim/workload.h"
#include "storage/store.h"
#include "world/world.h"

namespace bg::engine {
class Engine;
}  // namespace bg::engine

namespace bg::sim {

struct DriverOptions {
  scheduler::Policy policy = scheduler::Policy::kVoucherAware;
  // Called once for each simulated day 1..days, after it ends, with the
  // metrics so far and that day's figures (progress): the job figures
  // (Progress, measure.h), at a cost that follows the jobs still live.
  std::function<void(uint32_t day, const Metrics&)> on_day = {};
  // on_day gets every figure of Measure instead (Jain's index, the mean
  // wait, the programmes, reconciliation), at the cost of reading the whole
  // state each day: for tests and short runs.
  bool measure_each_day = false;
  // Providers register keys and report signed usage (one batch-signed
  // record per job, for 70-100% of its walltime, seeded) before each job
  // finishes, so jobs are billed for use, not for the reservation.
  bool metered = false;
  // False when `store` is thrown away after the run (a simulation's): the
  // engine writes no snapshot at its end.
  bool snapshot_at_end = true;
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
  // The jobs placed at a step (on arrival or by a placement pass), once per
  // step that placed any: the demo's agents take them on.
  std::function<Status(const std::vector<OrderId>& placed)> on_placed = {};
  std::function<void(engine::Engine&)> on_end = {};
};

// What running job `id` uses in the simulation, as its provider would
// report it at its end: its cards from its start for 70-100% of its
// walltime (seeded by the id), record id = job id; nothing if it is not
// running. The driver's metered runs and the demo's agents (which run the
// job this long in virtual time) both read it.
std::optional<metering::UsageRecord> MeteredUse(const state::State& s, OrderId id);

// The driver's steps, for the live demo (cmd/demo_live.h), which plays a
// workload on a paced clock instead: the scenario's commands and the
// workload's enterprises; an application filed and walked through review
// (a refusal simply ends it, as for a real applicant); the providers'
// signing keys (metering::KeyPairFromNumber of each provider's id).
Status Setup(engine::Engine& e, const world::World& scenario, const Workload& w);
Status FileAndReview(engine::Engine& e, const programme::FileApplication& app);
Status RegisterKeys(engine::Engine& e, const world::World& scenario);

// Runs `workload` on `scenario` through an engine on `store` (a fresh one).
Result<Metrics> Run(const world::World& scenario, const Workload& workload,
                    const WorkloadOptions& workload_options, const DriverOptions& options,
                    storage::Store* store);

}  // namespace bg::sim
