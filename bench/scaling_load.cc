#include "bench/scaling_load.h"

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <functional>

#include <malloc.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/enum_names.h"
#include "sim/driver.h"
#include "storage/memory_store.h"
#include "world/builtin.h"

namespace bg::bench {
namespace {

// 2025-07-01 00:00 UTC, as `baygrid sim compare`: every GBA programme is in force.
constexpr Timestamp kStart = 1'751'328'000 * kNanosPerSecond;

// What a child sends back through its pipe (plain bytes: one process image).
struct ChildReport {
  bool ok = false;
  double seconds = 0;
  uint64_t jobs_run = 0;
  uint64_t peak_live_jobs = 0;
  uint64_t heap_before_bytes = 0;
  uint64_t heap_end_bytes = 0;
  char error[512] = {};
};

}  // namespace
}  // namespace bg::bench

// jemalloc's control interface, when the binary links it (the release
// baygrid does; the tests do not): weak, so that it is null otherwise.
extern "C" int mallctl(  // NOLINT(readability-identifier-naming): jemalloc's name
    const char* name, void* oldp, size_t* oldlenp, void* newp, size_t newlen) __attribute__((weak));

namespace bg::bench {
namespace {

// Bytes the program has allocated and not freed: jemalloc's own count when
// it is the malloc (glibc's mallinfo2 would read an unused heap), else
// glibc's.
uint64_t HeapInUse() {
  if (mallctl != nullptr) {
    uint64_t epoch = 1;
    size_t size = sizeof(epoch);
    mallctl("epoch", &epoch, &size, &epoch, size);  // refreshes the statistics
    size_t allocated = 0;
    size = sizeof(allocated);
    if (mallctl("stats.allocated", &allocated, &size, nullptr, 0) == 0) return allocated;
  }
  const struct mallinfo2 m = mallinfo2();
  return m.uordblks + m.hblkhd;
}

double Seconds(const timeval& t) {
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
}

// In the child: the workload of `size`, then one run of the simulator on a
// fresh in-memory store, with the per-day progress `sim compare` reports.
ChildReport RunSize(const world::World& scenario, const ScalingSize& size, uint64_t seed,
                    scheduler::Policy policy) {
  ChildReport report;
  const sim::WorkloadOptions wo{
      .seed = seed, .days = size.days, .jobs = size.jobs, .start = kStart};
  const sim::Workload w = sim::Generate(scenario, wo);
  report.heap_before_bytes = HeapInUse();
  storage::MemoryStore store({.keep_history = false});  // a simulation never recovers
  sim::DriverOptions d{.policy = policy, .snapshot_at_end = false};
  d.on_day = [](uint32_t, const sim::Metrics&) {};
  d.on_end = [&](engine::Engine&) { report.heap_end_bytes = HeapInUse(); };
  const auto t0 = std::chrono::steady_clock::now();
  Result<sim::Metrics> m = sim::Run(scenario, w, wo, d, &store);
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (!m.ok()) {
    std::snprintf(report.error, sizeof(report.error), "%s", m.status().ToString().c_str());
    return report;
  }
  report.ok = true;
  report.jobs_run = m->jobs;
  report.peak_live_jobs = m->peak_live_jobs;
  return report;
}

bool WriteAll(int fd, const void* data, size_t n) {
  const auto* p = static_cast<const char*>(data);
  while (n > 0) {
    const ssize_t w = write(fd, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return false;
    p += w;
    n -= static_cast<size_t>(w);
  }
  return true;
}

bool ReadAll(int fd, void* data, size_t n) {
  auto* p = static_cast<char*>(data);
  while (n > 0) {
    const ssize_t r = read(fd, p, n);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return false;
    p += r;
    n -= static_cast<size_t>(r);
  }
  return true;
}

// errno as text, thread-safely (strerror is not).
std::string ErrnoText() {
  char buf[256];
  return strerror_r(errno, buf, sizeof buf);
}

// Runs one size in a child process; its peak RSS is the child's own.
Result<ScalingRow> Measure(const world::World& scenario, const ScalingSize& size, uint64_t seed,
                           scheduler::Policy policy) {
  int fds[2];
  if (pipe(fds) != 0) return Internal(std::string("pipe: ") + ErrnoText());
  std::fflush(stdout);
  std::fflush(stderr);
  const pid_t pid = fork();
  if (pid < 0) return Internal(std::string("fork: ") + ErrnoText());
  if (pid == 0) {
    close(fds[0]);
    const ChildReport report = RunSize(scenario, size, seed, policy);
    _exit(WriteAll(fds[1], &report, sizeof(report)) ? 0 : 1);
  }
  close(fds[1]);
  ChildReport report;
  const bool got = ReadAll(fds[0], &report, sizeof(report));
  close(fds[0]);
  int status = 0;
  struct rusage usage {};
  while (wait4(pid, &status, 0, &usage) < 0) {
    if (errno != EINTR) return Internal(std::string("wait4: ") + ErrnoText());
  }
  const std::string what =
      std::to_string(size.jobs) + " jobs over " + std::to_string(size.days) + " days";
  if (!got || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return Internal("the run of " + what + " ended abnormally (status " + std::to_string(status) +
                    ")");
  }
  if (!report.ok) return Internal("the run of " + what + ": " + report.error);
  ScalingRow row{.size = size,
                 .jobs_run = report.jobs_run,
                 .seconds = report.seconds,
                 .cpu_seconds = Seconds(usage.ru_utime) + Seconds(usage.ru_stime),
                 .peak_rss_kb = static_cast<uint64_t>(usage.ru_maxrss),
                 .peak_live_jobs = report.peak_live_jobs,
                 .heap_before_bytes = report.heap_before_bytes,
                 .heap_end_bytes = report.heap_end_bytes};
  return row;
}

// "240k" for 240000; other counts as they are.
std::string Label(uint32_t jobs) {
  return jobs % 1000 == 0 ? std::to_string(jobs / 1000) + "k" : std::to_string(jobs);
}

void PrintRow(const ScalingRow& r) {
  std::printf("%8u %6u %9.1f %8.1f %8.1f %9.0f %8llu %10.1f %8.2f\n", r.size.jobs, r.size.days,
              r.seconds, r.MicrosPerJob(), r.CpuMicrosPerJob(),
              static_cast<double>(r.peak_rss_kb) / 1024.0,
              static_cast<unsigned long long>(r.peak_live_jobs),  // NOLINT(google-runtime-int)
              r.KbPerLiveJob(), r.BytesPerJob() / 1024.0);
  std::fflush(stdout);
}

}  // namespace

std::vector<ScalingSize> StandardScalingSizes() {
  return {{20'000, 30}, {40'000, 60}, {80'000, 120}, {160'000, 240}, {240'000, 365}};
}

double ScalingRow::MicrosPerJob() const {
  return jobs_run == 0 ? 0 : seconds * 1e6 / static_cast<double>(jobs_run);
}
double ScalingRow::CpuMicrosPerJob() const {
  return jobs_run == 0 ? 0 : cpu_seconds * 1e6 / static_cast<double>(jobs_run);
}
double ScalingRow::KbPerLiveJob() const {
  return peak_live_jobs == 0
             ? 0
             : static_cast<double>(peak_rss_kb) / static_cast<double>(peak_live_jobs);
}
double ScalingRow::BytesPerJob() const {
  return jobs_run == 0 || heap_end_bytes < heap_before_bytes
             ? 0
             : static_cast<double>(heap_end_bytes - heap_before_bytes) /
                   static_cast<double>(jobs_run);
}

Result<std::vector<ScalingRow>> MeasureScaling(
    const ScalingBenchOptions& o, const std::function<void(const ScalingRow&)>& on_row) {
  const std::optional<scheduler::Policy> policy = FromName(scheduler::kPolicyNames, o.policy);
  if (!policy) return InvalidArgument("no policy " + o.policy);
  BG_ASSIGN_OR_RETURN(const world::World scenario, world::Load(o.scenario));
  std::vector<ScalingSize> sizes = o.sizes.empty() ? StandardScalingSizes() : o.sizes;
  std::erase_if(sizes, [&](const ScalingSize& s) { return s.jobs > o.max_jobs; });
  if (sizes.empty()) return InvalidArgument("no size within --max-jobs");
  std::vector<ScalingRow> rows;
  for (const ScalingSize& size : sizes) {
    BG_ASSIGN_OR_RETURN(ScalingRow row, Measure(scenario, size, o.seed, *policy));
    if (on_row) on_row(row);
    rows.push_back(row);
  }
  return rows;
}

Status RunScalingBench(const ScalingBenchOptions& o) {
  std::printf(
      "scaling bench: the simulator (%s policy, seed %llu) at each size in a child process\n\n",
      o.policy.c_str(), static_cast<unsigned long long>(o.seed));  // NOLINT(google-runtime-int)
  std::printf("%8s %6s %9s %8s %8s %9s %8s %10s %8s\n", "jobs", "days", "seconds", "us/job",
              "cpu us", "peak MB", "live", "KB/live", "KB/job");
  BG_ASSIGN_OR_RETURN(const std::vector<ScalingRow> rows, MeasureScaling(o, PrintRow));
  const ScalingRow& first = rows.front();
  const ScalingRow& last = rows.back();
  auto ratio = [](double a, double b) { return b == 0 ? 0 : a / b; };
  std::printf(
      "\n%s vs %s jobs: time per job x%.2f (CPU time x%.2f), memory per live job x%.2f, "
      "memory per job x%.2f\n",
      Label(last.size.jobs).c_str(), Label(first.size.jobs).c_str(),
      ratio(last.MicrosPerJob(), first.MicrosPerJob()),
      ratio(last.CpuMicrosPerJob(), first.CpuMicrosPerJob()),
      ratio(last.KbPerLiveJob(), first.KbPerLiveJob()),
      ratio(last.BytesPerJob(), first.BytesPerJob()));
  std::printf("RESULT scaling jobs=%u seconds=%.1f per_job_us_ratio_%s_vs_%s=%.2f rss_mb=%.0f\n",
              last.size.jobs, last.seconds, Label(last.size.jobs).c_str(),
              Label(first.size.jobs).c_str(), ratio(last.MicrosPerJob(), first.MicrosPerJob()),
              static_cast<double>(last.peak_rss_kb) / 1024.0);
  return Status::Ok();
}

}  // namespace bg::bench
