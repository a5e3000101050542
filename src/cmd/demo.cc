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
#include "common/work_dir.h"
#include "engine/engine.h"
#include "programme/accounts.h"
#include "programme/reconcile.h"
#include "settlement/settlement.h"
#include "sim/driver.h"
#include "sim/workload.h"
#include "storage/sqlite_store.h"
#include "world/builtin.h"
#include "world/world.h"

namespace bg::cmd {
namespace {

// 2025-06-02 00:00 UTC. Dongguan's, Zhuhai's and Shenzhen's programmes of
// gba.toml are open; Guangming's opens on 06-06 and Huangpu's on 06-27, and
// their applications are filed then (sim/workload.h).
constexpr Timestamp kStart = 1'748'822'400 * kNanosPerSecond;
std::atomic<bool> g_interrupted{false};

void OnSignal(int) { g_interrupted = true; }

std::string Yuan(Money m) {
  // 1234567.89 -> "1,234,567.89". Built forwards: GCC 12 warns (falsely,
  // -Wrestrict) about std::string::insert here.
  const std::string s = m.ToYuanString();
  const size_t sign = s[0] == '-' ? 1 : 0;
  const size_t dot = s.find('.');
  std::string out = s.substr(0, sign);
  for (size_t i = sign; i < dot; ++i) {
    if (i > sign && (dot - i) % 3 == 0) out += ',';
    out += s[i];
  }
  return out + s.substr(dot);
}

// What `enterprise` can still spend: the balances of its live vouchers.
Money VoucherMoneyLeft(const state::State& s, EnterpriseId enterprise) {
  Money left{};
  for (const auto& [id, v] : s.book().vouchers()) {
    if (v.holder != enterprise || v.status != programme::VoucherStatus::kLive) continue;
    left = Money::Fen(left.fen() +
                      programme::Book::Available(s.ledger(), programme::VoucherAccount(id)).fen());
  }
  return left;
}

// The enterprise whose token the first screen prints: one with money left
// to spend for the whole run. The first, in id order (the scenario's named
// enterprises come first), whose live vouchers hold more than every job the
// workload gives it could draw — each at the dearest list price of its
// accelerator, all of it subsidised; failing that, the one with the most to
// spare.
EnterpriseId EnterpriseWithMoneyLeft(const state::State& s, const sim::Workload& w) {
  std::map<std::string, Money> dearest;  // per card-hour, any pool and tier
  for (const auto& [id, pool] : s.network().pools()) {
    for (Money price : pool.price) {
      dearest[pool.accelerator] = std::max(dearest[pool.accelerator], price);
    }
  }
  std::map<EnterpriseId, int64_t> most_drawn;  // fen
  for (const sim::Arrival& a : w.arrivals) {
    most_drawn[a.request.enterprise] +=
        scheduler::ListCost(dearest[a.request.accelerator], a.request.cards, a.request.walltime_s)
            .fen();
  }
  EnterpriseId best{};
  int64_t best_spare = INT64_MIN;
  for (const auto& [id, enterprise] : s.registry().enterprises()) {
    const int64_t spare = VoucherMoneyLeft(s, id).fen() - most_drawn[id];
    if (spare > 0) return id;
    if (spare > best_spare) {
      best = id;
      best_spare = spare;
    }
  }
  return best;
}

struct Tokens {
  std::map<std::string, std::string> secret;  // role label -> token
  EnterpriseId enterprise{};                  // whose the enterprise token is
};

// One token per role, for the person trying the API.
Tokens MakeTokens(engine::Engine& e, const sim::Workload& w) {
  Tokens t;
  const std::string enterprise = e.Read([&](const state::State& s) {
    t.enterprise = EnterpriseWithMoneyLeft(s, w);
    const programme::Enterprise* found = s.registry().FindEnterprise(t.enterprise);
    return found == nullptr ? std::string("?") : found->name;
  });
  struct Want {
    std::string label;
    access::TokenRole role;
    uint64_t scope;
  };
  const Want wants[] = {
      {"admin", access::TokenRole::kAdmin, 0},
      {"operator (Dongguan 算力券, programme 1)", access::TokenRole::kOperator, 1},
      {"enterprise (" + enterprise + ", " + std::to_string(t.enterprise.value()) + ")",
       access::TokenRole::kEnterprise, t.enterprise.value()},
      {"provider (Shaoguan hub, 1)", access::TokenRole::kProvider, 1},
      {"auditor", access::TokenRole::kAuditor, 0}};
  uint64_t id = 1;
  for (const Want& want : wants) {
    const auto [secret, hash] = api::Service::NewToken();
    (void)e.Execute(state::CreateApiToken{
        .id = id++, .hash = hash, .role = want.role, .scope = want.scope, .name = want.label});
    t.secret[want.label] = secret;
  }
  return t;
}

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
  // Tokens with ids from 100, one per provider of the scenario.
  Agents(engine::Engine& e, const world::World& scenario, const Clock* clock, FILE* log)
      : engine_(e), clock_(clock), log_(log) {
    uint64_t id = 100;
    for (const programme::Provider& p : scenario.providers) {
      const auto [secret, hash] = api::Service::NewToken();
      (void)e.Execute(state::CreateApiToken{.id = id++,
                                            .hash = hash,
                                            .role = access::TokenRole::kProvider,
                                            .scope = p.id.value(),
                                            .name = "agent of " + p.name});
      One& one = by_provider_[p.id];
      one.token = secret;
      one.config.provider = p.id.value();
      one.config.cluster = "p" + std::to_string(p.id.value());
      one.config.usage_window_s = 86'400;    // a daily report: a job of a day or less, one record
      one.config.offer_capacity = false;     // the scenario's pools offer what they offer
      one.config.full_sync_ms = 86'400'000;  // nothing is cancelled: a full listing a day
    }
    e.Read([&](const state::State& s) {
      for (const auto& [pool, p] : s.network().pools()) {
        const ProviderId provider = s.network().FindSite(p.site)->provider;
        if (auto it = by_provider_.find(provider); it != by_provider_.end()) {
          it->second.config.pools.push_back({.pool = pool.value(), .gres = p.accelerator});
        }
      }
      return 0;
    });
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
                                                 one.platform.get(), clock_, Logger(provider));
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

