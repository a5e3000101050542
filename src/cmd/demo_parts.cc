#include "cmd/demo_parts.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <climits>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <map>
#include <system_error>
#include <thread>

#include <unistd.h>

#include "api/json.h"
#include "api/service.h"
#include "cli/table.h"
#include "engine/engine.h"
#include "programme/accounts.h"
#include "programme/reconcile.h"
#include "scheduler/job.h"
#include "settlement/settlement.h"

namespace bg::cmd {
namespace {

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
  w.arrivals.ForEach([&](const sim::Arrival& a) {
    most_drawn[a.request.enterprise] +=
        scheduler::ListCost(dearest[a.request.accelerator], a.request.cards, a.request.walltime_s)
            .fen();
  });
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

std::atomic<bool> g_interrupted{false};

void OnSignal(int) { g_interrupted = true; }

// `text` and spaces to `width` terminal cells (a Chinese character takes
// two), so that columns line up whatever the language.
std::string Pad(const std::string& text, size_t width) {
  const size_t cells = cli::DisplayWidth(text);
  return cells >= width ? text : text + std::string(width - cells, ' ');
}

}  // namespace

void CatchInterrupts() {
  std::signal(SIGINT, OnSignal);
  std::signal(SIGTERM, OnSignal);
}

bool Interrupted() { return g_interrupted.load(); }

bool AtATerminal() { return isatty(STDIN_FILENO) != 0; }

void KeepServing(const std::string& db) {
  if (Interrupted()) return;
  if (!AtATerminal()) {
    // This binary's own path: after scripts/run.sh, `baygrid` is not on PATH.
    std::error_code ec;
    const std::string self = std::filesystem::read_symlink("/proc/self/exe", ec).string();
    std::printf(
        "\nthe run is over; no terminal to wait on, so the API stops here. To look again:\n"
        "  %s serve --db %s\n",
        ec ? "baygrid" : self.c_str(), db.c_str());
    std::fflush(stdout);
    return;
  }
  std::printf("\nthe run is over; the API stays up. Ctrl-C to stop.\n");
  std::fflush(stdout);
  while (!Interrupted()) std::this_thread::sleep_for(std::chrono::milliseconds(100));
}

void PrintWelcome(const std::string& host, uint16_t port, bool console, const Tokens& tokens) {
  std::printf("\nAPI   http://%s:%u/v1   (GET /v1/openapi.json; /metrics; /healthz)\n",
              host.c_str(), port);
  if (console) {
    std::printf("console http://%s:%u/   (控制台: sign in with a token below; 中文 / English)\n",
                host.c_str(), port);
  }
  std::printf("tokens (send 'Authorization: Bearer <token>'):\n");
  for (const auto& [label, secret] : tokens.secret) {
    std::printf("  %s %s\n", Pad(label, 48).c_str(), secret.c_str());
  }
  std::printf("try:  curl -s -H 'Authorization: Bearer <admin token>' http://%s:%u/v1/pools\n\n",
              host.c_str(), port);
  std::fflush(stdout);
}

std::map<ProviderId, AgentSeat> SeatAgents(engine::Engine& e, const world::World& scenario) {
  std::map<ProviderId, AgentSeat> seats;
  uint64_t id = 100;
  for (const programme::Provider& p : scenario.providers) {
    const auto [secret, hash] = api::Service::NewToken();
    (void)e.Execute(state::CreateApiToken{.id = id++,
                                          .hash = hash,
                                          .role = access::TokenRole::kProvider,
                                          .scope = p.id.value(),
                                          .name = "agent of " + p.name});
    AgentSeat& seat = seats[p.id];
    seat.token = secret;
    seat.config.provider = p.id.value();
    seat.config.cluster = "p" + std::to_string(p.id.value());
  }
  e.Read([&](const state::State& s) {
    for (const auto& [pool, p] : s.network().pools()) {
      const ProviderId provider = s.network().FindSite(p.site)->provider;
      if (auto it = seats.find(provider); it != seats.end()) {
        it->second.config.pools.push_back(
            {.pool = pool.value(), .gres = p.accelerator, .local_cards = p.cards_offered});
      }
    }
    return 0;
  });
  return seats;
}

agent::LogFn AgentLog(FILE* log, const Clock* clock, ProviderId provider) {
  if (log == nullptr) return nullptr;
  return [log, clock, provider](const std::string& event, const std::string& fields) {
    api::Json line = api::Json::parse(fields, nullptr, false);
    if (!line.is_object()) line = api::Json::object();
    line["at"] = FormatUtcTime(clock->Now());
    line["provider"] = provider.value();
    line["event"] = event;
    std::fprintf(log, "%s\n", line.dump().c_str());
  };
}

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

void PrintSummary(const state::State& s, uint32_t days, EnterpriseId enterprise,
                  const std::vector<scheduler::Job>& archived) {
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
    std::printf("%s %16s %16s %18s\n", Pad(p->name, 26).c_str(), Yuan(granted).c_str(),
                Yuan(spent).c_str(), Yuan(remaining).c_str());
  }
  if (const programme::Enterprise* e = s.registry().FindEnterprise(enterprise)) {
    std::printf("\nthe enterprise token's %s (%llu) has %s yuan left on its vouchers\n",
                e->name.c_str(),
                static_cast<unsigned long long>(enterprise.value()),  // NOLINT(google-runtime-int)
                Yuan(VoucherMoneyLeft(s, enterprise)).c_str());
  }
  std::map<SiteId, std::pair<uint64_t, uint64_t>> use;  // metered card-seconds, offered
  auto count = [&](const scheduler::Job& job) {
    if (!job.pool.is_zero()) use[s.network().FindPool(job.pool)->site].first += job.card_seconds;
  };
  for (const auto& [id, job] : s.scheduler().jobs()) count(job);
  for (const scheduler::Job& job : archived) count(job);
  for (const auto& [id, pool] : s.network().pools()) {
    use[pool.site].second += uint64_t{pool.cards_offered} * days * 86'400;
  }
  std::printf("\n%-44s %12s\n", "site", "metered use");
  for (const auto& [id, site] : s.network().sites()) {
    const auto [used, offered] = use[id];
    std::printf(
        "%s %11.1f%%\n", Pad(site.name, 44).c_str(),
        offered == 0 ? 0.0 : 100.0 * static_cast<double>(used) / static_cast<double>(offered));
  }
  std::printf("\n%-12s %-12s %8s %12s %18s\n", "from", "to", "orders", "card-hours",
              "subsidy (yuan)");
  const Result<std::vector<settlement::Flow>> flows = s.settlement().Flows(0, UINT64_MAX);
  if (!flows.ok()) std::printf("(%s)\n", flows.status().ToString().c_str());
  for (const settlement::Flow& f : flows.ok() ? *flows : std::vector<settlement::Flow>{}) {
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

}  // namespace bg::cmd
