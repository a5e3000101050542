// Activity (GET /v1/activity): who did what and when, read from the
// journal itself — every step a person takes (filing and reviewing
// applications, revoking, clawing back, the blacklist, closing, approving
// and paying statements, a programme's changes, tokens, registrations,
// jobs submitted and cancelled), oldest first, filtered by actor,
// programme, enterprise and period. Auditors and admins see everything;
// an operator its programme's, an enterprise its own, a provider its own.
//
// The journal is read on a read-only connection of its own (SQLite's WAL
// gives it one consistent view while the engine writes); records named by
// a step (an application's programme, a job's enterprise) are looked up
// in the state as applied now.
#include <algorithm>
#include <variant>

#include "api/activity.h"
#include "api/handlers.h"
#include "api/list_query.h"
#include "api/service.h"
#include "api/views.h"
#include "engine/journal.h"
#include "storage/sqlite_store.h"

namespace bg::api {
namespace {

template <class... F>
struct Overload : F... {
  using F::operator()...;
};
template <class... F>
Overload(F...) -> Overload<F...>;

std::string AppWords(const programme::ReviewApplication& c) {
  std::string out =
      std::string(programme::StepName(c.step)) + " application " + std::to_string(c.id.value());
  if (!c.reason.empty()) out += ": " + c.reason;
  return out;
}

}  // namespace

std::optional<Step> StepOf(const state::CommandBody& body, const state::State& s) {
  auto app = [&](ApplicationId id, Step st) {
    if (const programme::Application* a = s.book().FindApplication(id)) {
      st.programme = a->filed.programme.value();
      st.enterprise = a->filed.enterprise.value();
    }
    return st;
  };
  const std::string name = state::CommandName(body);
  return std::visit(
      Overload{
          [&](const programme::FileApplication& c) -> std::optional<Step> {
            return Step{name,
                        c.actor,
                        c.programme.value(),
                        c.enterprise.value(),
                        0,
                        "filed application " + std::to_string(c.id.value()) + " for " +
                            c.amount.ToYuanString() + (c.note.empty() ? "" : ": " + c.note)};
          },
          [&](const programme::ReviewApplication& c) -> std::optional<Step> {
            return app(c.id, Step{name, c.actor, 0, 0, 0, AppWords(c)});
          },
          [&](const programme::ReviewApplications& c) -> std::optional<Step> {
            Step st{name,
                    c.actor,
                    0,
                    0,
                    0,
                    std::string(programme::StepName(c.step)) + " " + std::to_string(c.ids.size()) +
                        " applications" + (c.reason.empty() ? "" : ": " + c.reason)};
            if (!c.ids.empty()) st = app(c.ids.front(), st);
            st.enterprise = 0;  // many
            return st;
          },
          [&](const programme::RevokeVoucher& c) -> std::optional<Step> {
            const programme::Voucher* v = s.book().FindVoucher(c.id);
            return Step{name,
                        c.actor,
                        v ? v->programme.value() : 0,
                        v ? v->holder.value() : 0,
                        0,
                        "revoked voucher " + std::to_string(c.id.value()) + ": " + c.reason};
          },
          [&](const programme::Clawback& c) -> std::optional<Step> {
            const programme::Claim* k = s.book().FindClaim(c.claim);
            return Step{name,
                        c.actor,
                        k && !k->shares.empty() ? k->shares.front().programme.value() : 0,
                        k ? k->request.enterprise.value() : 0,
                        k ? k->request.provider.value() : 0,
                        "clawed back claim " + std::to_string(c.claim.value()) + ": " + c.reason};
          },
          [&](const programme::SetBlacklist& c) -> std::optional<Step> {
            return Step{name,
                        c.actor,
                        0,
                        c.enterprise.value(),
                        0,
                        std::string(c.listed ? "blacklisted" : "took off the blacklist") +
                            " enterprise " + std::to_string(c.enterprise.value()) + ": " +
                            c.reason};
          },
          [&](const programme::AmendProgramme& c) -> std::optional<Step> {
            return Step{
                name,
                c.actor,
                c.rules.id.value(),
                0,
                0,
                "amended from " + TimeJson(c.effective_from).get<std::string>() + ": " + c.reason};
          },
          [&](const programme::ChangeProgramme& c) -> std::optional<Step> {
            std::string words(NameOf(programme::kProgrammeActionNames, c.action));
            if (!c.amount.is_zero()) words += " " + c.amount.ToYuanString();
            if (!c.provider.is_zero()) words += " provider " + std::to_string(c.provider.value());
            return Step{
                name, c.actor, c.programme.value(), 0, c.provider.value(), words + ": " + c.reason};
          },
          [&](const settlement::CloseStatement& c) -> std::optional<Step> {
            return Step{name, c.actor, c.programme.value(),
                        0,    0,       "closed " + settlement::PeriodName(c.period)};
          },
          [&](const settlement::ApproveStatement& c) -> std::optional<Step> {
            return Step{name,
                        c.actor,
                        c.programme.value(),
                        0,
                        0,
                        "approved " + settlement::PeriodName(c.period) +
                            (c.payee == 0 ? "" : " for payee " + std::to_string(c.payee))};
          },
          [&](const settlement::PayStatement& c) -> std::optional<Step> {
            return Step{name,
                        c.actor,
                        c.programme.value(),
                        0,
                        0,
                        "paid " + settlement::PeriodName(c.period) + " to payee " +
                            std::to_string(c.payee) + " (" + c.bank_reference + ")"};
          },
          [&](const fraud::CloseAuditCase& c) -> std::optional<Step> {
            return Step{name, c.actor,
                        0,    0,
                        0,    "closed audit case " + std::to_string(c.id) + ": " + c.resolution};
          },
          [&](const scheduler::SubmitJob& c) -> std::optional<Step> {
            return Step{name,
                        "",
                        0,
                        c.request.enterprise.value(),
                        0,
                        "submitted job " + std::to_string(c.request.id.value()) + ": " +
                            std::to_string(c.request.cards) + " × " + c.request.accelerator};
          },
          [&](const scheduler::CancelJob& c) -> std::optional<Step> {
            const scheduler::Job* j = s.scheduler().FindJob(c.id);
            return Step{
                name,
                "",
                0,
                j ? j->submitted.request.enterprise.value() : 0,
                0,
                "cancelled job " + std::to_string(c.id.value()) + (c.reason.empty() ? "" : ": " + c.reason)};
          },
          [&](const access::CreateApiToken& c) -> std::optional<Step> {
            return Step{name, "", 0,
                        0,    0,  "created token " + std::to_string(c.id) + " (" + c.name + ")"};
          },
          [&](const access::RevokeApiToken& c) -> std::optional<Step> {
            return Step{name, "", 0, 0, 0, "revoked token " + std::to_string(c.id)};
          },
          [&](const access::RotateApiToken& c) -> std::optional<Step> {
            return Step{name, "", 0, 0, 0, "rotated token " + std::to_string(c.id)};
          },
          [&](const state::CreateProgramme& c) -> std::optional<Step> {
            return Step{name, "", c.rules.id.value(), 0, 0, "created " + c.rules.name};
          },
          [&](const state::RegisterEnterprise& c) -> std::optional<Step> {
            return Step{name, "", 0, c.enterprise.id.value(), 0, "registered " + c.enterprise.name};
          },
          [&](const state::RegisterProvider& c) -> std::optional<Step> {
            return Step{name, "", 0, 0, c.provider.id.value(), "registered " + c.provider.name};
          },
          [](const auto&) -> std::optional<Step> { return std::nullopt; },
      },
      body);
}

namespace {

// Whether the caller may see `st`.
bool MaySee(const Call& c, const Step& st) {
  switch (c.who.role) {
    case Role::kAdmin:
    case Role::kAuditor:
      return true;
    case Role::kOperator:
      return st.programme == c.who.scope;
    case Role::kEnterprise:
      return st.enterprise == c.who.scope;
    case Role::kProvider:
      return st.provider == c.who.scope;
  }
  return false;
}

}  // namespace

Answer Service::ListActivity(Call& c) {
  HttpResponse fail;
  const std::optional<size_t> limit = PageLimit(c, &fail);
  if (!limit) return fail;
  std::optional<uint64_t> programme, enterprise;
  std::optional<Timestamp> from, to;
  if (!QueryIdParam(c, "programme", &programme, &fail) ||
      !QueryIdParam(c, "enterprise", &enterprise, &fail) || !QueryTime(c, "from", &from, &fail) ||
      !QueryTime(c, "to", &to, &fail)) {
    return fail;
  }
  const std::string actor = c.request.query.count("actor") ? c.request.query.at("actor") : "";
  // The cursor is the (entry, command) after which the page starts.
  uint64_t after_seq = 0, after_index = 0;
  if (auto it = c.request.query.find("after"); it != c.request.query.end()) {
    if (!IsCursor(it->second, "a")) {
      return Fail(c, "invalid_field", "after is a cursor (next_after)");
    }
    after_seq = std::stoull(it->second.substr(2, 16), nullptr, 16);
    after_index = std::stoull(it->second.substr(19, 16), nullptr, 16);
  }
  if (options_.db_path.empty()) {
    return Fail(c, "unavailable", "this server has no database file to read the journal from");
  }
  auto store = storage::SqliteStore::Open({.path = options_.db_path, .read_only = true});
  if (!store.ok()) return Fail(c, "unavailable", store.status().ToString());
  // A period starts at its first entry, found by time (the journal's
  // index on last_ts), not at the journal's start.
  uint64_t start = after_seq == 0 ? 0 : after_seq - 1;
  if (from) {
    auto first = (*store)->FirstSeqEndingAtOrAfter(*from);
    if (!first.ok()) return Fail(c, "unavailable", first.status().ToString());
    if (*first == 0) return Reply({{"items", Json::array()}, {"next_after", nullptr}});
    start = std::max(start, *first - 1);
  }
  Json items = Json::array();
  std::optional<std::string> next;
  bool full = false;   // the page is full: the journal's read stops there
  bool ended = false;  // past the period's end: so is everything after
  bool failed = false;
  Look(*engine_, c, [&](const state::State& s) {
    // A full page, or the period's end, stops the read with an error
    // (`full` and `ended` tell it apart).
    const Status read =
        (*store)->ReadJournal(start, [&](const storage::JournalEntry& entry) -> Status {
          if (to && entry.first_ts >= *to) {
            ended = true;
            return Aborted("past the period");
          }
          BG_ASSIGN_OR_RETURN(std::vector<state::Command> commands,
                              engine::DecodePayload(entry.payload));
          for (size_t i = 0; i < commands.size(); ++i) {
            if (entry.seq == after_seq && i <= after_index) continue;
            const state::Command& cmd = commands[i];
            if ((from && cmd.ts < *from) || (to && cmd.ts >= *to)) continue;
            std::optional<Step> st = StepOf(cmd.body, s);
            if (!st || !MaySee(c, *st)) continue;
            if ((!actor.empty() && st->actor != actor) ||
                (programme && st->programme != *programme) ||
                (enterprise && st->enterprise != *enterprise)) {
              continue;
            }
            if (items.size() == *limit) {
              full = true;
              return Aborted("page full");
            }
            Json item = {{"at", TimeJson(cmd.ts)},
                         {"entry", entry.seq},
                         {"what", st->what},
                         {"actor", st->actor},
                         {"detail", st->detail}};
            if (st->programme != 0) {
              const auto* p = s.registry().FindProgramme(ProgrammeId(st->programme));
              item["programme"] = st->programme;
              item["programme_name"] = p == nullptr ? "" : p->name;
            }
            if (st->enterprise != 0) {
              const auto* e = s.registry().FindEnterprise(EnterpriseId(st->enterprise));
              item["enterprise"] = st->enterprise;
              item["enterprise_name"] = e == nullptr ? "" : e->name;
            }
            items.push_back(std::move(item));
            next = Cursor("a", entry.seq, i);
          }
          return Status::Ok();
        });
    if (!read.ok() && !full && !ended) {
      failed = true;
      fail = Fail(c, "unavailable", read.ToString());
    }
    if (!full) next.reset();  // the journal's (or the period's) end: no page after this
  });
  if (failed) return fail;
  return Reply({{"items", std::move(items)}, {"next_after", next ? Json(*next) : Json(nullptr)}});
}

}  // namespace bg::api
