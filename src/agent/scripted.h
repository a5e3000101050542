// The scripted executor: runs whose course is known when they are
// submitted, played on the caller's clock. It is how the demo's providers
// run the real agent (agent.h) in accelerated virtual time, where no
// process could keep up: each run starts when its order began on the
// platform and uses the cards for as long as `course` says, then waits,
// as ended-but-not-final, until the caller marks it final (the demo does
// at the order's end, when a real scheduler's accounting would have it).
//
// Thread-safety: one agent thread.
#pragma once

#include <functional>
#include <map>
#include <string>

#include "agent/executor.h"
#include "common/clock.h"

namespace bg::agent {

class ScriptedExecutor final : public Executor {
 public:
  // How long job `job` runs, in seconds (it starts when its order began).
  using Course = std::function<uint64_t(uint64_t job)>;
  ScriptedExecutor(std::string cluster, const Clock* clock, Course course)
      : cluster_(std::move(cluster)), clock_(clock), course_(std::move(course)) {}

  // The run of `job` stopped using its cards at `until_s` (its course may
  // have changed since it was submitted: an extension) and has its final
  // figures: it may be reported as ended.
  void Final(uint64_t job, uint64_t until_s);

  Result<std::string> Submit(const RunSpec& spec) override;
  Result<std::vector<Run>> Runs(const std::string& prefix, uint64_t since_s) override;
  Status Cancel(const std::string& id) override;
  // Runs end when the demo's driver says (Final), never at a limit.
  Status Extend(const std::string&, uint64_t) override { return Status::Ok(); }
  Result<std::vector<Capacity>> Capacities() override { return std::vector<Capacity>{}; }

 private:
  struct Planned {
    Run run;
    uint64_t until_s = 0;  // when it stops using the cards
    bool final = false;
    uint64_t final_at_s = 0;  // when it was marked final
  };
  std::string cluster_;
  const Clock* clock_;
  Course course_;
  std::map<std::string, Planned> runs_;  // by name; pruned a look-back after they are final
  std::map<uint64_t, uint64_t> final_;   // jobs marked final before they were submitted: until
};

}  // namespace bg::agent
