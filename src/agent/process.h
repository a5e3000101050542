// Running a command and reading what it printed: how the agent drives a
// scheduler's own tools (sbatch, squeue, sacct, scancel, sinfo). One call
// runs one program to completion with a deadline; a program that hangs is
// killed and answered as an error, never waited for forever (sinfo against
// a dead controller retries for tens of seconds).
//
// The child dies with the agent (PR_SET_PDEATHSIG): an agent killed in the
// middle of `sbatch` must not leave one running that submits after the
// restarted agent has looked for the job and found nothing.
//
// Thread-safety: pure functions over processes.
#pragma once

#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "common/result.h"

namespace bg::agent {

struct ProcessResult {
  int exit_code = -1;  // the program's exit status; 128 + signal if killed
  std::string out = {};
  std::string err = {};
};

struct ProcessOptions {
  std::chrono::milliseconds timeout{30'000};
  // Added to (or replacing) the agent's environment.
  std::vector<std::pair<std::string, std::string>> env = {};
  // Detached: started in a session of its own, output to /dev/null, not
  // killed with the agent and not waited for (the local executor's jobs,
  // which write their own record of how they went). The answer is then
  // empty: exit_code 0 once it has been started.
  bool detach = false;
};

// Runs argv[0] (looked up in PATH) with the rest as arguments. An error when
// the program cannot be started or runs past the timeout; a non-zero exit is
// an answer, for the caller to read.
Result<ProcessResult> RunProcess(const std::vector<std::string>& argv,
                                 const ProcessOptions& options = {});

// "sbatch -J x --wrap 'a b'": a command line for logs and messages.
std::string CommandLine(const std::vector<std::string>& argv);

}  // namespace bg::agent