  // One JSON line per event, with the virtual time and the provider.
  agent::LogFn Logger(ProviderId provider) const {
    if (log_ == nullptr) return nullptr;
    return [this, provider](const std::string& event, const std::string& fields) {
      api::Json line = api::Json::parse(fields, nullptr, false);
      if (!line.is_object()) line = api::Json::object();
      line["at"] = FormatUtcTime(clock_->Now());
      line["provider"] = provider.value();
      line["event"] = event;
      std::fprintf(log_, "%s\n", line.dump().c_str());
    };
  }

  engine::Engine& engine_;
  const Clock* clock_;
  FILE* log_;
  std::map<ProviderId, One> by_provider_;
};

// The city a jurisdiction lies in: itself, or the city above a district
// (Huangpu -> Guangzhou), so a district's money spent in its own city does
// not count as crossing a city border.
JurisdictionId CityOf(const programme::Registry& registry, JurisdictionId id) {
  for (const programme::Jurisdiction* j = registry.FindJurisdiction(id);
       j != nullptr && j->level < programme::JurisdictionLevel::kCity && j->parent;
       j = registry.FindJurisdiction(*j->parent)) {
    id = *j->parent;
  }
  return id;
}

void PrintSummary(const state::State& s, uint32_t days, EnterpriseId enterprise) {
  std::printf("\n%-26s %16s %16s %18s\n", "programme", "granted", "spent", "budget remaining");
  for (const programme::ProgrammeTotals& t :
       programme::Totals(s.book(), s.registry(), s.ledger())) {
    const programme::ProgrammeRules* p = s.registry().FindProgramme(t.programme);
    // Granted: vouchers issued and automatic grants; spent: what claims
    // captured or still hold; remaining: the budget not committed and what
    // vouchers still have.
    const Money granted = Money::Fen(t.issued.fen() + t.automatic.fen());
    const Money spent = Money::Fen(t.spent.fen() + t.held.fen() + t.automatic.fen());
    const Money remaining = Money::Fen(t.uncommitted.fen() + t.remaining.fen());
    std::printf("%-26s %16s %16s %18s\n", p->name.c_str(), Yuan(granted).c_str(),
                Yuan(spent).c_str(), Yuan(remaining).c_str());
  }
  if (const programme::Enterprise* e = s.registry().FindEnterprise(enterprise)) {
    std::printf("\nthe enterprise token's %s (%llu) has %s yuan left on its vouchers\n",
                e->name.c_str(),
                static_cast<unsigned long long>(enterprise.value()),  // NOLINT(google-runtime-int)
                Yuan(VoucherMoneyLeft(s, enterprise)).c_str());
  }
  std::map<SiteId, std::pair<uint64_t, uint64_t>> use;  // metered card-seconds, offered
  for (const auto& [id, job] : s.scheduler().jobs()) {
    if (job.pool.is_zero()) continue;
    use[s.network().FindPool(job.pool)->site].first += job.card_seconds;
  }
  for (const auto& [id, pool] : s.network().pools()) {
    use[pool.site].second += uint64_t{pool.cards_offered} * days * 86'400;
  }
  std::printf("\n%-44s %12s\n", "site", "metered use");
  for (const auto& [id, site] : s.network().sites()) {
    const auto [used, offered] = use[id];
    std::printf(
        "%-44s %11.1f%%\n", site.name.c_str(),
        offered == 0 ? 0.0 : 100.0 * static_cast<double>(used) / static_cast<double>(offered));
  }
  std::printf("\n%-12s %-12s %8s %12s %18s\n", "from", "to", "orders", "card-hours",
              "subsidy (yuan)");
  for (const settlement::Flow& f : s.settlement().Flows(0, UINT64_MAX)) {
    const programme::Jurisdiction* a = s.registry().FindJurisdiction(f.issuer);
    const programme::Jurisdiction* b = s.registry().FindJurisdiction(f.city);
    std::printf(
        "%-12s %-12s %8llu %12llu %18s%s\n", a ? a->code.c_str() : "?", b ? b->code.c_str() : "?",
        static_cast<unsigned long long>(f.orders),               // NOLINT(google-runtime-int)
        static_cast<unsigned long long>(f.card_seconds / 3600),  // NOLINT(google-runtime-int)
        Yuan(f.subsidy).c_str(),
        CityOf(s.registry(), f.issuer) == f.city ? "" : "   across a city border");
  }
}

}  // namespace

