#include "settlement/export.h"

#include <cstdio>

#include <nlohmann/json.hpp>

namespace bg::settlement {
namespace {

// A CSV field, quoted when it holds a comma, a quote or a line break.
std::string Field(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string PayeeName(const Statement& st, const programme::Registry& registry) {
  if (st.payee_kind == PayeeKind::kProvider) {
    const programme::Provider* p = registry.FindProvider(ProviderId(st.payee));
    return p == nullptr ? std::to_string(st.payee) : p->name;
  }
  const programme::Enterprise* e = registry.FindEnterprise(EnterpriseId(st.payee));
  return e == nullptr ? std::to_string(st.payee) : e->name;
}

std::string CityName(JurisdictionId id, const programme::Registry& registry) {
  const programme::Jurisdiction* j = registry.FindJurisdiction(id);
  return j == nullptr ? std::to_string(id.value()) : j->code;
}

std::string Iso(Timestamp at) {
  const auto secs = static_cast<long long>(at / kNanosPerSecond);  // NOLINT(google-runtime-int)
  const std::time_t t = static_cast<std::time_t>(secs);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

nlohmann::json MoneyJson(Money m) { return {{"fen", m.fen()}, {"yuan", m.ToYuanString()}}; }

// An instant, or null when it has not happened (0).
nlohmann::json When(Timestamp at) {
  return at == 0 ? nlohmann::json(nullptr) : nlohmann::json(Iso(at));
}
nlohmann::json TextOrNull(const std::string& s) {
  return s.empty() ? nlohmann::json(nullptr) : nlohmann::json(s);
}

// A value date (midnight China Standard Time) as YYYY-MM-DD.
nlohmann::json Day(Timestamp midnight_cst) {
  if (midnight_cst == 0) return nullptr;
  return Iso(midnight_cst + Timestamp{8} * 3600 * kNanosPerSecond).substr(0, 10);
}

// A programme's name beside its id ("" for one not registered).
std::string ProgrammeName(ProgrammeId id, const programme::Registry& registry) {
  const programme::ProgrammeRules* rules = registry.FindProgramme(id);
  return rules == nullptr ? std::string() : rules->name;
}

}  // namespace

std::string StatementsCsv(const std::vector<Statement>& statements,
                          const programme::Registry& registry) {
  std::string out =
      "programme,period,payee_kind,payee,closed,status,at,order,enterprise,provider,pool,city,"
      "card_hours,price_yuan,charge_yuan,subsidy_yuan,copay_yuan\r\n";
  for (const Statement& st : statements) {
    const programme::ProgrammeRules* rules = registry.FindProgramme(st.programme);
    for (const StatementLine& l : st.lines) {
      char hours[32];
      std::snprintf(hours, sizeof hours, "%.4f", static_cast<double>(l.line.card_seconds) / 3600);
      out += Field(rules == nullptr ? std::to_string(st.programme.value()) : rules->name) + "," +
             PeriodName(st.period) + "," +
             (st.payee_kind == PayeeKind::kProvider ? "provider" : "enterprise") + "," +
             Field(PayeeName(st, registry)) + "," + (st.closed ? "yes" : "no") + "," +
             StatementStatusName(st.status()) + "," + Iso(l.line.at) + "," +
             std::to_string(l.line.order.value()) + "," +
             std::to_string(l.line.enterprise.value()) + "," +
             std::to_string(l.line.provider.value()) + "," + std::to_string(l.line.pool.value()) +
             "," + Field(CityName(l.line.city, registry)) + "," + hours + "," +
             l.line.price.ToYuanString() + "," + l.line.charge.ToYuanString() + "," +
             l.subsidy.ToYuanString() + "," + l.line.copay.ToYuanString() + "\r\n";
    }
  }
  return out;
}

namespace {

// A line; `job` is its order when a job ran it (a direct order's line has
// no pool).
nlohmann::json LineJson(const StatementLine& l, const programme::Registry& registry) {
  const programme::Enterprise* e = registry.FindEnterprise(l.line.enterprise);
  const programme::Jurisdiction* city = registry.FindJurisdiction(l.line.city);
  return {{"at", Iso(l.line.at)},
          {"order", l.line.order.value()},
          {"job",
           l.line.pool.is_zero() ? nlohmann::json(nullptr) : nlohmann::json(l.line.order.value())},
          {"enterprise", l.line.enterprise.value()},
          {"enterprise_name", e == nullptr ? std::string() : e->name},
          {"provider", l.line.provider.value()},
          {"pool", l.line.pool.value()},
          {"city", CityName(l.line.city, registry)},
          {"city_name", city == nullptr ? std::string() : city->name},
          {"city_name_zh", city == nullptr ? std::string() : city->name_zh},
          {"card_seconds", l.line.card_seconds},
          {"price", MoneyJson(l.line.price)},
          {"charge", MoneyJson(l.line.charge)},
          {"subsidy", MoneyJson(l.subsidy)},
          {"copay", MoneyJson(l.line.copay)}};
}

nlohmann::json StatementJson(const Statement& st, const programme::Registry& registry,
                             bool with_lines) {
  nlohmann::json lines = nullptr;
  if (with_lines) {
    lines = nlohmann::json::array();
    for (const StatementLine& l : st.lines) lines.push_back(LineJson(l, registry));
  }
  return {{"programme", st.programme.value()},
          {"programme_name", ProgrammeName(st.programme, registry)},
          {"period", PeriodName(st.period)},
          {"payee_kind", st.payee_kind == PayeeKind::kProvider ? "provider" : "enterprise"},
          {"payee", st.payee},
          {"payee_name", PayeeName(st, registry)},
          {"closed", st.closed},
          {"status", StatementStatusName(st.status())},
          {"closed_at", When(st.closed_at)},
          {"closed_by", TextOrNull(st.closed_by)},
          {"approved_at", When(st.paid.approved_at)},
          {"approved_by", TextOrNull(st.paid.approved_by)},
          {"paid_at", When(st.paid.paid_at)},
          {"paid_by", TextOrNull(st.paid.paid_by)},
          {"paid_on", Day(st.paid.paid_on)},
          {"bank_reference", TextOrNull(st.paid.bank_reference)},
          {"payment_transfer", st.payment.value()},
          {"settle_transfer", st.paid.settle.value()},
          {"card_seconds", st.card_seconds},
          {"charge", MoneyJson(st.charge)},
          {"subsidy", MoneyJson(st.subsidy)},
          {"copay", MoneyJson(st.copay)},
          {"line_count", st.line_count},
          {"lines", std::move(lines)}};
}

}  // namespace

std::string StatementHeadJson(const Statement& st, const programme::Registry& registry) {
  nlohmann::json head = StatementJson(st, registry, false);
  head.erase("lines");
  return head.dump();
}

std::string StatementLinesJson(const Statement& st, const programme::Registry& registry,
                               size_t from, size_t to) {
  nlohmann::json lines = nlohmann::json::array();
  for (size_t i = from; i < to && i < st.lines.size(); ++i) {
    lines.push_back(LineJson(st.lines[i], registry));
  }
  return lines.dump(2) + "\n";
}

std::string StatementsJson(const std::vector<Statement>& statements,
                           const programme::Registry& registry, bool with_lines) {
  nlohmann::json all = nlohmann::json::array();
  for (const Statement& st : statements) all.push_back(StatementJson(st, registry, with_lines));
  return all.dump(2) + "\n";
}

std::string FlowsCsv(const std::vector<Flow>& flows, const programme::Registry& registry) {
  std::string out = "issuer,city,orders,card_hours,subsidy_yuan\r\n";
  for (const Flow& f : flows) {
    char hours[32];
    std::snprintf(hours, sizeof hours, "%.4f", static_cast<double>(f.card_seconds) / 3600);
    out += Field(CityName(f.issuer, registry)) + "," + Field(CityName(f.city, registry)) + "," +
           std::to_string(f.orders) + "," + hours + "," + f.subsidy.ToYuanString() + "\r\n";
  }
  return out;
}

std::string FlowsJson(const std::vector<Flow>& flows, const programme::Registry& registry) {
  nlohmann::json all = nlohmann::json::array();
  for (const Flow& f : flows) {
    all.push_back({{"issuer", CityName(f.issuer, registry)},
                   {"city", CityName(f.city, registry)},
                   {"orders", f.orders},
                   {"card_seconds", f.card_seconds},
                   {"subsidy", MoneyJson(f.subsidy)}});
  }
  return all.dump(2) + "\n";
}

}  // namespace bg::settlement
