// Applications and their review, and vouchers.
#include "api/handlers.h"
#include "api/list_query.h"
#include "api/service.h"
#include "api/trail.h"
#include "api/views.h"

namespace bg::api {
namespace {

// A programme-book answer: ok (201 for a new record), a repeat (200), or
// the refusal as a problem with the book's own code.
HttpResponse BookAnswer(const Call& c, const programme::Outcome& out, const Json& ok,
                        bool created) {
  if (out.code == programme::Code::kOk) return Reply(ok, created ? 201 : 200);
  if (out.code == programme::Code::kExists) return Reply(ok, 200);
  return Fail(c, programme::CodeName(out.code), out.message);
}

// The token stages that take an operator's `step` on `a`
// (programme::RolesFor, in access::TokenStage's numbering).
std::vector<access::TokenStage> StagesFor(const programme::ProgrammeRules& rules,
                                          const programme::Application& a, programme::Step step) {
  std::vector<access::TokenStage> out;
  for (programme::StageRole r : programme::RolesFor(rules, a, step)) {
    out.push_back(static_cast<access::TokenStage>(static_cast<uint8_t>(r) + 1));
  }
  return out;
}

// ", at stage city" for an application under a staged review; "" else.
std::string StageWhere(const programme::ProgrammeRules& rules, const programme::Application& a) {
  const programme::ReviewStage* stage = programme::StageOf(rules, a);
  return stage == nullptr ? "" : ", at stage " + stage->name;
}

// The step named `name` (programme::StepName's names), if any.
std::optional<programme::Step> StepNamed(const std::string& name) {
  for (auto step :
       {programme::Step::kSubmit, programme::Step::kStartReview, programme::Step::kApprove,
        programme::Step::kReject, programme::Step::kReturnForInfo, programme::Step::kIssue,
        programme::Step::kWithdraw}) {
    if (name == programme::StepName(step)) return step;
  }
  return std::nullopt;
}

// The inbox's filters, after the caller's scope narrowed them.
struct InboxQuery {
  std::optional<uint64_t> programme, enterprise;
  std::optional<std::vector<programme::ApplicationStatus>> statuses;
  std::optional<Timestamp> from, to;
  std::optional<int64_t> min_fen, max_fen;
  Sort sort;
};

HttpResponse Inbox(engine::Engine& engine, Call& c, const InboxQuery& q) {
  HttpResponse fail;
  auto page = Look(engine, c, [&](const state::State& s) -> std::optional<Json> {
    std::vector<Keyed<programme::Application>> keep;
    std::array<uint64_t, programme::kApplicationStatusNames.size()> counts{};
    for (const auto& [id, a] : s.book().applications()) {
      const Timestamp filed = a.history.empty() ? 0 : a.history.front().at;
      if ((q.programme && a.filed.programme.value() != *q.programme) ||
          (q.enterprise && a.filed.enterprise.value() != *q.enterprise) ||
          (q.from && filed < *q.from) || (q.to && filed >= *q.to) ||
          (q.min_fen && a.filed.amount.fen() < *q.min_fen) ||
          (q.max_fen && a.filed.amount.fen() > *q.max_fen)) {
        continue;
      }
      ++counts[static_cast<size_t>(a.status)];
      if (q.statuses &&
          std::find(q.statuses->begin(), q.statuses->end(), a.status) == q.statuses->end()) {
        continue;
      }
      const uint64_t value =
          q.sort.field == "filed"     ? filed
          : q.sort.field == "amount"  ? static_cast<uint64_t>(a.filed.amount.fen())
          : q.sort.field == "updated" ? (a.history.empty() ? 0 : a.history.back().at)
                                      : id.value();
      keep.push_back({KeyFor(value, q.sort.descending), id.value(), &a});
    }
    Json by_status = Json::object();
    for (const auto& [name, status] : programme::kApplicationStatusNames) {
      by_status[std::string(name)] = counts[static_cast<size_t>(status)];
    }
    return KeyedPage(
        c, std::move(keep), Json{{"counts", std::move(by_status)}},
        [&](const programme::Application& a) { return View(a, s.registry(), false); }, &fail);
  });
  return page ? Reply(*page) : fail;
}

}  // namespace

Answer Service::FileApplication(Call& c) {
  Fields f(c.body);
  const auto id = f.Id("id");
  const auto programme = f.Id("programme");
  auto enterprise = f.Id("enterprise", c.who.role != Role::kEnterprise);
  const auto amount = f.Fen("amount_fen", true);
  const auto note = f.Str("note", false);
  if (!f.Done()) return Fail(c, f.code(), f.detail());
  if (c.who.role == Role::kEnterprise) {
    if (enterprise && *enterprise != c.who.scope) {
      return Forbidden(c, "apply for another enterprise");
    }
    enterprise = c.who.scope;
  } else if (!Is(c, {Role::kAdmin})) {
    return Forbidden(c, "file applications");
  }
  return Answer(programme::FileApplication{.id = ApplicationId(*id),
                                           .programme = ProgrammeId(*programme),
                                           .enterprise = EnterpriseId(*enterprise),
                                           .amount = *amount,
                                           .actor = c.who.name,
                                           .note = note.value_or("")},
                [&c, id = *id](const state::State&, const state::CommandResult& r) {
                  return BookAnswer(c, std::get<programme::Outcome>(r),
                                    {{"id", id}, {"status", "draft"}}, true);
                });
}

Answer Service::ReviewApplication(Call& c) {
  const auto id = PathId(c, "id");
  if (!id) return Fail(c, "invalid_field", "the application id must be a positive number");
  Fields f(c.body);
  const auto step_name = f.Str("step", true, 32);
  const auto reason = f.Str("reason", false);
  const auto amount = f.Fen("amount_fen", false);
  if (!f.Done()) return Fail(c, f.code(), f.detail());
  const std::optional<programme::Step> step = StepNamed(*step_name);
  if (!step) {
    return Fail(c, "invalid_field",
                "step must be submit, start_review, approve, reject, return_for_info, issue "
                "or withdraw");
  }
  // Who may take the step: the applicant submits and withdraws; the
  // programme's operator reviews; admin does either.
  const bool applicant_step =
      *step == programme::Step::kSubmit || *step == programme::Step::kWithdraw;
  // The application and, for an operator's step, the token stages that
  // may take it where it stands.
  struct Found {
    programme::FileApplication filed;
    std::vector<access::TokenStage> stages;
    std::string where;
  };
  const auto app = Look(*engine_, c, [&](const state::State& s) -> std::optional<Found> {
    const programme::Application* a = s.book().FindApplication(ApplicationId(*id));
    if (a == nullptr) return std::nullopt;
    const programme::ProgrammeRules& rules = *s.registry().FindProgramme(a->filed.programme);
    return Found{a->filed, StagesFor(rules, *a, *step), StageWhere(rules, *a)};
  });
  if (!app) return Fail(c, "unknown_application", "no application " + std::to_string(*id));
  if (applicant_step) {
    const bool own = c.who.role == Role::kAdmin || (c.who.role == Role::kEnterprise &&
                                                    app->filed.enterprise.value() == c.who.scope);
    if (!own) return Forbidden(c, std::string("take the step '") + *step_name + "' here");
  } else if (!TakesStep(c, app->filed.programme.value(), app->stages)) {
    std::string stages;
    for (access::TokenStage st : app->stages) {
      stages += (stages.empty() ? "" : " or ") + std::string(access::TokenStageName(st));
    }
    return Forbidden(c, std::string("take the step '") + *step_name + "' here" + app->where +
                            " (an operator token of the programme with stage " + stages + " does)");
  }
  // The actor's stage rides with the step: the engine checks it against
  // where the application stands when the step is applied.
  programme::ReviewApplication cmd{.id = ApplicationId(*id),
                                   .step = *step,
                                   .actor = c.who.name,
                                   .reason = reason.value_or(""),
                                   .by = applicant_step || c.who.role != Role::kOperator
                                             ? uint8_t{0}
                                             : static_cast<uint8_t>(c.who.stage)};
  if (amount) cmd.amount = *amount;
  return Answer(cmd, [&c, id = *id](const state::State& s, const state::CommandResult& r) {
    return BookAnswer(c, std::get<programme::Outcome>(r),
                      View(*s.book().FindApplication(ApplicationId(id)), s.registry()), false);
  });
}

// A batch decision: one step and one reason on many applications, a
// result per application in the order given. Those the caller may not
// take the step on (another programme, another stage) or that do not exist
// are answered here; the rest go to the engine as one command.
Answer Service::ReviewApplications(Call& c) {
  if (!Is(c, {Role::kOperator, Role::kAdmin})) return Forbidden(c, "decide on applications");
  Fields f(c.body);
  const auto ids = f.Ids("ids", true, programme::kMaxBulkReview);
  const auto step_name = f.Str("step", true, 32);
  const auto reason = f.Str("reason", false);
  if (!f.Done()) return Fail(c, f.code(), f.detail());
  const std::optional<programme::Step> step = StepNamed(*step_name);
  if (!step || *step == programme::Step::kSubmit || *step == programme::Step::kWithdraw) {
    return Fail(c, "invalid_field",
                "step must be start_review, approve, reject, return_for_info or issue (submit "
                "and withdraw are the applicant's, one at a time)");
  }
  if (ids->empty()) return Fail(c, "invalid_field", "ids must name at least one application");
  // Per id: refused here (a problem code and detail), or sent.
  std::vector<std::pair<std::string, std::string>> refused(ids->size());
  std::vector<ApplicationId> sent;
  Look(*engine_, c, [&](const state::State& s) {
    for (size_t i = 0; i < ids->size(); ++i) {
      const programme::Application* a = s.book().FindApplication(ApplicationId((*ids)[i]));
      if (a == nullptr) {
        refused[i] = {"unknown_application", "no application " + std::to_string((*ids)[i])};
        continue;
      }
      const programme::ProgrammeRules& rules = *s.registry().FindProgramme(a->filed.programme);
      if (!TakesStep(c, a->filed.programme.value(), StagesFor(rules, *a, *step))) {
        refused[i] = {"forbidden", std::string("a ") + RoleName(c.who.role) +
                                       " token may not take the step '" + *step_name + "' here" +
                                       StageWhere(rules, *a)};
        continue;
      }
      sent.push_back(a->filed.id);
    }
  });
  // Each result: the application as it stands after the step, or why not.
  auto results = [ids = *ids, refused](const state::State& s, const programme::BulkOutcome* out) {
    Json items = Json::array();
    size_t ok = 0;
    size_t next = 0;
    for (size_t i = 0; i < ids.size(); ++i) {
      Json item = {{"id", ids[i]}};
      if (!refused[i].first.empty()) {
        item["code"] = refused[i].first;
        item["detail"] = refused[i].second;
      } else {
        const programme::Outcome& o = out->results[next++];
        item["code"] = programme::CodeName(o.code);
        if (o.ok()) {
          ++ok;
          item["application"] =
              View(*s.book().FindApplication(ApplicationId(ids[i])), s.registry(), false);
        } else {
          item["detail"] = o.message;
        }
      }
      items.push_back(std::move(item));
    }
    return Reply({{"results", std::move(items)}, {"ok", ok}, {"refused", ids.size() - ok}});
  };
  if (sent.empty()) {
    return Look(*engine_, c, [&](const state::State& s) { return results(s, nullptr); });
  }
  return Answer(
      programme::ReviewApplications{
          .ids = std::move(sent),
          .step = *step,
          .actor = c.who.name,
          .reason = reason.value_or(""),
          .by = c.who.role == Role::kOperator ? static_cast<uint8_t>(c.who.stage) : uint8_t{0}},
      [results](const state::State& s, const state::CommandResult& r) {
        return results(s, &std::get<programme::BulkOutcome>(r));
      });
}

Answer Service::GetApplication(Call& c) {
  const auto id = PathId(c, "id");
  if (!id) return Fail(c, "invalid_field", "the application id must be a positive number");
  return Look(*engine_, c, [&](const state::State& s) {
    const programme::Application* a = s.book().FindApplication(ApplicationId(*id));
    if (a == nullptr) {
      return Fail(c, "unknown_application", "no application " + std::to_string(*id));
    }
    const bool mine =
        (c.who.role == Role::kEnterprise && a->filed.enterprise.value() == c.who.scope) ||
        (c.who.role == Role::kOperator && a->filed.programme.value() == c.who.scope) ||
        Is(c, {Role::kAdmin, Role::kAuditor});
    if (!mine) return Forbidden(c, "read this application");
    return Reply(View(*a, s.registry()));
  });
}

// The inbox: applications filtered by programme, status, enterprise, when
// filed and amount, sorted and paged, with the count per status of those
// that pass every filter but the status (the tabs of a review queue). An
// operator sees its programme's, an enterprise its own.
Answer Service::ListApplications(Call& c) {
  HttpResponse fail;
  InboxQuery q;
  if (!QueryIdParam(c, "programme", &q.programme, &fail) ||
      !QueryIdParam(c, "enterprise", &q.enterprise, &fail) ||
      !QueryChoices(c, "status", programme::kApplicationStatusNames, &q.statuses, &fail) ||
      !QueryTime(c, "filed_from", &q.from, &fail) || !QueryTime(c, "filed_to", &q.to, &fail) ||
      !QueryFen(c, "amount_min_fen", &q.min_fen, &fail) ||
      !QueryFen(c, "amount_max_fen", &q.max_fen, &fail)) {
    return fail;
  }
  const auto sort = QuerySort(c, {"filed", "amount", "updated", "id"}, true, &fail);
  if (!sort) return fail;
  q.sort = *sort;
  // The caller's scope narrows the filters; a filter outside it finds nothing.
  if (c.who.role == Role::kOperator) {
    if (q.programme && *q.programme != c.who.scope) {
      return Forbidden(c, "read another programme's applications");
    }
    q.programme = c.who.scope;
  } else if (c.who.role == Role::kEnterprise) {
    if (q.enterprise && *q.enterprise != c.who.scope) {
      return Forbidden(c, "read another enterprise's applications");
    }
    q.enterprise = c.who.scope;
  } else if (!Is(c, {Role::kAdmin, Role::kAuditor})) {
    return Forbidden(c, "read applications");
  }
  // The answer depends on the query and the scope it was narrowed to: kept
  // until the next change, like the registry's lists (CachedRead).
  const std::string scope =
      std::to_string(q.programme.value_or(0)) + "/" + std::to_string(q.enterprise.value_or(0));
  return CachedRead(
      c, [&] { return Inbox(*engine_, c, q); }, scope);
}

Answer Service::ListVouchers(Call& c) {
  HttpResponse fail;
  const Timestamp now = clock_->Now();
  std::optional<uint64_t> programme, enterprise;
  std::optional<std::vector<programme::VoucherStatus>> statuses;
  std::optional<Timestamp> expires_before;
  if (!QueryIdParam(c, "programme", &programme, &fail) ||
      !QueryIdParam(c, "enterprise", &enterprise, &fail) ||
      !QueryChoices(c, "status", programme::kVoucherStatusNames, &statuses, &fail) ||
      !QueryTime(c, "expires_before", &expires_before, &fail)) {
    return fail;
  }
  auto page = Look(*engine_, c, [&](const state::State& s) {
    return Page(
        c, s.book().vouchers(),
        [&](const programme::Voucher& v) {
          if (c.who.role == Role::kEnterprise && v.holder.value() != c.who.scope) return false;
          if (c.who.role == Role::kOperator && v.programme.value() != c.who.scope) return false;
          if (!Is(c, {Role::kEnterprise, Role::kOperator, Role::kAdmin, Role::kAuditor})) {
            return false;
          }
          if (programme && v.programme.value() != *programme) return false;
          if (enterprise && v.holder.value() != *enterprise) return false;
          const programme::VoucherStatus status = programme::StatusAt(v, now);
          if (statuses &&
              std::find(statuses->begin(), statuses->end(), status) == statuses->end()) {
            return false;
          }
          return !expires_before ||
                 (status == programme::VoucherStatus::kLive && v.expires_at < *expires_before);
        },
        [&](const programme::Voucher& v) { return VoucherWithNames(s, v, now); }, &fail);
  });
  return page ? Reply(*page) : fail;
}

}  // namespace bg::api