Status RunDemo(const DemoOptions& o) {
  BG_ASSIGN_OR_RETURN(world::World scenario, world::Load(o.scenario));
  std::string db = o.db;
  if (db.empty()) {
    BG_ASSIGN_OR_RETURN(const std::string dir, WorkDir(""));
    db = dir + "/demo.db";
  }
  if (std::filesystem::exists(db)) {
    return FailedPrecondition(db + " exists: the demo starts afresh");
  }
  const sim::WorkloadOptions wo{
      .seed = o.seed, .days = o.days, .jobs = o.jobs, .enterprises = 60, .start = kStart};
  const sim::Workload w = sim::Generate(scenario, wo);
  BG_ASSIGN_OR_RETURN(auto store, storage::SqliteStore::Open({.path = db}));
  std::signal(SIGINT, OnSignal);
  std::signal(SIGTERM, OnSignal);
  std::printf(
      "baygrid demo: %zu jobs from %zu enterprises over %u simulated days (seed %llu), "
      "database %s\n",
      w.arrivals.size(), scenario.enterprises.size() + w.enterprises.size(), o.days,
      static_cast<unsigned long long>(o.seed), db.c_str());  // NOLINT(google-runtime-int)

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
        &e, &wall, api::ServiceOptions{.db_path = db, .web = web ? &*web : nullptr});
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
    std::printf("\nAPI   http://%s:%u/v1   (GET /v1/openapi.json; /metrics; /healthz)\n",
                o.listen.substr(0, colon).c_str(), http->port());
    if (web) {
      std::printf("console http://%s:%u/   (控制台: sign in with a token below; 中文 / English)\n",
                  o.listen.substr(0, colon).c_str(), http->port());
    }
    std::printf("tokens (send 'Authorization: Bearer <token>'):\n");
    for (const auto& [label, secret] : tokens.secret) {
      std::printf("  %-48s %s\n", label.c_str(), secret.c_str());
    }
    std::printf("try:  curl -s -H 'Authorization: Bearer <admin token>' http://%s:%u/v1/pools\n\n",
                o.listen.substr(0, colon).c_str(), http->port());
    std::fflush(stdout);
  };
  d.report_usage = [&](const metering::SubmitUsage& usage) { return agents->Ended(usage); };
  d.finish_job = [&](OrderId job) { return agents->CheckFinished(job); };
  d.on_placed = [&](const std::vector<OrderId>& jobs) { return agents->Placed(jobs); };
  d.on_step = [&](Timestamp t) {
    if (!served.ok()) return false;
    // The agents' clock: the simulation's, which moves to `t` now.
    virtual_clock.Set(std::max(t, virtual_clock.Now()));
    if (g_interrupted.load()) return false;
    using Steady = std::chrono::steady_clock;
    if (!o.headless && last_virtual != 0 && t > last_virtual) {
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
  d.on_end = [&](engine::Engine& e) {
    e.Read([&](const state::State& s) {
      balanced = s.ledger().CheckInvariants().empty() &&
                 programme::CheckReconciled(s.book(), s.registry(), s.ledger()).empty() &&
                 settlement::CheckStatements(s.settlement(), s.registry(), s.ledger()).empty();
      for (const auto& [id, j] : s.scheduler().jobs()) {
        if (j.status == scheduler::JobStatus::kQueued) continue;
        ++jobs;
        // Charged to the vouchers and budgets: finished jobs' metered use,
        // running jobs' use so far.
        subsidy = Money::Fen(subsidy.fen() + j.voucher_charged.fen());
      }
      PrintSummary(s, o.days, token_enterprise);
      return 0;
    });
    std::printf(
        "\nthe providers' agents made %llu HTTP calls (placements, signed usage, finishes)\n",
        static_cast<unsigned long long>(agents->calls()));  // NOLINT(google-runtime-int)
    if (!o.headless && http != nullptr && !g_interrupted.load()) {
      std::printf("\nthe simulation is over; the API stays up. Ctrl-C to stop.\n");
      std::fflush(stdout);
      while (!g_interrupted.load()) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    if (http) http->Stop();
  };
  BG_ASSIGN_OR_RETURN(const sim::Metrics m, sim::Run(scenario, w, wo, d, store.get()));
  BG_RETURN_IF_ERROR(served);
  std::printf("\nRESULT programmes total=%u granting=%u stacked_orders=%llu\n", m.programmes,
              m.programmes_granting,
              static_cast<unsigned long long>(m.stacked_orders));  // NOLINT(google-runtime-int)
  std::printf("RESULT demo jobs=%llu subsidy_yuan=%.2f utilisation=%.3f ledger_balanced=%s\n",
              static_cast<unsigned long long>(jobs),  // NOLINT(google-runtime-int)
              static_cast<double>(subsidy.fen()) / 100.0, m.utilisation,
              balanced ? "true" : "false");
  return balanced ? Status::Ok() : Internal("the ledger does not balance");
}

void RegisterDemo(Registry& registry) {
  auto o = std::make_shared<DemoOptions>();
  CLI::App* demo = registry.app().add_subcommand(
      "demo", "The main job: a server on SQLite with gba.toml, simulated demand and providers");
  demo->add_option("--scenario", o->scenario, "gba (built in) or a scenario file")
      ->capture_default_str();
  demo->add_option("--db", o->db, "SQLite file to create (default: a temp dir)");
  demo->add_option("--listen", o->listen, "host:port of the API")->capture_default_str();
  demo->add_option("--days", o->days, "Simulated days")->capture_default_str();
  demo->add_option("--seed", o->seed, "Workload seed")->capture_default_str();
  demo->add_option("--jobs", o->jobs, "Jobs over the whole run")->capture_default_str();
  demo->add_option("--speed", o->speed, "Virtual seconds per real second")->capture_default_str();
  demo->add_flag("--headless", o->headless, "As fast as it can, no server, no waiting for Ctrl-C");
  demo->add_option("--agents-log", o->agents_log,
                   "Write the providers' agents' log (JSON lines, as `baygrid agent` logs) here");
  demo->footer("Examples:\n  baygrid demo\n  baygrid demo --days 30 --seed 7 --headless");
  registry.OnRun(demo, [o] { return RunDemo(*o); });
}

}  // namespace bg::cmd
