// The Slurm executor: sbatch, squeue, sacct, scancel and scontrol, run as
// processes (process.h), their output parsed here. Facts it relies on
// (../shared/reference/wave2.md §B, ../shared/recipes/slurm-local.md):
//
// - sbatch --parsable answers "<id>" or "<id>;<cluster>". The job's name
//   carries the placement id; Slurm has no idempotency key of its own.
// - Times are read as Unix seconds (SLURM_TIME_FORMAT=%s).
// - sacct -D shows every run of a requeued job (same id, each its own
//   start); without -D the earlier ones are hidden. sacct learns of a job
//   from slurmctld a moment later than squeue does, so a run counts as
//   ended only when sacct says so (its End and AllocTRES are what the
//   operator will compare the bill with), and a name sacct does not know
//   yet may still be in squeue: both are asked.
// - Job ids wrap; a run is keyed by id and submit time together.
// - Time limits are whole minutes to Slurm; the limit asked is rounded down.
//
// Thread-safety: one agent thread.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "agent/executor.h"
#include "agent/process.h"

namespace bg::agent {

// How the executor runs a program (RunProcess; tests hand in canned output).
using Runner = std::function<Result<ProcessResult>(const std::vector<std::string>& argv,
                                                   const ProcessOptions& options)>;

class SlurmExecutor final : public Executor {
 public:
  explicit SlurmExecutor(Runner run = RunProcess) : run_(std::move(run)) {}

  Result<std::string> Submit(const RunSpec& spec) override;
  Result<std::vector<Run>> Runs(const std::string& prefix, uint64_t since_s) override;
  Status Cancel(const std::string& id) override;
  // scontrol update TimeLimit: raising a limit takes a Slurm operator
  // (sacctmgr ... set adminlevel=operator; docs/agent.md).
  Status Extend(const std::string& id, uint64_t time_limit_s) override;
  Result<std::vector<Capacity>> Capacities() override;

 private:
  // Runs a Slurm tool; an error carries its stderr when it exits non-zero.
  Result<std::string> Tool(const std::vector<std::string>& argv);
  Runner run_;
};

// Parsers, public for the tests (slurm_test.cc).
// squeue -h -t all -o '%i|%j|%T|%V|%S|%e': runs, with times as Unix seconds.
std::vector<Run> ParseSqueue(const std::string& out, const std::string& prefix);
// sacct -D -X --parsable2 --noheader -o JobIDRaw,JobName,State,Submit,Start,End,AllocTRES.
std::vector<Run> ParseSacct(const std::string& out, const std::string& prefix);
// "billing=2,cpu=2,gres/gpu:a800=2,gres/gpu=2,node=1" -> 2.
uint32_t GpusOfTres(const std::string& tres);
// scontrol -o show node: one line per node.
std::vector<Capacity> ParseNodes(const std::string& out);
// The minutes Slurm is asked for when `seconds` are left: rounded down, at least 1.
uint64_t LimitMinutes(uint64_t seconds);

}  // namespace bg::agent
