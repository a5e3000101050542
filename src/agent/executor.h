// Executor: what the agent needs from the scheduler that really runs the
// work at a data centre — Slurm (slurm.h), local processes for the demo and
// tests (local.h), Kubernetes next. The agent speaks only this interface;
// each executor turns it into its scheduler's own commands.
//
// A run is found by its name, which carries the placement's id
// (RunName): that is how an agent restarted after a crash learns what it
// had already submitted, since schedulers have no idempotency key of their
// own. Zero runs of a name means "not known yet", never "refused".
//
// Thread-safety: an executor is used by one agent thread.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/result.h"

namespace bg::agent {

// What to start for one placement.
struct RunSpec {
  uint64_t job = 0;            // the platform's job (placement) id
  std::string name = {};       // RunName(cluster, job)
  uint32_t cards = 1;          // GPUs
  std::string partition = {};  // Slurm partition ("" for the local executor)
  std::string account = {};    // Slurm account ("" for none)
  std::string gres_type = {};  // "a800": --gres=gpu:a800:<cards>
  uint64_t time_limit_s = 60;  // the scheduler ends it after this long
  uint64_t order_from_s = 0;   // when the order began on the platform
  std::string command = {};    // run with sh -c; BG_JOB_ID, BG_CARDS, BG_WALLTIME_S set
};

enum class RunState : uint8_t {
  kPending,  // accepted, not started
  kRunning,
  kEnded,  // start_s and end_s are final
};

// One run of a job as its scheduler reports it. A requeued Slurm job shows
// one run per attempt, each with its own start.
struct Run {
  std::string id = {};    // the scheduler's id ("4711")
  std::string name = {};  // as submitted
  RunState state = RunState::kPending;
  std::string detail = {};  // the scheduler's word: "COMPLETED", "TIMEOUT", "CANCELLED by 0"
  uint64_t submit_s = 0;
  uint64_t start_s = 0;  // 0 until it starts
  // 0 until it ends. A running run may have one: it has ended, but not
  // every figure is final yet (Slurm's accounting lags): nothing after it
  // may be billed.
  uint64_t end_s = 0;
  uint32_t cards = 0;  // GPUs allocated
};

// GPUs of one type in one partition.
struct Capacity {
  std::string partition = {};
  std::string gres_type = {};
  uint32_t total = 0;
  uint32_t allocated = 0;
  uint32_t unavailable = 0;  // on nodes drained, down or failing
};

class Executor {
 public:
  virtual ~Executor() = default;
  // Starts a run; answers the scheduler's id for it.
  virtual Result<std::string> Submit(const RunSpec& spec) = 0;
  // Every run the scheduler knows whose name starts with `prefix`, pending,
  // running or ended (ended ones at least since `since_s`).
  virtual Result<std::vector<Run>> Runs(const std::string& prefix, uint64_t since_s) = 0;
  // Asks the scheduler to end a run (a no-op for one that has ended).
  virtual Status Cancel(const std::string& id) = 0;
  // Sets a run's time limit, counted from its start, to `time_limit_s`: the
  // platform extended the order. Setting the limit it has is harmless.
  virtual Status Extend(const std::string& id, uint64_t time_limit_s) = 0;
  virtual Result<std::vector<Capacity>> Capacities() = 0;
};

// "bg-<cluster>-<job>": the run's name, how a restarted agent finds it.
std::string RunName(const std::string& cluster, uint64_t job);
// The job id in a name RunName made for `cluster`; 0 if it is not one.
uint64_t JobOfName(const std::string& cluster, const std::string& name);

}  // namespace bg::agent
