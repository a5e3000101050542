// A programme's life over the API (programme/lifecycle.h): amendments as
// new versions, top-ups, cuts, suspension, resumption, the close and the
// provider list. Each answers with the programme as GET /v1/programmes/{id}
// shows it: its status, the version in force, every version and its
// history.
#include <array>
#include <string_view>

#include "api/handlers.h"
#include "api/service.h"
#include "api/views.h"
#include "programme/pacing.h"

namespace bg::api {
namespace {

using programme::ProgrammeAction;

// What every version of a programme shares: an amendment does not send it.
constexpr std::array<std::string_view, 9> kShared = {
    "id",         "name",       "kind",      "issuer", "total_budget_fen",
    "redemption", "settlement", "providers", "review"};

// The programme's operator with an approver's stage, or an admin.
bool MayChange(const Call& c, uint64_t programme) {
  return TakesStep(c, programme, {access::TokenStage::kApprover});
}

HttpResponse MayNot(const Call& c, const std::string& what) {
  return Forbidden(c, what + " (an operator token of the programme with stage approver does)");
}

// The answer to a change: the programme as it is now, or the refusal.
Then ProgrammeAnswer(const Call& c, uint64_t id, Timestamp now) {
  return [&c, id, now](const state::State& s, const state::CommandResult& r) {
    const auto& out = std::get<programme::Outcome>(r);
    if (!out.ok()) return Fail(c, programme::CodeName(out.code), out.message);
    return Reply(ProgrammeDetail(s, ProgrammeId(id), now, true));
  };
}

Json PacingMonthJson(const programme::PacingMonth& m) {
  return {{"month", settlement::PeriodName(
                        {settlement::PeriodKind::kMonth, m.year, static_cast<uint8_t>(m.month)})},
          {"granted", MoneyJson(m.granted)},
          {"automatic", MoneyJson(m.automatic)},
          {"spent", MoneyJson(m.spent)},
          {"held", MoneyJson(m.held)},
          {"lapsed", MoneyJson(m.lapsed)},
          {"returned", MoneyJson(m.returned)},
          {"clawed_back", MoneyJson(m.clawed_back)},
          {"topped_up", MoneyJson(m.topped_up)},
          {"cut", MoneyJson(m.cut)},
          {"uncommitted_after", MoneyJson(m.uncommitted_after)}};
}

Json SlicesJson(const std::vector<programme::PacingSlice>& slices, const char* key) {
  Json out = Json::array();
  for (const programme::PacingSlice& s : slices) {
    out.push_back({{key, s.key}, {"subsidy", MoneyJson(s.subsidy)}});
  }
  return out;
}

Json PacingJson(const programme::Pacing& p, const std::string& name, Timestamp now) {
  Json months = Json::array();
  for (const programme::PacingMonth& m : p.months) months.push_back(PacingMonthJson(m));
  Json caps = Json::array();
  for (const programme::CapUse& u : p.caps) {
    Json cap = {{"enterprise", u.enterprise.value()},
                {"enterprise_name", u.name},
                {"used", MoneyJson(u.used)},
                {"group_used", MoneyJson(u.group_used)},
                {"cap", u.cap ? MoneyJson(*u.cap) : Json(nullptr)},
                {"left", u.cap ? MoneyJson(u.group_used >= *u.cap
                                               ? Money{}
                                               : Money::Fen(u.cap->fen() - u.group_used.fen()))
                               : Json(nullptr)}};
    caps.push_back(std::move(cap));
  }
  const double sme_share =
      p.total.is_zero() ? 0.0
                        : static_cast<double>(p.sme.fen()) / static_cast<double>(p.total.fen());
  return {{"programme", p.programme.value()},
          {"programme_name", name},
          {"as_of", TimeJson(now)},
          {"funded", MoneyJson(p.funded)},
          {"uncommitted", MoneyJson(p.uncommitted)},
          {"months", std::move(months)},
          {"pace_per_day", MoneyJson(p.pace_per_day)},
          {"pace_window_days", programme::kPaceWindowDays},
          {"exhausted_at", p.exhausted_at ? TimeJson(*p.exhausted_at) : Json(nullptr)},
          {"subsidy", MoneyJson(p.total)},
          {"by_category", SlicesJson(p.by_category, "category")},
          {"by_city", SlicesJson(p.by_city, "city")},
          {"sme", MoneyJson(p.sme)},
          {"sme_share", sme_share},
          {"cap_year", p.cap_year},
          {"caps", std::move(caps)}};
}

// The months as CSV, yuan with two decimals: what a bureau's spreadsheet
// reads.
std::string PacingCsv(const programme::Pacing& p) {
  std::string out =
      "month,granted,automatic,spent,held,lapsed,returned,clawed_back,topped_up,cut,"
      "uncommitted_after\n";
  for (const programme::PacingMonth& m : p.months) {
    out += settlement::PeriodName(
        {settlement::PeriodKind::kMonth, m.year, static_cast<uint8_t>(m.month)});
    for (Money v : {m.granted, m.automatic, m.spent, m.held, m.lapsed, m.returned, m.clawed_back,
                    m.topped_up, m.cut, m.uncommitted_after}) {
      out += ',';
      out += v.ToYuanString();
    }
    out += "\n";
  }
  return out;
}

}  // namespace

Answer Service::ProgrammePacing(Call& c) {
  const auto id = PathId(c, "id");
  if (!id) return Fail(c, "invalid_field", "the programme id must be a positive number");
  if (c.who.role == Role::kOperator && c.who.scope != *id) {
    return Forbidden(c, "read another programme's pacing");
  }
  if (!Is(c, {Role::kAdmin, Role::kOperator, Role::kAuditor})) {
    return Forbidden(c, "read a programme's pacing");
  }
  const std::string format =
      c.request.query.count("format") ? c.request.query.at("format") : "json";
  if (format != "json" && format != "csv") return Fail(c, "invalid_field", "format is json or csv");
  // The whole ledger is read: the answer is kept until the next change
  // (CachedRead), so a dashboard polling it costs one scan per change.
  return CachedRead(c, [&] {
    const Timestamp now = clock_->Now();
    return Look(*engine_, c, [&](const state::State& s) {
      const std::optional<programme::Pacing> p =
          programme::PacingOf(s.book(), s.registry(), s.ledger(), ProgrammeId(*id), now);
      if (!p) return Fail(c, "not_found", "no programme " + std::to_string(*id));
      if (format == "csv") return Text(PacingCsv(*p), "text/csv; charset=utf-8");
      return Reply(PacingJson(*p, s.registry().FindProgramme(ProgrammeId(*id))->name, now));
    });
  });
}

Answer Service::AmendProgramme(Call& c) {
  const auto id = PathId(c, "id");
  if (!id) return Fail(c, "invalid_field", "the programme id must be a positive number");
  if (!MayChange(c, *id)) return MayNot(c, "amend this programme");
  if (!c.body.is_object()) return Fail(c, "invalid_json", "the body must be a JSON object");
  Json changes = c.body;
  Json meta = Json::object();
  for (const char* key : {"effective_from", "reason"}) {
    if (changes.contains(key)) meta[key] = changes[key];
    changes.erase(key);
  }
  Fields f(meta);
  const auto from = f.Time("effective_from", true);
  const auto reason = f.Str("reason", true);
  if (!f.Done()) return Fail(c, f.code(), f.detail());
  for (std::string_view key : kShared) {
    if (changes.contains(key)) {
      return Fail(c, "invalid_field",
                  "'" + std::string(key) +
                      "' is every version's: an amendment does not change it (top-up and cut "
                      "change the budget; list-provider the provider list)");
    }
  }
  if (changes.empty()) return Fail(c, "invalid_field", "an amendment changes at least one term");
  std::optional<programme::ProgrammeRules> rules;
  std::string code = "not_found";
  std::string detail = "no programme " + std::to_string(*id);
  Look(*engine_, c, [&](const state::State& s) {
    const programme::ProgrammeRules* latest = s.registry().FindProgramme(ProgrammeId(*id));
    if (latest == nullptr) return;
    // The latest definition with the changes laid over it, read as a
    // whole: every check a new programme meets, the new version meets.
    Json definition = Definition(*latest);
    for (const auto& [key, value] : changes.items()) definition[key] = value;
    rules = ReadProgramme(definition, &code, &detail);
    if (rules) rules->level = latest->level;
  });
  if (!rules) return Fail(c, code, detail);
  return Answer(programme::AmendProgramme{.rules = std::move(*rules),
                                          .effective_from = *from,
                                          .actor = c.who.name,
                                          .reason = *reason},
                ProgrammeAnswer(c, *id, clock_->Now()));
}

// Top up, cut, suspend, resume, close: the path's id, a reason, and for
// the money an amount.
Answer Service::ChangeProgrammeAnswer(Call& c, ProgrammeAction action) {
  const auto id = PathId(c, "id");
  if (!id) return Fail(c, "invalid_field", "the programme id must be a positive number");
  const bool money = action == ProgrammeAction::kTopUp || action == ProgrammeAction::kCut;
  Fields f(c.body);
  const auto amount = money ? f.Fen("amount_fen", true) : std::optional<Money>();
  const auto reason = f.Str("reason", true);
  if (!f.Done()) return Fail(c, f.code(), f.detail());
  if (!MayChange(c, *id)) {
    return MayNot(
        c, std::string(NameOf(programme::kProgrammeActionNames, action)) + " this programme");
  }
  return Answer(programme::ChangeProgramme{.programme = ProgrammeId(*id),
                                           .action = action,
                                           .amount = amount.value_or(Money{}),
                                           .actor = c.who.name,
                                           .reason = *reason},
                ProgrammeAnswer(c, *id, clock_->Now()));
}

Answer Service::TopUpProgramme(Call& c) {
  return ChangeProgrammeAnswer(c, ProgrammeAction::kTopUp);
}
Answer Service::CutProgramme(Call& c) { return ChangeProgrammeAnswer(c, ProgrammeAction::kCut); }
Answer Service::SuspendProgramme(Call& c) {
  return ChangeProgrammeAnswer(c, ProgrammeAction::kSuspend);
}
Answer Service::ResumeProgramme(Call& c) {
  return ChangeProgrammeAnswer(c, ProgrammeAction::kResume);
}
Answer Service::CloseProgramme(Call& c) {
  return ChangeProgrammeAnswer(c, ProgrammeAction::kClose);
}

Answer Service::ListProgrammeProvider(Call& c) {
  const auto id = PathId(c, "id");
  if (!id) return Fail(c, "invalid_field", "the programme id must be a positive number");
  Fields f(c.body);
  const auto provider = f.Id("provider");
  const auto listed = f.Bool("listed", true);
  const auto reason = f.Str("reason", true);
  if (!f.Done()) return Fail(c, f.code(), f.detail());
  if (!MayChange(c, *id)) return MayNot(c, "change this programme's provider list");
  return Answer(programme::ChangeProgramme{.programme = ProgrammeId(*id),
                                           .action = *listed ? ProgrammeAction::kListProvider
                                                             : ProgrammeAction::kDelistProvider,
                                           .provider = ProviderId(*provider),
                                           .actor = c.who.name,
                                           .reason = *reason},
                ProgrammeAnswer(c, *id, clock_->Now()));
}

}  // namespace bg::api
