// The provider agent: runs beside a data centre's scheduler and does, each
// cycle, what the platform asks of the provider:
//
//   1. takes on each new placement on a mapped pool — recorded in its
//      store *before* the run is submitted, then submitted (or, after a
//      crash, found by name and adopted: never submitted twice);
//   2. follows every run and reports its usage, cards × seconds in fixed
//      windows from the run's start, batch-signed with the provider's key.
//      A window's record id is a hash of (cluster, run id, submit time, run
//      start, window): the same window always gets the same id and body, so
//      the whole trailing window of history is simply reported again after
//      a restart and the platform counts each record once;
//   3. tells the platform a run has ended (POST /v1/jobs/{id}/finish) once
//      every window of it is acknowledged;
//   4. ends runs the platform no longer wants: a cancelled job (gone from
//      the placements) or one past its end with a stop signal;
//   5. offers what is really free: per pool, the GPUs of its type in its
//      partition, less those drained or down and those other work holds.
//
// The sum of a run's windows is its cards × (end − start): what sacct
// reports as AllocTRES × ElapsedRaw, to the second.
//
// Thread-safety: one thread calls Cycle; counters() may be read from any.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "agent/config.h"
#include "agent/executor.h"
#include "agent/platform.h"
#include "common/clock.h"
#include "metering/metering.h"
#include "metering/usage.h"
#include "storage/agent_store.h"

namespace bg::agent {

using storage::AgentStore;
using storage::Phase;
using storage::Placement;

struct Counters {
  std::atomic<uint64_t> cycles{0};
  std::atomic<uint64_t> cycle_errors{0};
  std::atomic<uint64_t> submitted{0};
  std::atomic<uint64_t> adopted{0};  // found by name after a restart
  std::atomic<uint64_t> records_sent{0};
  std::atomic<uint64_t> records_accepted{0};  // ok or exists
  std::atomic<uint64_t> records_refused{0};
  std::atomic<uint64_t> card_seconds_accepted{0};
  std::atomic<uint64_t> finished{0};
  std::atomic<uint64_t> cancelled{0};  // runs the agent asked the scheduler to end
  std::atomic<uint64_t> extended{0};   // run limits raised after an extension
  std::atomic<uint64_t> offers{0};
};

// One line of the agent's log: an event name and its fields (JSON lines).
using LogFn = std::function<void(const std::string& event, const std::string& fields_json)>;

class Agent {
 public:
  Agent(Config config, Executor* executor, AgentStore* store, Platform* platform,
        const Clock* clock, LogFn log);

  // One pass of the five steps; an error says which step could not reach
  // the platform or the scheduler (the next cycle tries again).
  Status Cycle();
  const Counters& counters() const { return counters_; }

  // The usage windows of `runs` (one job's) for placement `p` at `now_s`:
  // complete windows while a run goes on, the last partial one when it has
  // ended. Public for the tests.
  // Windows before `skip` of the run that started at `skip_start_s` are
  // left out (known to be acknowledged already).
  std::vector<metering::UsageRecord> Windows(const Placement& p, const std::vector<Run>& runs,
                                             uint64_t now_s, uint64_t skip_start_s = 0,
                                             uint64_t skip = 0) const;

 private:
  using RunsByJob = std::map<uint64_t, std::vector<Run>>;
  Status TakeNew(const std::map<uint64_t, PlacementView>& live);
  // `live`: the placements on the platform (nullptr: not known this
  // cycle, which listed only new ones).
  Status Submit(const Placement& p, const RunsByJob& runs,
                const std::map<uint64_t, PlacementView>* live, uint64_t now_s);
  // Ends runs the platform is done with, and computes a job's windows
  // (`windows`) and those not yet acknowledged (appended to `due`).
  Status Follow(const Placement& p, const std::vector<Run>& runs,
                const std::map<uint64_t, PlacementView>* live, uint64_t now_s,
                std::vector<metering::UsageRecord>* windows,
                std::vector<metering::UsageRecord>* due);
  // After the usage went out: finishes a job whose runs have ended and
  // whose windows are all acknowledged.
  Status Settle(uint64_t job, const std::vector<Run>& runs,
                const std::vector<metering::UsageRecord>& windows);
  // Sends records of any jobs, 1024 a request, and records the answers.
  Status Report(const std::vector<metering::UsageRecord>& records);
  static std::vector<Run> Mine(const Placement& p, const std::vector<Run>& all);
  Status Extend(const Placement& p, const std::vector<Run>& mine, uint64_t now_s);
  Status Offer(const RunsByJob& runs);
  void Log(const std::string& event, const std::string& fields_json) const;

  Config config_;
  Executor* executor_;
  AgentStore* store_;
  Platform* platform_;
  const Clock* clock_;
  LogFn log_;
  Counters counters_;
  // Placements found mid-submission when the agent started: looked for once
  // more a cycle later before they are submitted (an sbatch of the previous
  // agent may still have been on its way).
  std::set<uint64_t> unsure_;
  // Placements whose order was extended (or, after a start, might have
  // been): their run's limit is set from the order's end.
  std::set<uint64_t> extend_;
  bool started_ = false;
  uint64_t last_full_s_ = 0;  // the last full listing of the placements
  uint64_t last_poll_s_ = 0;  // the last listing, full or of new ones
  // Per job: the run start and how many of its first windows are all
  // acknowledged, so that a cycle computes only the windows after them
  // (a long job has many; a cycle's cost follows what is new).
  std::map<uint64_t, std::pair<uint64_t, uint64_t>> settled_;
};

}  // namespace bg::agent
