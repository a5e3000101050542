#include "cmd/demo.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <thread>

#include <CLI/CLI.hpp>

#include "agent/agent.h"
#include "agent/scripted.h"
#include "api/http.h"
#include "api/json.h"
#include "api/service.h"
#include "api/web_site.h"
#include "cmd/demo_facilities.h"
#include "cmd/demo_live.h"
#include "cmd/demo_parts.h"
#include "common/work_dir.h"
#include "engine/engine.h"
#include "engine/projection.h"
#include "programme/accounts.h"
#include "programme/reconcile.h"
#include "settlement/settlement.h"
#include "sim/driver.h"
#include "sim/workload.h"
#include "storage/open.h"
#include "world/builtin.h"
#include "world/world.h"

namespace bg::cmd {
namespace {

// The providers' agents: the real provider agent (agent/agent.h), one per
// provider, each with a token and signing key of its own, talking to the
// demo's server over HTTP as a data centre's agent does (GET
// /v1/placements, POST /v1/usage batch-signed, POST /v1/jobs/{id}/finish).
// Its jobs run in the demo's accelerated virtual time, on the scripted
// executor (agent/scripted.h): each uses its cards for as long as the
// simulation says (sim::MeteredUse); an agent's cycle runs at each end of
// one of its provider's jobs.
class Agents {
 public:
  Agents(engine::Engine& e, const world::World& scenario, const Clock* clock, FILE* log)
      : engine_(e), clock_(clock), log_(log) {
    for (auto& [provider, seat] : SeatAgents(e, scenario)) {
      One& one = by_provider_[provider];
      one.token = seat.token;
      one.config = std::move(seat.config);
      one.config.usage_window_s = 86'400;    // a daily report: a job of a day or less, one record
      one.config.offer_capacity = false;     // the scenario's pools offer what they offer
      one.config.full_sync_ms = 86'400'000;  // nothing is cancelled: a full listing a day
    }
  }

  Status Serve(uint16_t port) {
    for (auto& [provider, one] : by_provider_) {
      one.config.server = "http://127.0.0.1:" + std::to_string(port);
      BG_ASSIGN_OR_RETURN(one.store, storage::AgentStore::Open(":memory:"));
      one.executor = std::make_unique<agent::ScriptedExecutor>(
          one.config.cluster, clock_, [this](uint64_t job) { return UseOf(job); });
      one.platform = std::make_unique<agent::Platform>(
          one.config.server, one.token, metering::KeyPairFromNumber(provider.value()));
      one.agent = std::make_unique<agent::Agent>(one.config, one.executor.get(), one.store.get(),
                                                 one.platform.get(), clock_,
                                                 AgentLog(log_, clock_, provider));
    }
    return Status::Ok();
  }

  // A job's end, with the usage the simulation metered for it: its run
  // is final, and its provider's agent runs a cycle (reports, finishes).
  Status Ended(const metering::SubmitUsage& usage) {
    const metering::UsageRecord& r = usage.records.front();
    One& one = by_provider_.at(r.provider);
    one.executor->Final(r.order.value(), r.end_s);
    return one.agent->Cycle().WithContext("the agent of provider " +
                                          std::to_string(r.provider.value()));
  }

  // Jobs placed just now: their providers' agents take them on.
  Status Placed(const std::vector<OrderId>& jobs) {
    std::set<ProviderId> providers;
    engine_.Read([&](const state::State& s) {
      for (OrderId id : jobs) {
        const scheduler::Job* j = s.scheduler().FindJob(id);
        const network::Pool* pool = j == nullptr ? nullptr : s.network().FindPool(j->pool);
        if (pool != nullptr) providers.insert(s.network().FindSite(pool->site)->provider);
      }
      return 0;
    });
    for (ProviderId p : providers) {
      BG_RETURN_IF_ERROR(by_provider_.at(p).agent->Cycle().WithContext("the agent of provider " +
                                                                       std::to_string(p.value())));
    }
    return Status::Ok();
  }

  // After the driver's end of `job`: the agent must have finished it.
  Status CheckFinished(OrderId job) const {
    const bool running = engine_.Read([&](const state::State& s) {
      const scheduler::Job* j = s.scheduler().FindJob(job);
      return j != nullptr && j->status == scheduler::JobStatus::kRunning;
    });
    if (!running) return Status::Ok();
    return Internal("job " + std::to_string(job.value()) +
                    " ended but its provider's agent did not finish it");
  }

