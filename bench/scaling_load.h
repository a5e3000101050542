// `baygrid bench scaling`: how the simulator's cost grows with the work —
// the Greater Bay Area workload at 20,000 jobs over 30 days, then 40,000
// over 60, 80,000 over 120, 160,000 over 240 and 240,000 over a year
// (load and days scaled together, so that about as many jobs are live at
// any moment in each run). Each size runs in a child process of its own,
// so that the peak memory printed for it is its own (the child's
// ru_maxrss, read by wait4). Per size: seconds, microseconds per job, peak
// RSS, the most jobs queued and running at once, and the memory per live
// job and per job. If every step of the run costs what is live, the time
// per job stays flat as the history grows; what grows with the history is
// memory (the jobs, claims, ledger transfers and journal kept for queries
// and audit), measured per job. Ends with
//
//   RESULT scaling jobs=<largest> seconds=<x> per_job_us_ratio_<largest>_vs_<smallest>=<x>
//   rss_mb=<n>
//
// (one line; docs/benchmarks.md).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "common/result.h"

namespace bg::bench {

struct ScalingSize {
  uint32_t jobs = 0;
  uint32_t days = 0;
};

// 20k/30 days, 40k/60, 80k/120, 160k/240, 240k/365.
std::vector<ScalingSize> StandardScalingSizes();

struct ScalingBenchOptions {
  std::string scenario = "gba";  // the built-in one, or a file
  uint64_t seed = 1;
  std::string policy = "voucher_aware";
  // Sizes above this are left out (a quick run: --max-jobs 40000).
  uint32_t max_jobs = 240'000;
  // Instead of the standard sizes (tests: small ones).
  std::vector<ScalingSize> sizes = {};
};

// One size's figures.
struct ScalingRow {
  ScalingSize size;
  uint64_t jobs_run = 0;   // jobs the engine took
  double seconds = 0;      // sim::Run, the workload generated before
  double cpu_seconds = 0;  // the child's user + system time, all threads
  uint64_t peak_rss_kb = 0;
  uint64_t peak_live_jobs = 0;
  // Heap in use after the workload was generated, and at the end of the
  // run (the engine's state and its store, every job finished).
  uint64_t heap_before_bytes = 0;
  uint64_t heap_end_bytes = 0;

  double MicrosPerJob() const;
  double CpuMicrosPerJob() const;
  double KbPerLiveJob() const;  // peak RSS / peak live jobs
  double BytesPerJob() const;   // heap the run added / jobs
};

// Runs each size in a child process (fork: the caller must have no other
// thread), calls `on_row` as each ends, and returns the rows in order.
Result<std::vector<ScalingRow>> MeasureScaling(
    const ScalingBenchOptions& options, const std::function<void(const ScalingRow&)>& on_row = {});

Status RunScalingBench(const ScalingBenchOptions& options);

}  // namespace bg::bench
