// The statements list (GET /v1/statements): one period's statements of a
// programme (an open period's as they stand now), or, without a period,
// the statements of every closed period — finance's queue
// (`?status=payable` to approve, `?status=approved` to pay), oldest period
// first. Filters narrow by status and payee; `counts` and `totals` give the
// statements and their subsidy per status before the status filter, so a
// queue shows what waits at each step.
//
// A page is cut from small references (programme, period, payee, status,
// amount) read from the closed periods' payments; only the statements on
// the page are made from their charge lines.
#include <algorithm>
#include <map>
#include <string_view>

#include "api/handlers.h"
#include "api/list_query.h"
#include "api/service.h"
#include "common/check.h"
#include "programme/book_util.h"
#include "settlement/export.h"

namespace bg::api {
namespace {

using programme::book::Plus;
using settlement::PayeeKind;
using settlement::Period;
using settlement::Statement;
using settlement::StatementStatus;

// The filters, after the caller's scope narrowed them.
struct StatementQuery {
  std::optional<uint64_t> programme;
  std::optional<Period> period;
  std::optional<std::vector<StatementStatus>> statuses;
  std::optional<uint64_t> provider, enterprise;
  std::string format = "json";
  bool with_lines = true;
};

// One payee's statement, as much as the filters and the order need.
struct Ref {
  ProgrammeId programme{};
  Period period;
  PayeeKind kind = PayeeKind::kProvider;
  uint64_t payee = 0;
  StatementStatus status = StatementStatus::kOpen;
  Money subsidy{};
};

// The list's order: period (by its first month; a month before the quarter
// it starts), then programme, then payee. Programme ids are counted from 1,
// so 40 bits are plenty; payee ids are below 2^54.
uint64_t OrderKey(const Ref& r) {
  const uint64_t first_month =
      r.period.kind == settlement::PeriodKind::kMonth ? r.period.number : 3U * r.period.number - 2U;
  const uint64_t code = ((static_cast<uint64_t>(r.period.year) * 12U + first_month - 1U) << 1U) |
                        static_cast<uint64_t>(r.period.kind);
  BG_CHECK(r.programme.value() < (uint64_t{1} << 40U)) << "programme id " << r.programme.value();
  return (code << 40U) | r.programme.value();
}
uint64_t PayeeKey(const Ref& r) { return (static_cast<uint64_t>(r.kind) << 62U) | r.payee; }

// ?period=YYYY-MM or YYYY-Qn; nothing when absent.
bool QueryPeriod(const Call& c, std::optional<Period>* period, HttpResponse* fail) {
  auto it = c.request.query.find("period");
  if (it == c.request.query.end()) return true;
  *period = settlement::ParsePeriod(it->second);
  if (!*period) *fail = Fail(c, "invalid_field", "period is YYYY-MM or YYYY-Qn");
  return period->has_value();
}

// Reads the query; false and a problem in *fail when a parameter is bad.
bool ReadQuery(const Call& c, StatementQuery* q, HttpResponse* fail) {
  if (!QueryIdParam(c, "programme", &q->programme, fail) ||
      !QueryChoices(c, "status", settlement::kStatementStatusNames, &q->statuses, fail) ||
      !QueryIdParam(c, "provider", &q->provider, fail) ||
      !QueryIdParam(c, "enterprise", &q->enterprise, fail)) {
    return false;
  }
  if (!QueryPeriod(c, &q->period, fail)) return false;
  const auto& query = c.request.query;
  if (auto it = query.find("format"); it != query.end()) q->format = it->second;
  const std::string lines = query.count("lines") ? query.at("lines") : "true";
  if ((q->format != "json" && q->format != "csv") || (lines != "true" && lines != "false")) {
    *fail = Fail(c, "invalid_field", "format is json or csv, lines is true or false");
    return false;
  }
  q->with_lines = lines == "true";
  if (q->provider && q->enterprise) {
    *fail = Fail(c, "invalid_field",
                 "a statement has one payee: give provider or enterprise, not both");
    return false;
  }
  return WholeFileIsNotPaged(c, q->format, fail);
}

// Narrows the query to the caller's scope: an operator reads its
// programme's statements, a provider or enterprise the ones it is the
// payee of. False and a 403 when the query asks for more.
bool Narrow(const Call& c, StatementQuery* q, HttpResponse* fail) {
  auto own = [&](std::optional<uint64_t>* field, std::optional<uint64_t>* other, const char* what) {
    if ((*field && **field != c.who.scope) || *other) {
      *fail = Forbidden(c, std::string("read statements not paid to this ") + what);
      return false;
    }
    *field = c.who.scope;
    return true;
  };
  switch (c.who.role) {
    case Role::kAdmin:
    case Role::kAuditor:
      return true;
    case Role::kOperator:
      if (q->programme && *q->programme != c.who.scope) {
        *fail = Forbidden(c, "read this programme's statements");
        return false;
      }
      q->programme = c.who.scope;
      return true;
    case Role::kProvider:
      return own(&q->provider, &q->enterprise, "provider");
    case Role::kExpert:
      break;
    case Role::kEnterprise:
      return own(&q->enterprise, &q->provider, "enterprise");
  }
  *fail = Forbidden(c, "read statements");
  return false;
}

bool Wanted(const StatementQuery& q, const Ref& r) {
  if (q.provider && (r.kind != PayeeKind::kProvider || r.payee != *q.provider)) return false;
  return !q.enterprise || (r.kind == PayeeKind::kEnterprise && r.payee == *q.enterprise);
}

// Every statement the query's programme and period name, before the payee
// and status filters: one period's (open or closed), or every closed one's.
std::vector<Ref> Candidates(const state::State& s, const StatementQuery& q) {
  std::vector<Ref> out;
  if (q.period) {
    for (const Statement& st :
         s.settlement().Statements(ProgrammeId(*q.programme), *q.period, s.registry(),
                                   /*with_lines=*/false)) {
      out.push_back({st.programme, st.period, st.payee_kind, st.payee, st.status(), st.subsidy});
    }
    return out;
  }
  for (const auto& [key, closed] : s.settlement().closed()) {
    if (q.programme && key.first.value() != *q.programme) continue;
    for (const settlement::Payment& p : closed.payments) {
      out.push_back({key.first, key.second, static_cast<PayeeKind>(p.payee_kind), p.payee, p.status,
                     p.amount});
    }
  }
  return out;
}

// A statement whose lines that left memory the archive could not give back.
HttpResponse LinesUnreadable(const Call& c, const Statement& st) {
  return Fail(c, "unavailable",
              "the charge lines of " + settlement::PeriodName(st.period) +
                  " that left memory could not be read from the archive; try again");
}

// The full statements of `refs` (with their lines when `with_lines`), in
// their order; each period's lines are read once.
std::vector<Statement> Materialize(const state::State& s, const std::vector<const Ref*>& refs,
                                   bool with_lines) {
  std::map<settlement::Settlement::Key, std::vector<Statement>> periods;
  std::vector<Statement> out;
  out.reserve(refs.size());
  for (const Ref* r : refs) {
    auto [it, fresh] = periods.try_emplace({r->programme, r->period});
    if (fresh) {
      it->second = s.settlement().Statements(r->programme, r->period, s.registry(), with_lines);
    }
    const std::vector<Statement>& all = it->second;
    auto found = std::find_if(all.begin(), all.end(), [&](const Statement& st) {
      return st.payee_kind == r->kind && st.payee == r->payee;
    });
    BG_CHECK(found != all.end()) << "a closed payment without its statement: programme "
                                 << r->programme.value() << " payee " << r->payee;
    out.push_back(*found);
  }
  return out;
}

HttpResponse StatementList(const Call& c, const state::State& s, const StatementQuery& q) {
  if (q.programme && s.registry().FindProgramme(ProgrammeId(*q.programme)) == nullptr) {
    return Fail(c, "unknown_programme", "no programme " + std::to_string(*q.programme));
  }
  std::vector<Ref> all = Candidates(s, q);
  std::erase_if(all, [&](const Ref& r) { return !Wanted(q, r); });
  Json counts = Json::object();
  Json totals = Json::object();
  for (const auto& [name, status] : settlement::kStatementStatusNames) {
    uint64_t n = 0;
    Money sum{};
    for (const Ref& r : all) {
      if (r.status != status) continue;
      ++n;
      sum = Plus(sum, r.subsidy);
    }
    counts[std::string(name)] = n;
    totals[std::string(name)] = MoneyJson(sum);
  }
  if (q.statuses) {
    std::erase_if(all, [&](const Ref& r) {
      return std::find(q.statuses->begin(), q.statuses->end(), r.status) == q.statuses->end();
    });
  }
  std::sort(all.begin(), all.end(), [](const Ref& a, const Ref& b) {
    return std::pair(OrderKey(a), PayeeKey(a)) < std::pair(OrderKey(b), PayeeKey(b));
  });
  size_t from = 0;
  size_t to = all.size();
  std::string next;
  if (q.format == "json") {
    auto key = [&](size_t i) { return Cursor("s", OrderKey(all[i]), PayeeKey(all[i])); };
    if (HttpResponse fail; !Slice(c, "s", all.size(), key, &from, &to, &next, &fail)) return fail;
  }
  std::vector<const Ref*> page;
  page.reserve(to - from);
  for (size_t i = from; i < to; ++i) page.push_back(&all[i]);
  const bool with_lines = q.format == "csv" || q.with_lines;
  const std::vector<Statement> statements = Materialize(s, page, with_lines);
  if (with_lines) {
    for (const Statement& st : statements) {
      if (st.lines.size() != st.line_count) return LinesUnreadable(c, st);
    }
  }
  if (q.format == "csv") {
    return Text(settlement::StatementsCsv(statements, s.registry()), "text/csv; charset=utf-8");
  }
  return PageOf(settlement::StatementsJson(statements, s.registry(), q.with_lines), next,
                Json{{"counts", std::move(counts)}, {"totals", std::move(totals)}});
}

// One payee's statement with a page of its lines (cursor "l-<index>": a
// closed statement's lines never change, an open one's only grow at the
// end of each order's run, so an index stays right for a page).
HttpResponse LinesOf(const Call& c, const state::State& s, const StatementQuery& q) {
  const ProgrammeId programme(*q.programme);
  if (s.registry().FindProgramme(programme) == nullptr) {
    return Fail(c, "unknown_programme", "no programme " + std::to_string(*q.programme));
  }
  const PayeeKind kind = q.provider ? PayeeKind::kProvider : PayeeKind::kEnterprise;
  const uint64_t payee = q.provider ? *q.provider : *q.enterprise;
  const std::vector<Statement> all = s.settlement().Statements(programme, *q.period, s.registry());
  auto st = std::find_if(all.begin(), all.end(), [&](const Statement& one) {
    return one.payee_kind == kind && one.payee == payee;
  });
  if (st == all.end()) {
    return Fail(c, "not_found",
                std::string("no statement of programme ") + std::to_string(*q.programme) + " for " +
                    (q.provider ? "provider " : "enterprise ") + std::to_string(payee) + " in " +
                    settlement::PeriodName(*q.period));
  }
  if (st->lines.size() != st->line_count) return LinesUnreadable(c, *st);
  size_t from = 0;
  size_t to = 0;
  std::string next;
  auto key = [](size_t i) { return Cursor("l", i); };
  if (HttpResponse fail; !Slice(c, "l", st->lines.size(), key, &from, &to, &next, &fail)) {
    return fail;
  }
  return PageOf(settlement::StatementLinesJson(*st, s.registry(), from, to), next,
                Json::parse(settlement::StatementHeadJson(*st, s.registry())));
}

}  // namespace

Answer Service::StatementLines(Call& c) {
  StatementQuery q;
  if (HttpResponse fail;
      !QueryIdParam(c, "programme", &q.programme, &fail) || !QueryPeriod(c, &q.period, &fail) ||
      !QueryIdParam(c, "provider", &q.provider, &fail) ||
      !QueryIdParam(c, "enterprise", &q.enterprise, &fail) || !Narrow(c, &q, &fail)) {
    return fail;
  }
  if (!q.programme || !q.period || q.provider.has_value() == q.enterprise.has_value()) {
    return Fail(c, "invalid_field",
                "a statement is one programme's, one period's and one payee's: give programme, "
                "period, and provider or enterprise");
  }
  return Look(*engine_, c, [&](const state::State& s) { return LinesOf(c, s, q); });
}

Answer Service::GetStatements(Call& c) {
  StatementQuery q;
  if (HttpResponse fail; !ReadQuery(c, &q, &fail) || !Narrow(c, &q, &fail)) return fail;
  if (q.period && !q.programme) {
    return Fail(c, "invalid_field",
                "a period's statements are a programme's: give programme with period (or "
                "leave out period for every closed period's)");
  }
  return Look(*engine_, c, [&](const state::State& s) { return StatementList(c, s, q); });
}

}  // namespace bg::api
