// An enterprise's money (GET /v1/enterprises/{id}/money): each voucher
// with its history — the grant, the issue, every claim drawn on it (the
// job or order behind it, what it holds and what was posted), the sweep
// at expiry or revocation — its yearly caps used and left per programme,
// and a month's bill: per job what it cost, what the enterprise paid, what
// each programme paid, charged so far and planned apart. A provider's
// (GET /v1/providers/{id}/money): what each programme owes it, planned,
// open, payable, approved and paid, and its statements
// (settlement/receivables.h).
#include <algorithm>

#include "api/handlers.h"
#include "api/job_history.h"
#include "api/service.h"
#include "api/trail.h"
#include "api/views.h"
#include "engine/projection.h"
#include "programme/accounts.h"
#include "programme/book_util.h"
#include "settlement/receivables.h"

namespace bg::api {
namespace {

using programme::book::Plus;

std::string ProgrammeName(const state::State& s, ProgrammeId id) {
  const programme::ProgrammeRules* p = s.registry().FindProgramme(id);
  return p == nullptr ? "" : p->name;
}

// `archived`: the enterprise's claims that left memory with their jobs.
Json Vouchers(const state::State& s, EnterpriseId e, Timestamp now,
              const ArchivedClaims& archived) {
  Json out = Json::array();
  for (const auto& [id, v] : s.book().vouchers()) {
    if (v.holder != e) continue;
    Json view = View(v, programme::Book::Available(s.ledger(), programme::VoucherAccount(id)), now);
    view["programme_name"] = ProgrammeName(s, v.programme);
    view["history"] = VoucherHistory(s, v, now, archived);
    out.push_back(std::move(view));
  }
  return out;
}

// Per programme with use this year: the enterprise's own, its cap group's
// (related enterprises share a cap), the cap of the terms in force, left.
Json Caps(const state::State& s, const programme::Enterprise& e, Timestamp now) {
  const int32_t year = programme::YearOf(now);
  Json out = Json::array();
  for (const auto& [id, rules] : s.registry().programmes()) {
    const ProgrammeId pid = id;  // (a lambda does not capture a structured binding in clang 14)
    const Money used = s.book().UsedBy(pid, e.id, year);
    const bool holds = std::any_of(
        s.book().vouchers().begin(), s.book().vouchers().end(),
        [&](const auto& kv) { return kv.second.holder == e.id && kv.second.programme == pid; });
    if (used.is_zero() && !holds) continue;
    const Money group = s.book().UsedByGroup(pid, e.id, year, s.registry());
    const std::optional<Money> cap =
        programme::EntityYearCapFor(s.registry().VersionAt(pid, now)->rules, e.applicant);
    out.push_back(
        {{"programme", pid.value()},
         {"programme_name", rules.name},
         {"year", year},
         {"used", MoneyJson(used)},
         {"group_used", MoneyJson(group)},
         {"cap", cap ? MoneyJson(*cap) : Json(nullptr)},
         {"left", cap ? MoneyJson(group >= *cap ? Money{} : programme::book::Minus(*cap, group))
                      : Json(nullptr)}});
  }
  return out;
}

// The month's bill: the enterprise's jobs submitted in it, each with its
// cost and who paid it (so far, and as planned at placement), and the
// totals per payer.
// `mine`: the enterprise's jobs submitted in the month (BillJobs).
// `archived`: the claims of those that left memory with them.
Json Bill(const state::State& s, const std::map<OrderId, scheduler::Job>& mine,
          const settlement::Period& month, const ArchivedClaims& archived) {
  Json jobs = Json::array();
  Money charged{}, by_enterprise{}, by_programmes{};
  std::map<ProgrammeId, std::pair<Money, Money>> per_programme;  // so far, planned
  for (const auto& [id, j] : mine) {
    Json programmes = Json::array();
    if (const programme::Claim* claim = ClaimOf(s, j, archived)) {
      for (const programme::ClaimHold& h : claim->holds) {
        auto& [so_far, planned] = per_programme[h.programme];
        so_far = Plus(so_far, h.posted);
        planned = Plus(planned, h.amount);
        programmes.push_back({{"programme", h.programme.value()},
                              {"programme_name", ProgrammeName(s, h.programme)},
                              {"paid_so_far", MoneyJson(h.posted)},
                              {"planned", MoneyJson(h.amount)}});
      }
    }
    charged = Plus(charged, j.charged);
    by_enterprise = Plus(by_enterprise, j.copay_charged);
    by_programmes = Plus(by_programmes, j.voucher_charged);
    jobs.push_back({{"job", id.value()},
                    {"status", scheduler::JobStatusName(j.status)},
                    {"submitted_at", TimeJson(j.submitted_at)},
                    {"cards", j.submitted.request.cards},
                    {"card_hours", static_cast<double>(j.card_seconds) / 3600.0},
                    {"charged_so_far", MoneyJson(j.charged)},
                    {"paid_by_enterprise_so_far", MoneyJson(j.copay_charged)},
                    {"paid_by_programmes_so_far", MoneyJson(j.voucher_charged)},
                    {"planned_cost", MoneyJson(j.list_cost)},
                    {"planned_subsidy", MoneyJson(j.subsidy)},
                    {"planned_out_of_pocket", MoneyJson(j.out_of_pocket)},
                    {"programmes", std::move(programmes)}});
  }
  Json payers = Json::array();
  for (const auto& [pid, money] : per_programme) {
    payers.push_back({{"programme", pid.value()},
                      {"programme_name", ProgrammeName(s, pid)},
                      {"paid_so_far", MoneyJson(money.first)},
                      {"planned", MoneyJson(money.second)}});
  }
  return {{"month", settlement::PeriodName(month)},
          {"jobs", std::move(jobs)},
          {"charged_so_far", MoneyJson(charged)},
          {"paid_by_enterprise_so_far", MoneyJson(by_enterprise)},
          {"paid_by_programmes_so_far", MoneyJson(by_programmes)},
          {"programmes", std::move(payers)}};
}

// Whether job `j` is enterprise `e`'s and submitted in `month`.
bool InBill(const scheduler::Job& j, EnterpriseId e, const settlement::Period& month) {
  return j.submitted.request.enterprise == e && j.submitted_at >= settlement::PeriodStart(month) &&
         j.submitted_at < settlement::PeriodEnd(month);
}

}  // namespace

// The enterprise's jobs submitted in `month`: those in the state as
// applied, then those retired by batches not yet committed, then the
// archive's (every job the state no longer holds is in one of the two).
Result<std::map<OrderId, scheduler::Job>> Service::BillJobs(Call& c, EnterpriseId e,
                                                            const settlement::Period& month) {
  std::map<OrderId, scheduler::Job> mine = Look(*engine_, c, [&](const state::State& s) {
    std::map<OrderId, scheduler::Job> out;
    for (const auto& [id, j] : s.scheduler().jobs()) {
      if (InBill(j, e, month)) out.emplace(id, j);
    }
    return out;
  });
  BG_ASSIGN_OR_RETURN(std::vector<scheduler::Job> archived, RetiringJobs(*engine_, e.value()));
  BG_ASSIGN_OR_RETURN(std::vector<scheduler::Job> stored,
                      engine::ReadArchivedJobs(engine_->store(), e.value()));
  archived.insert(archived.end(), std::make_move_iterator(stored.begin()),
                  std::make_move_iterator(stored.end()));
  for (scheduler::Job& j : archived) {
    if (InBill(j, e, month)) mine.emplace(j.submitted.request.id, std::move(j));
  }
  return mine;
}

Answer Service::EnterpriseMoney(Call& c) {
  const auto id = PathId(c, "id");
  if (!id) return Fail(c, "invalid_field", "the enterprise id must be a positive number");
  if (c.who.role == Role::kEnterprise && c.who.scope != *id) {
    return Forbidden(c, "read another enterprise's money");
  }
  if (!Is(c, {Role::kEnterprise, Role::kAdmin, Role::kAuditor})) {
    return Forbidden(c, "read an enterprise's money");
  }
  const Timestamp now = clock_->Now();
  std::optional<settlement::Period> month;
  if (auto it = c.request.query.find("month"); it != c.request.query.end()) {
    month = settlement::ParsePeriod(it->second);
    if (!month || month->kind != settlement::PeriodKind::kMonth) {
      return Fail(c, "invalid_field", "month is YYYY-MM");
    }
  }
  // This month (China Standard Time) unless one is asked for.
  if (!month) month = settlement::PeriodOf(now, settlement::PeriodKind::kMonth);
  const Result<std::map<OrderId, scheduler::Job>> mine = BillJobs(c, EnterpriseId(*id), *month);
  if (!mine.ok()) return Fail(c, "unavailable", mine.status().ToString());
  const Result<ArchivedClaims> archived = ArchivedClaimsOfOwner(*engine_, *id);
  if (!archived.ok()) return Fail(c, "unavailable", archived.status().ToString());
  return Look(*engine_, c, [&](const state::State& s) {
    const programme::Enterprise* e = s.registry().FindEnterprise(EnterpriseId(*id));
    if (e == nullptr) return Fail(c, "not_found", "no enterprise " + std::to_string(*id));
    return Reply({{"enterprise", *id},
                  {"enterprise_name", e->name},
                  {"vouchers", Vouchers(s, e->id, now, *archived)},
                  {"caps", Caps(s, *e, now)},
                  {"bill", Bill(s, *mine, *month, *archived)}});
  });
}

Answer Service::ProviderMoney(Call& c) {
  const auto id = PathId(c, "id");
  if (!id) return Fail(c, "invalid_field", "the provider id must be a positive number");
  if (c.who.role == Role::kProvider && c.who.scope != *id) {
    return Forbidden(c, "read another provider's money");
  }
  if (!Is(c, {Role::kProvider, Role::kAdmin, Role::kAuditor})) {
    return Forbidden(c, "read a provider's money");
  }
  // The answer depends on the state and the path only (the caller was
  // checked above): kept until the next change, like the inbox.
  return CachedRead(c, [&] { return ProviderMoneyNow(c, *id); });
}

HttpResponse Service::ProviderMoneyNow(Call& c, uint64_t id) {
  return Look(*engine_, c, [&](const state::State& s) {
    const programme::Provider* p = s.registry().FindProvider(ProviderId(id));
    if (p == nullptr) return Fail(c, "not_found", "no provider " + std::to_string(id));
    Json items = Json::array();
    Money owed{};
    for (const settlement::Receivable& r :
         settlement::Receivables(s.settlement(), s.registry(), s.book(), p->id)) {
      Json statements = Json::array();
      for (const settlement::ProviderStatement& st : r.statements) {
        statements.push_back({{"period", settlement::PeriodName(st.period)},
                              {"status", settlement::StatementStatusName(st.status)},
                              {"amount", MoneyJson(st.amount)},
                              {"closed_at", TimeJson(st.closed_at)},
                              {"approved_at", TimeJson(st.approved_at)},
                              {"paid_at", TimeJson(st.paid_at)},
                              {"paid_on", TimeJson(st.paid_on)},
                              {"bank_reference", st.bank_reference}});
      }
      const programme::ProgrammeRules* rules = s.registry().FindProgramme(r.programme);
      owed = Plus(owed, Plus(Plus(r.open, r.payable), r.approved));
      items.push_back({{"programme", r.programme.value()},
                       {"programme_name", rules == nullptr ? "" : rules->name},
                       {"planned", MoneyJson(r.planned)},
                       {"open", MoneyJson(r.open)},
                       {"payable", MoneyJson(r.payable)},
                       {"approved", MoneyJson(r.approved)},
                       {"paid", MoneyJson(r.paid)},
                       {"statements", std::move(statements)}});
    }
    return Reply({{"provider", id},
                  {"provider_name", p->name},
                  {"owed", MoneyJson(owed)},
                  {"programmes", std::move(items)}});
  });
}

}  // namespace bg::api
