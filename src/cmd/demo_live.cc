#include "cmd/demo_live.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <thread>
#include <vector>

#include "agent/agent.h"
#include "agent/local.h"
#include "api/http.h"
#include "api/service.h"
#include "api/web_site.h"
#include "cmd/demo_parts.h"
#include "common/paced_clock.h"
#include "common/work_dir.h"
#include "engine/engine.h"
#include "metering/metering.h"
#include "programme/reconcile.h"
#include "settlement/settlement.h"
#include "sim/driver.h"
#include "storage/agent_store.h"
#include "storage/sqlite_store.h"
#include "world/builtin.h"
#include "world/world.h"

namespace bg::cmd {
namespace {

namespace fs = std::filesystem;
using Steady = std::chrono::steady_clock;

constexpr Timestamp kHour = 3'600 * kNanosPerSecond;
constexpr uint32_t kMaxSpeed = 7'200;  // the wrapper polls every 0.2 s: 24 virtual minutes

// What each placement runs: a sleep for 70-100% of its time limit (seeded
// by the job id, as the simulated demo's use is), in the wall's time.
constexpr const char* kWork =
    "ms=$(( BG_LIMIT_MS * (70 + BG_JOB_ID * 7919 % 31) / 100 )); "
    "sleep $(( ms / 1000 )).$(printf %03d $(( ms % 1000 )))";

// The providers' agents: one per provider, on a thread of its own that
// runs a cycle every 0.2 s (of the wall's), with the local executor and its
// run files in <runs>/p<provider>.
class LiveAgents {
 public:
  LiveAgents(engine::Engine& e, const world::World& scenario, const PacedClock* clock,
             std::string runs, FILE* log)
      : clock_(clock), runs_(std::move(runs)) {
    for (auto& [provider, seat] : SeatAgents(e, scenario)) {
      One& one = agents_[provider];
      one.token = seat.token;
      one.config = std::move(seat.config);
      one.config.executor = "local";
      one.config.local_dir = runs_ + "/" + one.config.cluster;
      one.config.command = kWork;
      one.config.usage_window_s = 3'600;  // an hour's use per record
      one.config.full_sync_ms = 600'000;  // a stop is seen within 10 virtual minutes
      // A run's limit ends a real second before its order: time for the
      // wrapper to end it and for the agent to report its last window
      // before the platform ends the order (usage after that is refused).
      one.config.margin_s = clock->speed();
      one.config.offer_capacity = false;  // the scenario's pools offer what they offer
      one.log = AgentLog(log, clock, provider);
    }
  }
  ~LiveAgents() { Stop(); }
  LiveAgents(const LiveAgents&) = delete;
  LiveAgents& operator=(const LiveAgents&) = delete;

  Status Start(uint16_t port) {
    for (auto& [provider, one] : agents_) {
      one.config.server = "http://127.0.0.1:" + std::to_string(port);
      BG_ASSIGN_OR_RETURN(one.store, storage::AgentStore::Open(":memory:"));
      std::map<std::string, uint32_t> cards;
      for (const agent::PoolMap& p : one.config.pools) cards[p.gres] += p.local_cards;
      one.executor = std::make_unique<agent::LocalExecutor>(one.config.local_dir, cards, clock_);
      one.platform = std::make_unique<agent::Platform>(
          one.config.server, one.token, metering::KeyPairFromNumber(provider.value()));
      one.agent = std::make_unique<agent::Agent>(one.config, one.executor.get(), one.store.get(),
                                                 one.platform.get(), clock_, one.log);
    }
    for (auto& entry : agents_) {
      One* one = &entry.second;  // a pointer: lambdas may not capture a structured binding
      one->thread = std::thread([this, one] { Loop(*one); });
    }
    return Status::Ok();
  }

  void Stop() {
    stop_ = true;
    for (auto& [provider, one] : agents_) {
      if (one.thread.joinable()) one.thread.join();
    }
  }

  // Every run of every provider's executor, by job: read through executors
  // of their own on the same folders, as a restarted agent would.
  std::map<uint64_t, std::vector<agent::Run>> Runs() const {
    std::map<uint64_t, std::vector<agent::Run>> by_job;
    for (const auto& [provider, one] : agents_) {
      agent::LocalExecutor reader(one.config.local_dir, {}, clock_);
      auto runs = reader.Runs("bg-", 0);
      if (!runs.ok()) continue;  // no folder yet: no runs
      for (agent::Run& r : *runs) {
        by_job[agent::JobOfName(one.config.cluster, r.name)].push_back(std::move(r));
      }
    }
    return by_job;
  }

  uint64_t cycle_errors() const {
    uint64_t n = 0;
    for (const auto& [provider, one] : agents_) {
      if (one.agent) n += one.agent->counters().cycle_errors.load();
    }
    return n;
  }

