#include "server/demo.h"

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <map>
#include <thread>

#include "api/http.h"
#include "api/service.h"
#include "engine/engine.h"
#include "programme/reconcile.h"
#include "programme/scenario.h"
#include "server/bench_dir.h"
#include "settlement/settlement.h"
#include "sim/driver.h"
#include "sim/workload.h"
#include "storage/sqlite_store.h"

namespace bg::server {
namespace {

// 2025-06-02 00:00 UTC: every programme of gba.toml is open.
constexpr Timestamp kStart = 1'748'822'400 * kNanosPerSecond;
std::atomic<bool> g_interrupted{false};

void OnSignal(int) { g_interrupted = true; }

std::string Yuan(Money m) {
  // 1234567.89 -> "1,234,567.89"
  std::string s = m.ToYuanString();
  const size_t dot = s.find('.');
  for (int i = static_cast<int>(dot) - 3; i > (s[0] == '-' ? 1 : 0); i -= 3) {
    s.insert(static_cast<size_t>(i), ",");
  }
  return s;
}

struct Tokens {
  std::map<std::string, std::string> secret;  // role label -> token
};

// One token per role, for the person trying the API.
Tokens MakeTokens(engine::Engine& e) {
  Tokens t;
  struct Want {
    const char* label;
    access::TokenRole role;
    uint64_t scope;
  };
  const Want wants[] = {
      {"admin", access::TokenRole::kAdmin, 0},
      {"operator (Dongguan 算力券, programme 1)", access::TokenRole::kOperator, 1},
      {"enterprise (Songshan Lake Precision Moulds, 1)", access::TokenRole::kEnterprise, 1},
      {"provider (Shaoguan hub, 1)", access::TokenRole::kProvider, 1},
      {"auditor", access::TokenRole::kAuditor, 0}};
  uint64_t id = 1;
  for (const Want& w : wants) {
    const auto [secret, hash] = api::Service::NewToken();
    (void)e.Execute(engine::CreateApiToken{
        .id = id++, .hash = hash, .role = w.role, .scope = w.scope, .name = w.label});
    t.secret[w.label] = secret;
  }
  return t;
}

void PrintSummary(const engine::State& s, uint32_t days) {
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
        Yuan(f.subsidy).c_str(), f.issuer == f.city ? "" : "   across a city border");
  }
}

}  // namespace

Status RunDemo(const DemoOptions& o) {
  BG_ASSIGN_OR_RETURN(programme::Scenario scenario, programme::LoadScenarioFile(o.scenario));
  std::string db = o.db;
  if (db.empty()) {
    BG_ASSIGN_OR_RETURN(const std::string dir, BenchDir(""));
    db = dir + "/demo.db";
  }
  if (std::filesystem::exists(db))
    return FailedPrecondition(db + " exists: the demo starts afresh");
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
  Timestamp last_virtual = 0;
  sim::DriverOptions d;
  d.metered = true;
  d.on_open = [&](engine::Engine& e) {
    const Tokens tokens = MakeTokens(e);
    if (o.headless) return;
    service = std::make_unique<api::Service>(&e, &wall, api::ServiceOptions{.db_path = db});
    const size_t colon = o.listen.rfind(':');
    auto started = api::HttpServer::Start(
        {.address = o.listen.substr(0, colon),
         .port = static_cast<uint16_t>(std::stoi(o.listen.substr(colon + 1))),
         .threads = 2},
        [&](const api::HttpRequest& r) { return service->Handle(r); },
        [&](int status, const std::string& detail) { return service->Refuse(status, detail); });
    if (!started.ok()) {
      std::printf("the API is not served: %s\n", started.status().ToString().c_str());
      return;
    }
    http = std::move(*started);
    std::printf("\nAPI   http://%s:%u/v1   (GET /v1/openapi.json; /metrics; /healthz)\n",
                o.listen.substr(0, colon).c_str(), http->port());
    std::printf("tokens (send 'Authorization: Bearer <token>'):\n");
    for (const auto& [label, secret] : tokens.secret) {
      std::printf("  %-48s %s\n", label.c_str(), secret.c_str());
    }
    std::printf("try:  curl -s -H 'Authorization: Bearer <admin token>' http://%s:%u/v1/pools\n\n",
                o.listen.substr(0, colon).c_str(), http->port());
    std::fflush(stdout);
  };
  d.on_step = [&](Timestamp t) {
    if (g_interrupted.load()) return false;
    if (!o.headless && last_virtual != 0 && t > last_virtual) {
      // Accelerated virtual time: `speed` virtual seconds per real second.
      const double real_s = static_cast<double>(t - last_virtual) / 1e9 / o.speed;
      std::this_thread::sleep_for(std::chrono::duration<double>(std::min(real_s, 2.0)));
    }
    last_virtual = t;
    return true;
  };
  d.on_day = [&](uint32_t day, const sim::Metrics& m) {
    std::printf("day %3u/%u  jobs placed %6llu  subsidised %14s yuan  utilisation %5.1f%%\n", day,
                o.days, static_cast<unsigned long long>(m.placed),  // NOLINT(google-runtime-int)
                Yuan(m.subsidy).c_str(), m.utilisation * 100);
    std::fflush(stdout);
  };
  bool balanced = false;
  Money subsidy{};
  uint64_t jobs = 0;
  d.on_end = [&](engine::Engine& e) {
    e.Read([&](const engine::State& s) {
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
      PrintSummary(s, o.days);
      return 0;
    });
    if (!o.headless && http != nullptr && !g_interrupted.load()) {
      std::printf("\nthe simulation is over; the API stays up. Ctrl-C to stop.\n");
      std::fflush(stdout);
      while (!g_interrupted.load()) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    if (http) http->Stop();
  };
  BG_ASSIGN_OR_RETURN(const sim::Metrics m, sim::Run(scenario, w, wo, d, store.get()));
  std::printf("\nRESULT demo jobs=%llu subsidy_yuan=%.2f utilisation=%.3f ledger_balanced=%s\n",
              static_cast<unsigned long long>(jobs),  // NOLINT(google-runtime-int)
              static_cast<double>(subsidy.fen()) / 100.0, m.utilisation,
              balanced ? "true" : "false");
  return balanced ? Status::Ok() : Internal("the ledger does not balance");
}

}  // namespace bg::server
