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

}  // namespace

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
