// The local executor: each placement runs as a process on this machine,
// for the demo and for tests without a Slurm. It keeps Slurm's contract as
// far as the agent can tell: runs are found by name in a folder of small
// files (so they outlive the agent), end by themselves, by their time limit
// (TIMEOUT) or by Cancel (CANCELLED), and capacity is what each pool's
// `local_cards` says, less what runs.
//
// Each run is a detached `sh` that records, in <dir>/<name>.*: submit
// (written before it starts), cards, gres, limit_ms, pid, start, and on its
// way out state and end. An end file is written last, by rename: a run with
// one has ended.
//
// Times: the processes keep the wall's time (start and end in ms since the
// epoch, the limit in ms of the wall's); the executor answers them on its
// clock (PacedClock::At). On the wall clock (`baygrid agent`) that changes
// nothing; on the live demo's paced clock a process that sleeps 5 s has
// used 5 × speed seconds of the platform's time, and a time limit of
// `time_limit_s` lasts time_limit_s / speed seconds of the wall's.
//
// Thread-safety: one agent thread.
#pragma once

#include <map>
#include <string>

#include "agent/executor.h"
#include "common/paced_clock.h"

namespace bg::agent {

class LocalExecutor final : public Executor {
 public:
  // `cards`: GPUs of each type (gres) this machine pretends to have.
  LocalExecutor(std::string dir, std::map<std::string, uint32_t> cards, const PacedClock* clock);

  Result<std::string> Submit(const RunSpec& spec) override;
  Result<std::vector<Run>> Runs(const std::string& prefix, uint64_t since_s) override;
  Status Cancel(const std::string& id) override;
  // The wrapper reads the run's limit file every 0.2 s.
  Status Extend(const std::string& id, uint64_t time_limit_s) override;
  Result<std::vector<Capacity>> Capacities() override;

 private:
  std::string dir_;
  std::map<std::string, uint32_t> cards_;
  // The limit in ms of the wall's for `limit_s` of the clock's (at least 1).
  uint64_t WallMillis(uint64_t limit_s) const;
  // A time a process recorded (ms of the wall's) on the clock, in seconds.
  uint64_t ClockSeconds(uint64_t wall_ms) const;

  const PacedClock* clock_;
};

}  // namespace bg::agent
