#include "agent/slurm.h"

#include <algorithm>
#include <charconv>
#include <ctime>
#include <map>
#include <sstream>

namespace bg::agent {
namespace {

// Slurm's tools print times as Unix seconds, and read the times they are
// given in UTC.
ProcessOptions SlurmTimes() { return {.env = {{"SLURM_TIME_FORMAT", "%s"}, {"TZ", "UTC"}}}; }

// Unix seconds as sacct reads a time ("2026-12-06T09:00:00", in TZ=UTC):
// it refuses a bare number ("Invalid time specification").
std::string SacctTime(uint64_t s) {
  const auto t = static_cast<std::time_t>(s);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  return buf;
}

std::vector<std::string> Split(const std::string& s, char sep) {
  std::vector<std::string> parts;
  std::string part;
  std::istringstream in(s);
  while (std::getline(in, part, sep)) parts.push_back(part);
  if (!s.empty() && s.back() == sep) parts.emplace_back();
  return parts;
}

uint64_t U64(const std::string& s) {
  uint64_t v = 0;
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return ec == std::errc() && p == s.data() + s.size() ? v : 0;
}

// The first word of a state: "CANCELLED by 0" -> "CANCELLED".
std::string Word(const std::string& state) { return state.substr(0, state.find(' ')); }

bool IsPending(const std::string& word) {
  return word == "PENDING" || word == "REQUEUED" || word == "REQUEUE_HOLD" ||
         word == "REQUEUE_FED" || word == "RESV_DEL_HOLD";
}
bool IsRunning(const std::string& word) {
  return word == "RUNNING" || word == "COMPLETING" || word == "CONFIGURING" ||
         word == "SUSPENDED" || word == "STOPPED" || word == "SIGNALING" || word == "STAGE_OUT" ||
         word == "RESIZING";
}

// A run's state from its scheduler's word and times.
RunState StateOf(const std::string& word, uint64_t start_s, uint64_t end_s) {
  if (IsPending(word)) return RunState::kPending;
  if (IsRunning(word)) return RunState::kRunning;
  if (end_s == 0) return start_s == 0 ? RunState::kPending : RunState::kRunning;
  return RunState::kEnded;
}

bool Named(const std::string& name, const std::string& prefix) {
  return name.compare(0, prefix.size(), prefix) == 0;
}

// "key=value key=value ..." (scontrol -o) into a map; values have no spaces
// except for the last keys, which are not read here.
std::map<std::string, std::string> Fields(const std::string& line) {
  std::map<std::string, std::string> f;
  std::istringstream in(line);
  std::string token;
  while (in >> token) {
    const size_t eq = token.find('=');
    if (eq != std::string::npos) f.emplace(token.substr(0, eq), token.substr(eq + 1));
  }
  return f;
}

// "gres/gpu:a800=4,gres/gpu=8" -> {"a800": 4}.
std::map<std::string, uint32_t> GpusByType(const std::string& tres) {
  std::map<std::string, uint32_t> by;
  for (const std::string& item : Split(tres, ',')) {
    const std::string key = "gres/gpu:";
    const size_t eq = item.find('=');
    if (item.compare(0, key.size(), key) != 0 || eq == std::string::npos) continue;
    by[item.substr(key.size(), eq - key.size())] += static_cast<uint32_t>(U64(item.substr(eq + 1)));
  }
  return by;
}

}  // namespace

uint64_t LimitMinutes(uint64_t seconds) { return std::max<uint64_t>(1, seconds / 60); }

uint32_t GpusOfTres(const std::string& tres) {
  uint32_t typed = 0;
  for (const std::string& item : Split(tres, ',')) {
    if (item.compare(0, 9, "gres/gpu=") == 0) return static_cast<uint32_t>(U64(item.substr(9)));
  }
  for (const auto& [type, n] : GpusByType(tres)) typed += n;
  return typed;
}

std::vector<Run> ParseSqueue(const std::string& out, const std::string& prefix) {
  std::vector<Run> runs;
  for (const std::string& line : Split(out, '\n')) {
    const std::vector<std::string> f = Split(line, '|');
    if (f.size() < 6 || !Named(f[1], prefix)) continue;
    Run r{.id = f[0], .name = f[1], .detail = f[2], .submit_s = U64(f[3])};
    const std::string word = Word(f[2]);
    // A pending job's %S is when Slurm expects it to start, and a running
    // one's %e when its limit ends it: neither is a fact yet.
    if (!IsPending(word)) r.start_s = U64(f[4]);
    if (!IsPending(word) && !IsRunning(word)) r.end_s = U64(f[5]);
    r.state = StateOf(word, r.start_s, r.end_s);
    runs.push_back(std::move(r));
  }
  return runs;
}

std::vector<Run> ParseSacct(const std::string& out, const std::string& prefix) {
  std::vector<Run> runs;
  for (const std::string& line : Split(out, '\n')) {
    const std::vector<std::string> f = Split(line, '|');
    if (f.size() < 7 || !Named(f[1], prefix)) continue;
    Run r{.id = f[0], .name = f[1], .detail = f[2], .submit_s = U64(f[3])};
    const std::string word = Word(f[2]);
    // With --duplicates, a REQUEUED row is an earlier attempt: it ran (if
    // it has a start) and ended when it was requeued, and is billed as
    // such. Without an end it is the job held after its requeue.
    const bool requeued = word.rfind("REQUEUE", 0) == 0;
    if (!IsPending(word) || requeued) r.start_s = U64(f[4]);
    if ((!IsPending(word) && !IsRunning(word)) || requeued) r.end_s = U64(f[5]);
    r.state = !requeued      ? StateOf(word, r.start_s, r.end_s)
              : r.end_s != 0 ? RunState::kEnded
                             : RunState::kPending;
    r.cards = GpusOfTres(f[6]);
    runs.push_back(std::move(r));
  }
  return runs;
}

std::vector<Capacity> ParseNodes(const std::string& out) {
  std::map<std::pair<std::string, std::string>, Capacity> by;
  for (const std::string& line : Split(out, '\n')) {
    const auto f = Fields(line);
    if (!f.contains("NodeName")) continue;
    const std::string state = f.contains("State") ? f.at("State") : "";
    const bool usable =
        state.find("DRAIN") == std::string::npos && state.find("DOWN") == std::string::npos &&
        state.find("FAIL") == std::string::npos &&
        state.find("NOT_RESPONDING") == std::string::npos && state.find('*') == std::string::npos;
    const auto total = GpusByType(f.contains("CfgTRES") ? f.at("CfgTRES") : "");
    const auto used = GpusByType(f.contains("AllocTRES") ? f.at("AllocTRES") : "");
    const std::string partitions = f.contains("Partitions") ? f.at("Partitions") : "";
    for (const std::string& partition : Split(partitions, ',')) {
      for (const auto& [type, n] : total) {
        Capacity& c = by[{partition, type}];
        c.partition = partition;
        c.gres_type = type;
        c.total += n;
        const uint32_t in_use = used.contains(type) ? used.at(type) : 0;
        c.allocated += in_use;
        if (!usable) c.unavailable += n - std::min(n, in_use);
      }
    }
  }
  std::vector<Capacity> list;
  list.reserve(by.size());
  for (auto& [key, c] : by) list.push_back(c);
  return list;
}

Result<std::string> SlurmExecutor::Tool(const std::vector<std::string>& argv) {
  BG_ASSIGN_OR_RETURN(ProcessResult r, run_(argv, SlurmTimes()));
  if (r.exit_code != 0) {
    std::string why = r.err.empty() ? r.out : r.err;
    while (!why.empty() && why.back() == '\n') why.pop_back();
    return Unavailable(CommandLine(argv) + " exited " + std::to_string(r.exit_code) + ": " + why);
  }
  return r.out;
}

Result<std::string> SlurmExecutor::Submit(const RunSpec& spec) {
  std::vector<std::string> argv = {"sbatch",  "--parsable", "--job-name",
                                   spec.name, "--output",   "/dev/null"};
  if (!spec.partition.empty()) argv.insert(argv.end(), {"--partition", spec.partition});
  if (!spec.account.empty()) argv.insert(argv.end(), {"--account", spec.account});
  argv.push_back("--gres=gpu:" + (spec.gres_type.empty() ? "" : spec.gres_type + ":") +
                 std::to_string(spec.cards));
  argv.push_back("--time=" + std::to_string(LimitMinutes(spec.time_limit_s)));
  argv.push_back("--export=ALL,BG_JOB_ID=" + std::to_string(spec.job) +
                 ",BG_CARDS=" + std::to_string(spec.cards) +
                 ",BG_WALLTIME_S=" + std::to_string(spec.time_limit_s));
  argv.insert(argv.end(), {"--wrap", spec.command});
  BG_ASSIGN_OR_RETURN(std::string out, Tool(argv));
  const std::string id = out.substr(0, out.find_first_of(";\n"));
  if (U64(id) == 0) return Internal("sbatch answered no job id: " + out);
  return id;
}

Result<std::vector<Run>> SlurmExecutor::Runs(const std::string& prefix, uint64_t since_s) {
  BG_ASSIGN_OR_RETURN(std::string queue,
                      Tool({"squeue", "--noheader", "--states=all", "--format=%i|%j|%T|%V|%S|%e"}));
  Result<std::string> acct = Tool({"sacct", "--duplicates", "--allocations", "--parsable2",
                                   "--noheader", "--starttime=" + SacctTime(since_s),
                                   "--format=JobIDRaw,JobName,State,Submit,Start,End,AllocTRES"});
  const std::vector<Run> live = ParseSqueue(queue, prefix);
  if (!acct.ok()) {
    // A cluster without accounting (no slurmdbd): what the controller
    // still remembers. Any other failure fails the cycle: squeue alone
    // has no earlier attempts of a requeued job and no final figures.
    if (acct.status().message().find("accounting storage is disabled") != std::string::npos) {
      return live;
    }
    return acct.status();
  }
  std::vector<Run> runs = ParseSacct(*acct, prefix);
  const size_t from_sacct = runs.size();
  // What sacct has not heard of yet: a run still pending or running (an
  for (Run r : live) {
    const auto known =
        std::find_if(runs.begin(), runs.begin() + static_cast<ptrdiff_t>(from_sacct),
                     [&](const Run& a) { return a.id == r.id && a.submit_s == r.submit_s; });
    if (known != runs.begin() + static_cast<ptrdiff_t>(from_sacct)) {
      // The controller still holds a job whose attempt sacct has ended: a
      // requeued job between its requeue and its epilog's end (COMPLETING,
      // its submit time not yet reset). Its next attempt is coming; until
      // it shows, one pending stands for it, so that the job is not taken
      // as done (and finished on the platform) in between.
      if (known->state == RunState::kEnded && r.state != RunState::kEnded &&
          Word(known->detail).rfind("REQUEUE", 0) == 0) {
        runs.push_back(Run{.id = r.id,
                           .name = r.name,
                           .state = RunState::kPending,
                           .detail = r.detail + " (an attempt has ended; the job is still held)",
                           .submit_s = r.submit_s});
      }
      continue;
    }
    // ended one stays running, its end_s a bound on what may be billed,
    // until sacct has its final figures).
    if (r.state == RunState::kEnded) r.state = RunState::kRunning;
    runs.push_back(std::move(r));
  }
  return runs;
}

Status SlurmExecutor::Cancel(const std::string& id) { return Tool({"scancel", id}).status(); }

Status SlurmExecutor::Extend(const std::string& id, uint64_t time_limit_s) {
  return Tool({"scontrol", "update", "JobId=" + id,
               "TimeLimit=" + std::to_string(LimitMinutes(time_limit_s))})
      .status();
}

Result<std::vector<Capacity>> SlurmExecutor::Capacities() {
  BG_ASSIGN_OR_RETURN(std::string out, Tool({"scontrol", "--oneliner", "show", "node"}));
  return ParseNodes(out);
}

}  // namespace bg::agent
