// `baygrid demo --live`: the demo with real processes. A day of the
// Greater Bay Area scenario (by default 40 jobs) on a paced clock
// (common/paced_clock.h: 720 virtual seconds per real second, so a day in
// two minutes), served over HTTP as `baygrid demo` serves it, and each
// provider's agent — `baygrid agent`'s code — on a thread of its own with
// the local executor (agent/local.h): every placement is a process on this
// machine that the agent submits, follows, bills with batch-signed usage
// and finishes. When the day is over the platform stops what still runs
// (the stop signal: the agents end those processes), and the demo checks
// what the platform charged against what the processes recorded:
//
//   RESULT demo_live jobs=<n> completed=<n> stopped=<n> submitted_twice=<n>
//     usage_diff_card_s=<n> subsidy_yuan=<x> ledger_balanced=<true|false>
//
// (one line). A completed job is charged exactly the card-seconds its
// process ran within its order (which begins once the job's data has
// moved); a stopped one at most that (nothing after the stop).
#pragma once

#include "cmd/demo.h"
#include "common/status.h"

namespace bg::cmd {

// `o` with its live defaults filled in (RegisterDemo does).
Status RunLiveDemo(const DemoOptions& o);

}  // namespace bg::cmd