  uint64_t calls() const {
    uint64_t n = 0;
    for (const auto& [provider, one] : by_provider_) n += one.platform ? one.platform->calls() : 0;
    return n;
  }

 private:
  struct One {
    std::string token;
    agent::Config config;
    std::unique_ptr<storage::AgentStore> store;
    std::unique_ptr<agent::ScriptedExecutor> executor;
    std::unique_ptr<agent::Platform> platform;
    std::unique_ptr<agent::Agent> agent;
  };
  // How long a job uses its cards: what the simulation meters for it.
  uint64_t UseOf(uint64_t job) const {
    const auto use =
        engine_.Read([&](const state::State& s) { return sim::MeteredUse(s, OrderId(job)); });
    return use ? use->end_s - use->start_s : 0;
  }

  engine::Engine& engine_;
  const Clock* clock_;
  FILE* log_;
  std::map<ProviderId, One> by_provider_;
};

}  // namespace

Status RunDemo(const DemoOptions& o) {
  BG_ASSIGN_OR_RETURN(world::World scenario, world::Load(o.scenario));
  if (IsFacilityWorld(scenario)) return RunFacilityDemo(o, scenario);
  std::string db = o.db;
  if (db.empty()) {
    BG_ASSIGN_OR_RETURN(const std::string dir, WorkDir(""));
    db = dir + "/demo.db";
  }
  if (!storage::IsPostgresUrl(db) && std::filesystem::exists(db)) {
    return FailedPrecondition(db + " exists: the demo starts afresh");
  }
  const sim::WorkloadOptions wo{
      .seed = o.seed, .days = o.days, .jobs = o.jobs, .enterprises = 60, .start = kDemoStart};
  const sim::Workload w = sim::Generate(scenario, wo);
  BG_ASSIGN_OR_RETURN(auto store, storage::OpenWriter(db));
  BG_ASSIGN_OR_RETURN(const storage::JournalHead head, store->Head());
  if (head.seq != 0) {
    return FailedPrecondition(storage::Shown(db) + " already has a journal (entry " +
                              std::to_string(head.seq) + "): the demo starts afresh");
  }
  CatchInterrupts();
  std::printf(
      "baygrid demo: %zu jobs from %zu enterprises over %u simulated days (seed %llu), "
      "database %s\n",
      w.arrivals.size(), scenario.enterprises.size() + w.enterprises.size(), o.days,
      static_cast<unsigned long long>(o.seed),  // NOLINT(google-runtime-int)
      storage::Shown(db).c_str());

  std::unique_ptr<api::Service> service;
  std::unique_ptr<api::HttpServer> http;
  SystemClock wall;
  VirtualClock virtual_clock(0);
  Timestamp last_virtual = 0;
  std::chrono::steady_clock::time_point due{};  // when the last step was due (pacing)
  sim::DriverOptions d;
  d.metered = true;
  std::unique_ptr<Agents> agents;
  std::unique_ptr<FILE, int (*)(FILE*)> agents_log(nullptr, &std::fclose);
  if (!o.agents_log.empty()) {
    agents_log.reset(std::fopen(o.agents_log.c_str(), "w"));
    if (agents_log == nullptr) {
      return InvalidArgument("cannot write the agents' log " + o.agents_log);
    }
  }
  std::optional<api::WebSite> web;  // the console, when it was built (scripts/web.sh)
  Status served = Status::Ok();
  EnterpriseId token_enterprise{};
  d.on_open = [&](engine::Engine& e) {
    const Tokens tokens = MakeTokens(e, w);
    token_enterprise = tokens.enterprise;
    agents = std::make_unique<Agents>(e, scenario, &virtual_clock, agents_log.get());
    if (const std::string dir = o.headless ? "" : api::FindWebDir(); !dir.empty()) {
      if (auto loaded = api::WebSite::Load(dir); loaded.ok()) web = std::move(*loaded);
    }
    service = std::make_unique<api::Service>(
        &e, &wall, api::ServiceOptions{.db = db, .web = web ? &*web : nullptr});
    // Headless: on a port of the system's choosing, for the agents only.
    const size_t colon = o.listen.rfind(':');
    auto started = api::HttpServer::Start(
        {.address = o.headless ? "127.0.0.1" : o.listen.substr(0, colon),
         .port = o.headless ? uint16_t{0}
                            : static_cast<uint16_t>(std::stoi(o.listen.substr(colon + 1))),
         .threads = 2},
        [&](api::HttpRequest r, api::HttpRespond respond) {
          service->Handle(std::move(r), std::move(respond));
        },
        [&](int status, const std::string& detail) { return service->Refuse(status, detail); });
    if (!started.ok()) {
      served = started.status().WithContext("the API cannot be served");
      return;
    }
    http = std::move(*started);
    if (Status s = agents->Serve(http->port()); !s.ok()) {
      served = s.WithContext("the providers' agents cannot start");
      return;
    }
    if (o.headless) return;
    PrintWelcome(o.listen.substr(0, colon), http->port(), web.has_value(), tokens);
  };
  d.report_usage = [&](const metering::SubmitUsage& usage) { return agents->Ended(usage); };
  d.finish_job = [&](OrderId job) { return agents->CheckFinished(job); };
  d.on_placed = [&](const std::vector<OrderId>& jobs) { return agents->Placed(jobs); };
  const bool paced = !o.headless && AtATerminal();
  d.on_step = [&](Timestamp t) {
    if (!served.ok()) return false;
    // The agents' clock: the simulation's, which moves to `t` now.
    virtual_clock.Set(std::max(t, virtual_clock.Now()));
    if (Interrupted()) return false;
    using Steady = std::chrono::steady_clock;
    // Paced only for a person watching: from a script the month runs as
    // fast as it can (nobody reads its progress lines live).
    if (paced && last_virtual != 0 && t > last_virtual) {
      // Accelerated virtual time: `speed` virtual seconds per real second
      // (a gap counts at most 2 s). Steps keep a schedule, so the time the
      // engine and the agents took since the last one counts against the
      // wait; one that falls behind catches up by at most a second.
      const double real_s = static_cast<double>(t - last_virtual) / 1e9 / o.speed;
      due += std::chrono::duration_cast<Steady::duration>(
          std::chrono::duration<double>(std::min(real_s, 2.0)));
      const Steady::time_point now = Steady::now();
      if (due > now) {
        std::this_thread::sleep_until(due);
      } else {
        due = std::max(due, now - std::chrono::seconds(1));
      }
    } else if (last_virtual == 0) {
      due = Steady::now();
    }
    last_virtual = t;
    return true;
  };
  // The day's utilisation: card-hours the jobs held that day over those
  // offered that day; the subsidy: what was charged so far (metered use).
  d.on_day = [&](uint32_t day, const sim::Metrics& m) {
    std::printf("day %3u/%u  jobs placed %6llu  subsidy charged %14s yuan  utilisation %5.1f%%\n",
                day, o.days,
                static_cast<unsigned long long>(m.placed),  // NOLINT(google-runtime-int)
                Yuan(m.charged).c_str(), m.DayUtilisation() * 100);
    std::fflush(stdout);
  };
  bool balanced = false;
  Money subsidy{};
  uint64_t jobs = 0;
  // Whether the month ran to its end: a Ctrl-C while the API stays up after
  // it (KeepServing) stops the server, not the run, and the RESULT stands.
  bool whole = false;
  d.on_end = [&](engine::Engine& e) {
    whole = !Interrupted();
    // The state first (durable), then the archive: a job retired in between
    // is in both, and counted once.
    std::map<OrderId, scheduler::Job> all =
        e.Read([](const state::State& s) { return s.scheduler().jobs(); });
    Result<std::vector<scheduler::Job>> archived = engine::ReadArchivedJobs(e.store(), 0);
    BG_CHECK(archived.ok()) << "the demo's archive: " << archived.status();
    for (const scheduler::Job& j : *archived) all.emplace(j.submitted.request.id, j);
    for (const auto& [id, j] : all) {
      if (j.status == scheduler::JobStatus::kQueued) continue;
      ++jobs;
      // Charged to the vouchers and budgets: finished jobs' metered use,
      // running jobs' use so far.
      subsidy = Money::Fen(subsidy.fen() + j.voucher_charged.fen());
    }
    e.Read([&](const state::State& s) {
      balanced = s.ledger().CheckInvariants().empty() &&
                 programme::CheckReconciled(s.book(), s.registry(), s.ledger()).empty() &&
                 settlement::CheckStatements(s.settlement(), s.registry(), s.ledger()).empty();
      PrintSummary(s, o.days, token_enterprise, *archived);
      return 0;
    });
    std::printf(
        "\nthe providers' agents made %llu HTTP calls (placements, signed usage, finishes)\n",
        static_cast<unsigned long long>(agents->calls()));  // NOLINT(google-runtime-int)
    if (!o.headless && http != nullptr) KeepServing(db);
    if (http) http->Stop();
  };
  BG_ASSIGN_OR_RETURN(const sim::Metrics m, sim::Run(scenario, w, wo, d, store.get()));
  BG_RETURN_IF_ERROR(served);
  // A run stopped by a signal (Ctrl-C, a supervisor's timeout) prints no
  // RESULT line: its figures are of a partial month and must not be read
  // as the run's.
  if (!whole) {
    return Aborted("interrupted before the end of the " + std::to_string(o.days) +
                   " simulated days: the figures above are partial, and there is no RESULT");
  }
  std::printf("\nRESULT programmes total=%u granting=%u stacked_orders=%llu\n", m.programmes,
              m.programmes_granting,
              static_cast<unsigned long long>(m.stacked_orders));  // NOLINT(google-runtime-int)
  std::printf("RESULT demo jobs=%llu subsidy_yuan=%.2f utilisation=%.3f ledger_balanced=%s\n",
              static_cast<unsigned long long>(jobs),  // NOLINT(google-runtime-int)
              static_cast<double>(subsidy.fen()) / 100.0, m.utilisation,
              balanced ? "true" : "false");
  return balanced ? Status::Ok() : Internal("the ledger does not balance");
}

DemoOptions WithDefaults(DemoOptions o) {
  if (o.days == 0) o.days = o.live ? 1 : 30;
  if (o.jobs == 0) o.jobs = o.live ? 40 : 6'000;
  if (o.speed == 0) o.speed = o.live ? 720 : 36'000;
  return o;
}

void RegisterDemo(Registry& registry) {
  auto o = std::make_shared<DemoOptions>();
  CLI::App* demo = registry.app().add_subcommand(
      "demo", "The main job: a server on SQLite with gba.toml, simulated demand and providers");
  demo->add_option("--scenario,--world", o->scenario,
                   "gba (built in: compute), alliance (built in: shared facilities, a quarter) "
                   "or a scenario file")
      ->capture_default_str();
  demo->add_option("--db", o->db,
                   "SQLite file to create (default: a temp dir), or an empty PostgreSQL "
                   "database's postgresql:// URL");
  demo->add_option("--listen", o->listen, "host:port of the API")->capture_default_str();
  demo->add_option("--days", o->days, "Simulated days [30; --live: 1]");
  demo->add_option("--seed", o->seed, "Workload seed")->capture_default_str();
  demo->add_option("--jobs", o->jobs, "Jobs over the whole run [6000; --live: 40]");
  demo->add_option("--speed", o->speed,
                   "Virtual seconds per real second [36000; --live: 720, at most 7200]");
  demo->add_flag("--headless", o->headless,
                 "No console and no API for people (the agents' on a free port), no waiting for "
                 "Ctrl-C; the month as fast as it can (--live: still in real time)");
  demo->add_flag("--live", o->live,
                 "A day with real processes: each placement runs on this machine, submitted, "
                 "followed and billed by the providers' agents (local executor)");
  demo->add_option("--agents-log", o->agents_log,
                   "Write the providers' agents' log (JSON lines, as `baygrid agent` logs) here");
  demo->footer(
      "Examples:\n  baygrid demo\n  baygrid demo --days 30 --seed 7 --headless\n"
      "  baygrid demo --world alliance --headless --seed 7\n  baygrid demo --live");
  registry.OnRun(demo, [o] {
    const DemoOptions d = WithDefaults(*o);
    return d.live ? RunLiveDemo(d) : RunDemo(d);
  });
}

}  // namespace bg::cmd