 private:
  struct One {
    std::string token;
    agent::Config config;
    agent::LogFn log;
    std::unique_ptr<storage::AgentStore> store;
    std::unique_ptr<agent::LocalExecutor> executor;
    std::unique_ptr<agent::Platform> platform;
    std::unique_ptr<agent::Agent> agent;
    std::thread thread;
  };

  void Loop(One& one) {
    while (!stop_) {
      // A failed cycle is counted and logged by the agent; the next one
      // tries again, as `baygrid agent` does.
      (void)one.agent->Cycle();
      for (int i = 0; i < 4 && !stop_; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
    }
  }

  const PacedClock* clock_;
  std::string runs_;
  std::atomic<bool> stop_{false};
  std::map<ProviderId, One> agents_;
};

// Waits, polling every 0.1 s, until `done` or `limit` has passed.
template <typename Done>
bool WaitUntil(std::chrono::seconds limit, Done done) {
  const Steady::time_point deadline = Steady::now() + limit;
  while (!done()) {
    if (Steady::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return true;
}

// The live jobs: those the workload submitted and the platform took, and
// which of them still wait for cards.
struct Submitted {
  std::vector<OrderId> ids;
  std::set<OrderId> queued;
};

// Jobs whose process has ended but which the platform still runs: the
// agents have not billed and finished them yet.
size_t Unbilled(engine::Engine& e, const std::map<uint64_t, std::vector<agent::Run>>& runs) {
  return e.Read([&](const state::State& s) {
    size_t n = 0;
    for (const auto& [job, mine] : runs) {
      const scheduler::Job* j = s.scheduler().FindJob(OrderId(job));
      const bool ended = !mine.empty() && mine.back().state == agent::RunState::kEnded;
      n += ended && j != nullptr && j->status == scheduler::JobStatus::kRunning;
    }
    return n;
  });
}

size_t Active(const std::map<uint64_t, std::vector<agent::Run>>& runs) {
  size_t n = 0;
  for (const auto& [job, mine] : runs) {
    for (const agent::Run& r : mine) n += r.state != agent::RunState::kEnded;
  }
  return n;
}

struct Tally {
  uint64_t ran = 0, completed = 0, stopped = 0, twice = 0, diff = 0;
  Money subsidy{};
  bool balanced = false;
  std::vector<std::string> wrong;  // what did not reconcile, job by job
};

// What the platform charged, job by job, against what the processes ran.
Tally Reconcile(const state::State& s, const Submitted& jobs,
                const std::map<uint64_t, std::vector<agent::Run>>& runs) {
  Tally t;
  t.balanced = s.ledger().CheckInvariants().empty() &&
               programme::CheckReconciled(s.book(), s.registry(), s.ledger()).empty() &&
               settlement::CheckStatements(s.settlement(), s.registry(), s.ledger()).empty();
  for (OrderId id : jobs.ids) {
    const scheduler::Job& j = *s.scheduler().FindJob(id);
    t.subsidy = Money::Fen(t.subsidy.fen() + j.voucher_charged.fen());
    const auto it = runs.find(id.value());
    if (it == runs.end()) {
      if (j.status == scheduler::JobStatus::kDone) {
        t.wrong.push_back("job " + std::to_string(id.value()) + " is done but never ran");
      }
      continue;
    }
    ++t.ran;
    t.twice += it->second.size() > 1;
    // What ran within the order: it begins after the job's data has moved
    // (the process may start earlier) and lasts its walltime.
    const uint64_t from_s = j.start_at / kNanosPerSecond;
    const uint64_t until_s = from_s + scheduler::WalltimeS(j);
    uint64_t ran_s = 0;
    for (const agent::Run& r : it->second) {
      const uint64_t a = std::max(r.start_s, from_s), b = std::min(r.end_s, until_s);
      ran_s += b > a ? (b - a) * r.cards : 0;
    }
    const std::string says = "job " + std::to_string(id.value()) + ": charged " +
                             std::to_string(j.card_seconds) + " card-s, its process ran " +
                             std::to_string(ran_s);
    if (j.status == scheduler::JobStatus::kDone) {
      ++t.completed;
      t.diff += j.card_seconds > ran_s ? j.card_seconds - ran_s : ran_s - j.card_seconds;
      if (j.card_seconds != ran_s) t.wrong.push_back(says);
    } else if (j.status == scheduler::JobStatus::kCancelled) {
      ++t.stopped;  // nothing after the stop: at most what ran
      if (j.card_seconds > ran_s) t.wrong.push_back(says + " (stopped)");
    } else {
      t.wrong.push_back(says + ", and it is still " + scheduler::JobStatusName(j.status));
    }
  }
  return t;
}

}  // namespace

Status RunLiveDemo(const DemoOptions& o) {
  if (o.speed < 1 || o.speed > kMaxSpeed) {
    return InvalidArgument("--live runs real processes: --speed must be 1 to " +
                           std::to_string(kMaxSpeed) + " virtual seconds per real second, not " +
                           std::to_string(o.speed));
  }
  BG_ASSIGN_OR_RETURN(world::World scenario, world::Load(o.scenario));
  std::string db = o.db;
  if (db.empty()) {
    BG_ASSIGN_OR_RETURN(const std::string dir, WorkDir(""));
    db = dir + "/demo.db";
  }
  const std::string runs = db + ".runs";
  for (const std::string& path : {db, runs}) {
    if (fs::exists(path)) return FailedPrecondition(path + " exists: the demo starts afresh");
  }
  // A tenth of the cards offered, so that most jobs end within the day.
  const sim::WorkloadOptions wo{.seed = o.seed,
                                .days = o.days,
                                .jobs = o.jobs,
                                .enterprises = 60,
                                .load_percent = 10,
                                .start = kDemoStart};
  const sim::Workload w = sim::Generate(scenario, wo);
  BG_ASSIGN_OR_RETURN(auto store, storage::SqliteStore::Open({.path = db}));
  CatchInterrupts();
  const uint64_t real_s = uint64_t{o.days} * 86'400 / o.speed;
  std::printf(
      "baygrid demo --live: %zu jobs over %u simulated day(s) at %u virtual seconds per real "
      "second (about %llu real %s); every placement runs as a process on this machine, "
      "submitted, followed and billed by its provider's agent; database %s\n",
      w.arrivals.size(), o.days, o.speed,
      static_cast<unsigned long long>(real_s < 120 ? real_s : (real_s + 59) / 60),  // NOLINT
      real_s < 120 ? "seconds" : "minutes", db.c_str());

  const PacedClock clock(kDemoStart, o.speed);
  engine::EngineOptions eo;
  eo.idle_tick = std::chrono::milliseconds(0);
  BG_ASSIGN_OR_RETURN(std::unique_ptr<engine::Engine> e,
                      engine::Engine::Open(store.get(), &clock, eo));
  BG_RETURN_IF_ERROR(sim::Setup(*e, scenario, w));
  size_t next_app = 0;
  auto file_due = [&]() -> Status {
    for (; next_app < w.applications.size() && w.applications[next_app].at <= clock.Now();
         ++next_app) {
      BG_RETURN_IF_ERROR(sim::FileAndReview(*e, w.applications[next_app].file));
    }
    return Status::Ok();
  };
  BG_RETURN_IF_ERROR(file_due());
  BG_RETURN_IF_ERROR(sim::RegisterKeys(*e, scenario));
  const Tokens tokens = MakeTokens(*e, w);

  std::optional<api::WebSite> web;
  if (const std::string dir = o.headless ? "" : api::FindWebDir(); !dir.empty()) {
    if (auto loaded = api::WebSite::Load(dir); loaded.ok()) web = std::move(*loaded);
  }
  api::Service service(e.get(), &clock,
                       api::ServiceOptions{.db = db, .web = web ? &*web : nullptr});
  const size_t colon = o.listen.rfind(':');
  const std::string host = o.headless ? "127.0.0.1" : o.listen.substr(0, colon);
  BG_ASSIGN_OR_RETURN(
      std::unique_ptr<api::HttpServer> http,
      api::HttpServer::Start(
          {.address = host,
           .port = o.headless ? uint16_t{0}
                              : static_cast<uint16_t>(std::stoi(o.listen.substr(colon + 1))),
           .threads = 2},
          [&](api::HttpRequest r, api::HttpRespond respond) {
            service.Handle(std::move(r), std::move(respond));
          },
          [&](int status, const std::string& detail) { return service.Refuse(status, detail); }));
  std::unique_ptr<FILE, int (*)(FILE*)> log(nullptr, &std::fclose);
  if (!o.agents_log.empty()) {
    log.reset(std::fopen(o.agents_log.c_str(), "w"));
    if (log == nullptr) return InvalidArgument("cannot write the agents' log " + o.agents_log);
  }
  LiveAgents agents(*e, scenario, &clock, runs, log.get());
  BG_RETURN_IF_ERROR(agents.Start(http->port()));
  if (!o.headless) PrintWelcome(host, http->port(), web.has_value(), tokens);

  // The day: applications and jobs as they fall due, a placement pass each
  // real second while jobs wait, a progress line every two virtual hours.
  const Timestamp end = kDemoStart + uint64_t{o.days} * 24 * kHour;
  Submitted jobs;
  sim::ArrivalCursor next(w.arrivals);
  Timestamp next_line = kDemoStart + 2 * kHour;
  Steady::time_point last_pass = Steady::now();
  while (!Interrupted() && clock.Now() < end) {
    BG_RETURN_IF_ERROR(file_due());
    for (; next.Peek() != nullptr && next.Peek()->at <= clock.Now(); next.Pop()) {
      BG_ASSIGN_OR_RETURN(state::CommandResult r,
                          e->Execute(scheduler::SubmitJob{.request = next.Peek()->request}));
      const auto& out = std::get<scheduler::JobOutcome>(r);
      if (out.code != scheduler::Code::kOk) continue;  // refused: not a job
      jobs.ids.push_back(next.Peek()->request.id);
      if (out.status == scheduler::JobStatus::kQueued) jobs.queued.insert(jobs.ids.back());
    }
    if (!jobs.queued.empty() && Steady::now() - last_pass >= std::chrono::seconds(1)) {
      last_pass = Steady::now();
      BG_ASSIGN_OR_RETURN(state::CommandResult r, e->Execute(scheduler::Schedule{}));
      for (OrderId id : std::get<scheduler::JobOutcome>(r).placed_ids) jobs.queued.erase(id);
    }
    if (clock.Now() >= next_line) {
      const auto all = agents.Runs();
      const Money charged = e->Read([&](const state::State& s) {
        Money m{};
        for (OrderId id : jobs.ids) {
          m = Money::Fen(m.fen() + s.scheduler().FindJob(id)->voucher_charged.fen());
        }
        return m;
      });
      std::printf("%s  jobs %4zu  waiting %3zu  processes %4zu (running %3zu)  subsidy %14s yuan\n",
                  FormatUtcTime(next_line).substr(5, 11).c_str(), jobs.ids.size(),
                  jobs.queued.size(), all.size(), Active(all), Yuan(charged).c_str());
      std::fflush(stdout);
      next_line += 2 * kHour;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }

  // The day is over: the agents bill what has ended, then the platform
  // stops the rest (its stop signal) and the agents end those processes.
  std::printf("\nthe day is over: billing what ended, stopping what still runs\n");
  std::fflush(stdout);
  WaitUntil(std::chrono::seconds(15), [&] { return Unbilled(*e, agents.Runs()) == 0; });
  for (OrderId id : jobs.ids) {
    const bool live = e->Read([&](const state::State& s) {
      const scheduler::JobStatus st = s.scheduler().FindJob(id)->status;
      return st == scheduler::JobStatus::kQueued || st == scheduler::JobStatus::kRunning;
    });
    if (live) {
      BG_RETURN_IF_ERROR(
          e->Execute(scheduler::CancelJob{.id = id, .reason = "the live demo's day is over"})
              .status());
    }
  }
  const bool ended =
      WaitUntil(std::chrono::seconds(30), [&] { return Active(agents.Runs()) == 0; });
  agents.Stop();
  const auto all = agents.Runs();
  const Tally t = e->Read([&](const state::State& s) {
    PrintSummary(s, o.days, tokens.enterprise);
    return Reconcile(s, jobs, all);
  });
  for (const std::string& line : t.wrong) std::printf("does not reconcile: %s\n", line.c_str());
  if (!ended) std::printf("%zu processes did not end when they were stopped\n", Active(all));
  std::printf(
      "\nthe agents' cycles that failed (and were tried again): %llu\n",
      static_cast<unsigned long long>(agents.cycle_errors()));  // NOLINT(google-runtime-int)
  if (!o.headless) KeepServing(db);
  http->Stop();
  BG_RETURN_IF_ERROR(e->Shutdown());
  std::printf(
      "\nRESULT demo_live jobs=%llu completed=%llu stopped=%llu submitted_twice=%llu "
      "usage_diff_card_s=%llu subsidy_yuan=%.2f ledger_balanced=%s\n",
      // NOLINTBEGIN(google-runtime-int)
      static_cast<unsigned long long>(t.ran), static_cast<unsigned long long>(t.completed),
      static_cast<unsigned long long>(t.stopped), static_cast<unsigned long long>(t.twice),
      static_cast<unsigned long long>(t.diff),
      // NOLINTEND(google-runtime-int)
      static_cast<double>(t.subsidy.fen()) / 100.0, t.balanced ? "true" : "false");
  if (!t.balanced) return Internal("the ledger does not balance");
  if (!t.wrong.empty() || t.twice != 0 || !ended) {
    return Internal("what the platform charged does not match what the processes ran");
  }
  if (t.completed == 0) return Internal("no job ran to its end: nothing was checked");
  return Status::Ok();
}

}  // namespace bg::cmd
