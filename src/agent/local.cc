#include "agent/local.h"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <system_error>

#include <signal.h>

#include "agent/process.h"

namespace bg::agent {
namespace {

namespace fs = std::filesystem;

// The run's life in shell: its own record of start, state and end, in ms
// of the wall's. The work runs in a process group of its own (setsid),
// whose id a subshell records (.work) and, when the work ends, its exit
// code (.rc); a kill ends the whole group, whatever the command started.
// The wrapper reads the limit file every 0.2 s, so that Extend can raise
// it, and kills the work when the run is past it (TIMEOUT); TERM (Cancel)
// kills it too (CANCELLED).
constexpr const char* kWrapper = R"sh(
f="$BG_RUN_FILES"
echo $$ > "$f.pid"
date +%s%3N > "$f.start"
start=$(cat "$f.start")
( setsid sh -c "$BG_COMMAND" & echo $! > "$f.work"; wait $!; echo $? > "$f.rc" ) &
finish() { date +%s%3N > "$f.end.tmp"; echo "$1" > "$f.state"; mv "$f.end.tmp" "$f.end"; exit 0; }
stop() { while [ ! -e "$f.rc" ]; do kill -KILL "-$(cat "$f.work" 2>/dev/null)" 2>/dev/null; sleep 0.1; done; }
trap 'stop; finish CANCELLED' TERM
while [ ! -e "$f.rc" ]; do
  if [ $(( $(date +%s%3N) - start )) -ge "$(cat "$f.limit_ms")" ]; then stop; finish TIMEOUT; fi
  sleep 0.2
done
if [ "$(cat "$f.rc")" -eq 0 ]; then finish COMPLETED; else finish FAILED; fi
)sh";

std::string Slurp(const fs::path& p) {
  std::ifstream in(p);
  std::string s;
  std::getline(in, s);
  return s;
}

uint64_t U64(const std::string& s) {
  uint64_t v = 0;
  std::from_chars(s.data(), s.data() + s.size(), v);
  return v;
}

bool Write(const fs::path& p, const std::string& text) {
  std::ofstream out(p);
  out << text << '\n';
  return static_cast<bool>(out);
}

}  // namespace

LocalExecutor::LocalExecutor(std::string dir, std::map<std::string, uint32_t> cards,
                             const PacedClock* clock)
    : dir_(std::move(dir)), cards_(std::move(cards)), clock_(clock) {}

uint64_t LocalExecutor::WallMillis(uint64_t limit_s) const {
  return std::max<uint64_t>(1, (limit_s * 1000 + clock_->speed() - 1) / clock_->speed());
}

uint64_t LocalExecutor::ClockSeconds(uint64_t wall_ms) const {
  if (wall_ms == 0) return 0;  // not yet
  return clock_->At(wall_ms * 1'000'000) / kNanosPerSecond;
}

Result<std::string> LocalExecutor::Submit(const RunSpec& spec) {
  std::error_code ec;
  fs::create_directories(dir_, ec);
  const fs::path base = fs::path(dir_) / spec.name;
  const std::string files = base.string();
  // The limit is written here, not by the wrapper, so that an Extend right
  // after Submit is never overwritten.
  const uint64_t limit_ms = WallMillis(spec.time_limit_s);
  if (!Write(files + ".limit_ms", std::to_string(limit_ms)) ||
      !Write(files + ".submit", std::to_string(clock_->Now() / kNanosPerSecond)) ||
      !Write(files + ".cards", std::to_string(spec.cards)) ||
      !Write(files + ".gres", spec.gres_type)) {
    return Unavailable("cannot write the run's files in " + dir_);
  }
  ProcessOptions options{.env = {{"BG_RUN_FILES", files},
                                 {"BG_COMMAND", spec.command},
                                 {"BG_JOB_ID", std::to_string(spec.job)},
                                 {"BG_CARDS", std::to_string(spec.cards)},
                                 // What the work has here, in the wall's time.
                                 {"BG_LIMIT_MS", std::to_string(limit_ms)},
                                 {"BG_WALLTIME_S", std::to_string((limit_ms + 999) / 1000)}},
                         .detach = true};
  BG_RETURN_IF_ERROR(RunProcess({"sh", "-c", kWrapper}, options).status());
  return spec.name;
}

Result<std::vector<Run>> LocalExecutor::Runs(const std::string& prefix, uint64_t since_s) {
  std::vector<Run> runs;
  std::error_code ec;
  if (!fs::exists(dir_, ec)) return runs;
  for (const fs::directory_entry& e : fs::directory_iterator(dir_, ec)) {
    const std::string file = e.path().filename().string();
    const std::string suffix = ".submit";
    if (file.size() <= suffix.size() || !file.ends_with(suffix)) continue;
    const std::string name = file.substr(0, file.size() - suffix.size());
    if (name.compare(0, prefix.size(), prefix) != 0) continue;
    const std::string base = (fs::path(dir_) / name).string();
    Run r{.id = name, .name = name, .submit_s = U64(Slurp(base + ".submit"))};
    r.cards = static_cast<uint32_t>(U64(Slurp(base + ".cards")));
    r.start_s = ClockSeconds(U64(Slurp(base + ".start")));
    r.end_s = ClockSeconds(U64(Slurp(base + ".end")));
    if (r.end_s != 0) {
      if (r.end_s < since_s) continue;
      r.state = RunState::kEnded;
      r.detail = Slurp(base + ".state");
    } else if (r.start_s != 0) {
      r.state = RunState::kRunning;
      r.detail = "RUNNING";
    } else {
      r.detail = "PENDING";
    }
    runs.push_back(std::move(r));
  }
  return runs;
}

Status LocalExecutor::Extend(const std::string& id, uint64_t time_limit_s) {
  const fs::path base = fs::path(dir_) / id;
  if (!fs::exists(base.string() + ".submit")) return NotFound("no local run " + id);
  // Written whole, then renamed: the wrapper never reads half a number.
  const std::string tmp = base.string() + ".limit_ms.tmp";
  std::error_code ec;
  if (!Write(tmp, std::to_string(WallMillis(time_limit_s)))) {
    return Unavailable("cannot write the limit of local run " + id);
  }
  fs::rename(tmp, base.string() + ".limit_ms", ec);
  if (ec) return Unavailable("cannot set the limit of local run " + id + ": " + ec.message());
  return Status::Ok();
}

Status LocalExecutor::Cancel(const std::string& id) {
  const std::string base = (fs::path(dir_) / id).string();
  const pid_t pid = static_cast<pid_t>(U64(Slurp(base + ".pid")));
  if (pid <= 0 || fs::exists(base + ".end")) return Status::Ok();
  if (::kill(pid, SIGTERM) != 0 && errno != ESRCH) {
    return Unavailable("cannot end local run " + id + ": " +
                       std::error_code(errno, std::generic_category()).message());
  }
  return Status::Ok();
}

Result<std::vector<Capacity>> LocalExecutor::Capacities() {
  BG_ASSIGN_OR_RETURN(std::vector<Run> runs, Runs("", 0));
  std::vector<Capacity> caps;
  for (const auto& [gres, total] : cards_) {
    Capacity c{.partition = "", .gres_type = gres, .total = total};
    for (const Run& r : runs) {
      if (r.state == RunState::kEnded) continue;
      if (Slurp((fs::path(dir_) / r.name).string() + ".gres") == gres) c.allocated += r.cards;
    }
    caps.push_back(c);
  }
  return caps;
}

}  // namespace bg::agent
