// Applications and their review, and vouchers.
#include "api/handlers.h"
#include "api/service.h"
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
  const auto app = Look(*engine_, c, [&](const state::State& s) {
    const programme::Application* a = s.book().FindApplication(ApplicationId(*id));
    return a == nullptr ? std::optional<programme::FileApplication>() : a->filed;
  });
  if (!app) return Fail(c, "unknown_application", "no application " + std::to_string(*id));
  const bool allowed =
      c.who.role == Role::kAdmin ||
      (applicant_step && c.who.role == Role::kEnterprise &&
       app->enterprise.value() == c.who.scope) ||
      (!applicant_step && c.who.role == Role::kOperator && app->programme.value() == c.who.scope);
  if (!allowed) return Forbidden(c, std::string("take the step '") + *step_name + "' here");
  programme::ReviewApplication cmd{
      .id = ApplicationId(*id), .step = *step, .actor = c.who.name, .reason = reason.value_or("")};
  if (amount) cmd.amount = *amount;
  return Answer(cmd, [&c, id = *id](const state::State& s, const state::CommandResult& r) {
    return BookAnswer(c, std::get<programme::Outcome>(r),
                      View(*s.book().FindApplication(ApplicationId(id))), false);
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
    return Reply(View(*a));
  });
}

Answer Service::ListVouchers(Call& c) {
  HttpResponse fail;
  const Timestamp now = clock_->Now();
  auto page = Look(*engine_, c, [&](const state::State& s) {
    return Page(
        c, s.book().vouchers(),
        [&](const programme::Voucher& v) {
          if (c.who.role == Role::kEnterprise) return v.holder.value() == c.who.scope;
          if (c.who.role == Role::kOperator) return v.programme.value() == c.who.scope;
          return Is(c, {Role::kAdmin, Role::kAuditor});
        },
        [&](const programme::Voucher& v) {
          return View(v, programme::Book::Available(s.ledger(), programme::VoucherAccount(v.id)),
                      now);
        },
        &fail);
  });
  return page ? Reply(*page) : fail;
}

}  // namespace bg::api
