// Closing periods and paying statements, flows and audit cases (the
// statements list is in routes_statements.cc).
#include <algorithm>
#include <cstdio>
#include <string_view>

#include "api/handlers.h"
#include "api/list_query.h"
#include "api/service.h"
#include "api/views.h"
#include "engine/audit.h"
#include "settlement/export.h"
#include "storage/open.h"

namespace bg::api {
namespace {

// The answer to a step of the statements (close, approve, pay): 201 when it
// changed something, 200 for a repeat, else the refusal.
Then StatementsAnswer(const Call& c, uint64_t programme, const settlement::Period& period,
                      const char* amount_key) {
  return [&c, programme, period, amount_key](const state::State&, const state::CommandResult& r) {
    const auto& out = std::get<settlement::Outcome>(r);
    if (!out.ok()) return Fail(c, settlement::CodeName(out.code), out.message);
    const bool repeat = out.code != settlement::Code::kOk;
    return Reply({{"programme", programme},
                  {"period", settlement::PeriodName(period)},
                  {"statements", out.statements},
                  {amount_key, MoneyJson(out.paid)},
                  {"repeat", repeat},
                  {"message", out.message}},
                 repeat ? 200 : 201);
  };
}

// The stage a step needs, as a refusal's words.
HttpResponse NotYourStep(const Call& c, const char* step, const char* stages) {
  return Forbidden(c, std::string(step) +
                          " this programme's statements (an operator token of "
                          "the programme with stage " +
                          stages + " does)");
}

}  // namespace

Answer Service::CloseStatements(Call& c) {
  Fields f(c.body);
  const auto programme = f.Id("programme");
  const auto period_text = f.Str("period", true, 16);
  if (!f.Done()) return Fail(c, f.code(), f.detail());
  using S = access::TokenStage;
  if (!TakesStep(c, *programme, {S::kReviewer, S::kApprover})) {
    return NotYourStep(c, "close", "reviewer or approver");
  }
  const auto period = settlement::ParsePeriod(*period_text);
  if (!period) return Fail(c, "invalid_field", "period is YYYY-MM or YYYY-Qn");
  return Answer(
      state::CloseStatement{
          .programme = ProgrammeId(*programme), .period = *period, .actor = c.who.name},
      StatementsAnswer(c, *programme, *period, "held"));
}

Answer Service::ApproveStatements(Call& c) {
  Fields f(c.body);
  const auto programme = f.Id("programme");
  const auto period_text = f.Str("period", true, 16);
  const auto payee = f.Id("payee", false);
  if (!f.Done()) return Fail(c, f.code(), f.detail());
  if (!TakesStep(c, *programme, {access::TokenStage::kFinance})) {
    return NotYourStep(c, "approve", "finance");
  }
  const auto period = settlement::ParsePeriod(*period_text);
  if (!period) return Fail(c, "invalid_field", "period is YYYY-MM or YYYY-Qn");
  return Answer(state::ApproveStatement{.programme = ProgrammeId(*programme),
                                        .period = *period,
                                        .payee = payee.value_or(0),
                                        .actor = c.who.name},
                StatementsAnswer(c, *programme, *period, "approved"));
}

Answer Service::PayStatements(Call& c) {
  Fields f(c.body);
  const auto programme = f.Id("programme");
  const auto period_text = f.Str("period", true, 16);
  const auto payee = f.Id("payee");
  const auto reference = f.Str("bank_reference", true, settlement::kMaxBankReference);
  const auto paid_on_text = f.Str("paid_on", true, 16);
  if (!f.Done()) return Fail(c, f.code(), f.detail());
  if (!TakesStep(c, *programme, {access::TokenStage::kFinance})) {
    return NotYourStep(c, "pay", "finance");
  }
  const auto period = settlement::ParsePeriod(*period_text);
  if (!period) return Fail(c, "invalid_field", "period is YYYY-MM or YYYY-Qn");
  const auto paid_on = settlement::ParseDay(*paid_on_text);
  if (!paid_on) return Fail(c, "invalid_field", "paid_on is a date, YYYY-MM-DD");
  return Answer(state::PayStatement{.programme = ProgrammeId(*programme),
                                    .period = *period,
                                    .payee = *payee,
                                    .bank_reference = *reference,
                                    .paid_on = *paid_on,
                                    .actor = c.who.name},
                StatementsAnswer(c, *programme, *period, "paid"));
}

Answer Service::ListFlows(Call& c) {
  if (!Is(c, {Role::kAdmin, Role::kAuditor, Role::kOperator})) return Forbidden(c, "read flows");
  Timestamp from = 0;
  Timestamp to = std::numeric_limits<Timestamp>::max();
  for (const char* key : {"from", "to"}) {
    auto it = c.request.query.find(key);
    if (it == c.request.query.end()) continue;
    const auto p = settlement::ParsePeriod(it->second);
    if (!p) return Fail(c, "invalid_field", std::string(key) + " is YYYY-MM or YYYY-Qn");
    if (std::string(key) == "from") {
      from = settlement::PeriodStart(*p);
    } else {
      to = settlement::PeriodEnd(*p);
    }
  }
  const std::string format =
      c.request.query.count("format") ? c.request.query.at("format") : "json";
  if (format != "json" && format != "csv") {
    return Fail(c, "invalid_field", "format is json or csv");
  }
  if (HttpResponse fail; !WholeFileIsNotPaged(c, format, &fail)) return fail;
  return Look(*engine_, c, [&](const state::State& s) {
    Result<std::vector<settlement::Flow>> read = s.settlement().Flows(from, to);
    if (!read.ok()) return Fail(c, "unavailable", read.status().ToString());
    std::vector<settlement::Flow>& flows = *read;
    if (format == "csv") {
      return Text(settlement::FlowsCsv(flows, s.registry()), "text/csv; charset=utf-8");
    }
    std::sort(flows.begin(), flows.end(), [](const auto& a, const auto& b) {
      return std::pair(a.issuer, a.city) < std::pair(b.issuer, b.city);
    });
    auto key = [&](size_t i) {
      return Cursor("f", flows[i].issuer.value(), flows[i].city.value());
    };
    size_t first = 0;
    size_t last = 0;
    std::string next;
    HttpResponse fail;
    if (!Slice(c, "f", flows.size(), key, &first, &last, &next, &fail)) return fail;
    const std::vector<settlement::Flow> page(flows.begin() + static_cast<std::ptrdiff_t>(first),
                                             flows.begin() + static_cast<std::ptrdiff_t>(last));
    return PageOf(settlement::FlowsJson(page, s.registry()), next);
  });
}

Answer Service::ListCases(Call& c) {
  if (!Is(c, {Role::kAdmin, Role::kAuditor})) return Forbidden(c, "read audit cases");
  // Paged like the other lists: ?limit= and ?after=<case id>.
  HttpResponse fail;
  const std::optional<size_t> limit = PageLimit(c, &fail);
  if (!limit) return fail;
  bool bad = false;
  const std::optional<uint64_t> after = QueryId(c, "after", &bad);
  if (bad) return Fail(c, "invalid_field", "after must be an id");
  std::optional<std::vector<fraud::Kind>> kinds;
  if (!QueryChoices(c, "kind", fraud::kKindNames, &kinds, &fail)) return fail;
  const std::string state = c.request.query.count("state") ? c.request.query.at("state") : "";
  if (!state.empty() && state != "open" && state != "closed") {
    return Fail(c, "invalid_field", "state is open or closed");
  }
  auto keep = [&](const fraud::Case& k) {
    if (!state.empty() && k.closed != (state == "closed")) return false;
    return !kinds || std::find(kinds->begin(), kinds->end(), k.finding.kind) != kinds->end();
  };
  return Look(*engine_, c, [&](const state::State& s) {
    Json items = Json::array();
    const auto& all = s.cases().cases();
    auto from = after ? all.upper_bound(*after) : all.begin();
    std::optional<uint64_t> next;
    for (auto it = from; it != all.end(); ++it) {
      if (items.size() == *limit) {
        next = std::prev(it)->first;
        break;
      }
      const auto& [id, k] = *it;
      if (!keep(k)) continue;
      items.push_back({{"id", id},
                       {"kind", fraud::KindName(k.finding.kind)},
                       {"subject", k.finding.subject},
                       {"detail", k.finding.detail},
                       {"opened_at", TimeJson(k.opened_at)},
                       {"closed", k.closed},
                       {"closed_by", k.closed_by},
                       {"resolution", k.resolution}});
    }
    return Reply({{"items", std::move(items)}, {"next_after", next ? Json(*next) : Json(nullptr)}});
  });
}

Answer Service::ScanForFraud(Call& c) {
  if (!Is(c, {Role::kAdmin, Role::kAuditor})) return Forbidden(c, "run the fraud scan");
  Fields f(c.body);
  if (!f.Done()) return Fail(c, f.code(), f.detail());
  return Answer(state::ScanForFraud{}, [](const state::State&, const state::CommandResult& r) {
    return Reply({{"opened", std::get<fraud::Outcome>(r).opened}});
  });
}

// Its type is the route table's (Answer (Service::*)(Call&)), const or not.
// NOLINTNEXTLINE(readability-make-member-function-const)
Answer Service::VerifyJournal(Call& c) {
  if (!Is(c, {Role::kAdmin, Role::kAuditor})) return Forbidden(c, "verify the journal");
  Fields f(c.body);
  if (!f.Done()) return Fail(c, f.code(), f.detail());
  if (options_.db.empty()) {
    return Fail(c, "unavailable", "this server has no database to verify");
  }
  // A read-only store of its own: one consistent view of the database
  // (SQLite's WAL read, PostgreSQL's REPEATABLE READ) while the engine writes.
  auto store = storage::OpenReader(options_.db);
  if (!store.ok()) return Fail(c, "unavailable", store.status().ToString());
  Result<engine::AuditReport> r = engine::AuditStore(**store);
  if (!r.ok()) return Fail(c, "unavailable", r.status().ToString());
  return Reply({{"ok", r->ok()},
                {"entries", r->entries},
                {"commands", r->commands},
                {"usage_records", r->usage_records},
                {"snapshot_checked", r->snapshot_checked},
                {"snapshot_unreadable", r->snapshot_unreadable},
                {"accounts_checked", r->accounts_checked},
                {"archived_checked", r->archived_checked},
                {"bad_seq", r->bad_seq},
                {"problem", r->problem}});
}

Answer Service::CloseCase(Call& c) {
  if (!Is(c, {Role::kAdmin, Role::kAuditor})) return Forbidden(c, "close audit cases");
  const auto id = PathId(c, "id");
  if (!id) return Fail(c, "invalid_field", "the case id must be a positive number");
  Fields f(c.body);
  const auto resolution = f.Str("resolution", true);
  if (!f.Done()) return Fail(c, f.code(), f.detail());
  return Answer(state::CloseAuditCase{.id = *id, .actor = c.who.name, .resolution = *resolution},
                [&c, id = *id](const state::State&, const state::CommandResult& r) {
                  const auto& out = std::get<fraud::Outcome>(r);
                  if (out.code != fraud::Code::kOk) {
                    return Fail(c, fraud::CodeName(out.code), out.message);
                  }
                  return Reply({{"id", id}, {"closed", true}});
                });
}

}  // namespace bg::api
