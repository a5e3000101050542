// Applications and grants: Draft -> Submitted -> UnderReview -> Approved /
// Rejected / ReturnedForInfo -> Issued. Approval holds the grant on the
// programme's budget account (so two approvals can never commit the same
// yuan), issue posts it. A programme with review stages approves stage by
// stage (ApproveStage): each stage's approval is a history entry that names
// the stage, nobody approves what they prepared or approved before, and a
// large amount needs two approvers at the last stage.
#include <algorithm>

#include "common/check.h"
#include "programme/book.h"
#include "programme/book_util.h"

namespace bg::programme {
namespace {

using book::Plus;
using book::ProgName;
using book::Refuse;

std::string AppName(ApplicationId id) { return "application " + std::to_string(id.value()); }

// CheckEligible's refusal, with the code for the rule that failed.
Outcome Ineligible(const ProgrammeRules& rules, Timestamp at, const Status& why) {
  if (at < rules.valid_from || at >= rules.valid_until) {
    return Refuse(Code::kNotInForce, why.message());
  }
  if ((rules.apply_from && at < *rules.apply_from) ||
      (rules.apply_until && at >= *rules.apply_until)) {
    return Refuse(Code::kOutsideApplicationWindow, why.message());
  }
  return Refuse(Code::kIneligible, why.message());
}

bool ReasonNeeded(Step step) { return step == Step::kReject || step == Step::kReturnForInfo; }

// A suspended or closed programme takes no new commitment (lifecycle.h):
// no filing, submission, review or approval. Issuing what was approved,
// rejecting, returning and withdrawing go on.
bool Commits(Step step) {
  return step == Step::kSubmit || step == Step::kStartReview || step == Step::kApprove;
}

Outcome NotActive(const Registry& registry, const ProgrammeRules& rules, const std::string& what) {
  const ProgrammeStatus status = registry.StatusOf(rules.id);
  if (status == ProgrammeStatus::kActive) return {};
  return Refuse(
      status == ProgrammeStatus::kClosed ? Code::kProgrammeClosed : Code::kProgrammeSuspended,
      ProgName(rules) + " is " + std::string(NameOf(kProgrammeStatusNames, status)) + "; " + what +
          " waits until it is resumed" +
          (status == ProgrammeStatus::kClosed ? " (a closed programme is not resumed)" : ""));
}

}  // namespace

Outcome Book::Apply(const FileApplication& c, const Registry& registry, Timestamp ts) {
  if (c.id.is_zero()) return Refuse(Code::kIdMustNotBeZero, "an application needs an id");
  if (c.id.value() > kMaxRecordId) {
    return Refuse(Code::kIdTooLarge, AppName(c.id) + ": ids must be below 2^54");
  }
  if (const Application* old = FindApplication(c.id)) {
    if (old->filed == c) return Refuse(Code::kExists, AppName(c.id) + " was filed already");
    return Refuse(Code::kExistsWithDifferentBody,
                  AppName(c.id) + " exists with a different programme, applicant or amount");
  }
  const ProgrammeRules* rules = registry.FindProgramme(c.programme);
  if (rules == nullptr) {
    return Refuse(Code::kUnknownProgramme, "no programme " + std::to_string(c.programme.value()));
  }
  if (registry.FindEnterprise(c.enterprise) == nullptr) {
    return Refuse(Code::kUnknownEnterprise,
                  "no enterprise " + std::to_string(c.enterprise.value()));
  }
  if (c.amount.fen() <= 0) {
    return Refuse(
        Code::kAmountMustBePositive,
        AppName(c.id) + ": the requested amount must be positive, got " + c.amount.ToYuanString());
  }
  if (rules->redemption == RedemptionMode::kAutomaticGrant) {
    return Refuse(Code::kAutomaticGrantTakesNoApplication,
                  ProgName(*rules) +
                      " is an automatic grant (免申即享): eligible spend is "
                      "subsidised without an application");
  }
  if (Outcome o = NotActive(registry, *rules, "filing"); !o.ok()) return o;
  Application app{.filed = c};
  app.history.push_back({ApplicationStatus::kDraft, ts, c.actor, c.note});
  undo_.Put(applications_, c.id, std::move(app));
  return {};
}

const ReviewStage* StageOf(const ProgrammeRules& rules, const Application& a) {
  const std::vector<ReviewStage>& stages = rules.review.stages;
  if (stages.empty() || a.status != ApplicationStatus::kUnderReview) return nullptr;
  return &stages[std::min<size_t>(a.stage, stages.size() - 1)];
}

std::vector<StageRole> RolesFor(const ProgrammeRules& rules, const Application& a, Step step) {
  using R = StageRole;
  const std::vector<ReviewStage>& stages = rules.review.stages;
  if (stages.empty()) return {R::kReviewer, R::kApprover, R::kFinance};
  const R here = stages[std::min<size_t>(a.stage, stages.size() - 1)].by;
  switch (step) {
    case Step::kApprove:
      return {here};
    case Step::kReject:
    case Step::kReturnForInfo:
      return {here, R::kReviewer};
    case Step::kIssue:
      return {R::kApprover, R::kFinance};
    case Step::kStartReview:
    case Step::kSubmit:
    case Step::kWithdraw:
      break;
  }
  return {R::kReviewer};
}

Outcome Book::Apply(const ReviewApplication& c, const Registry& registry, Timestamp ts,
                    ledger::Ledger& ledger) {
  const Application* found = FindApplication(c.id);
  if (found == nullptr) return Refuse(Code::kUnknownApplication, "no " + AppName(c.id));
  // The actor's stage against where the application stands now (the API
  // looked before the step was queued; another step may have moved it).
  if (c.by != 0 && c.step != Step::kSubmit && c.step != Step::kWithdraw) {
    const ProgrammeRules& rules = *registry.FindProgramme(found->filed.programme);
    const std::vector<StageRole> roles = RolesFor(rules, *found, c.step);
    const auto actor_role = static_cast<StageRole>(c.by - 1);
    if (std::find(roles.begin(), roles.end(), actor_role) == roles.end()) {
      const ReviewStage* stage = StageOf(rules, *found);
      const std::string where = stage == nullptr ? "" : " at stage " + stage->name;
      return Refuse(Code::kWrongStage, AppName(c.id) + " is " +
                                           ApplicationStatusName(found->status) + where + "; " +
                                           std::string(NameOf(kStageRoleNames, actor_role)) +
                                           " does not take " + StepName(c.step) + " there");
    }
  }
  if (ReasonNeeded(c.step) && c.reason.empty()) {
    return Refuse(Code::kReasonRequired,
                  std::string(StepName(c.step)) + " on " + AppName(c.id) + " needs a reason");
  }
  if (Commits(c.step)) {
    const ProgrammeRules& rules = *registry.FindProgramme(found->filed.programme);
    if (Outcome o =
            NotActive(registry, rules, std::string(StepName(c.step)) + " of " + AppName(c.id));
        !o.ok()) {
      return o;
    }
  }
  Application app = *found;
  using S = ApplicationStatus;
  auto from = [&](std::initializer_list<S> allowed) {
    return std::find(allowed.begin(), allowed.end(), app.status) != allowed.end();
  };
  bool allowed = false;
  switch (c.step) {
    case Step::kSubmit:
      if (from({S::kDraft, S::kReturnedForInfo})) return Submit(std::move(app), c, registry, ts);
      break;
    case Step::kStartReview:
      allowed = from({S::kSubmitted});
      if (allowed) {
        // Who starts the review prepares it: the two-person rule keeps them
        // from approving it. A returned application starts over.
        app.stage = 0;
        app.prepared_by = c.actor;
        app.approved_by.clear();
        app.first_approval = Money{};
        return Move(std::move(app), c, S::kUnderReview, ts);
      }
      break;
    case Step::kApprove:
      if (from({S::kUnderReview})) {
        const bool staged = !registry.FindProgramme(app.filed.programme)->review.stages.empty();
        if (staged) return ApproveStage(std::move(app), c, registry, ts, ledger);
        return Approve(std::move(app), c, registry, ts, ledger);
      }
      break;
    case Step::kReject:
      if (from({S::kSubmitted, S::kUnderReview})) return Move(std::move(app), c, S::kRejected, ts);
      break;
    case Step::kReturnForInfo:
      if (from({S::kUnderReview})) return Move(std::move(app), c, S::kReturnedForInfo, ts);
      break;
    case Step::kIssue:
      if (from({S::kApproved})) return Issue(std::move(app), c, registry, ts, ledger);
      break;
    case Step::kWithdraw:
      if (from({S::kDraft, S::kSubmitted, S::kReturnedForInfo})) {
        return Move(std::move(app), c, S::kWithdrawn, ts);
      }
      break;
  }
  return Refuse(Code::kInvalidTransition, AppName(c.id) + " is " +
                                              ApplicationStatusName(app.status) + "; " +
                                              StepName(c.step) + " is not allowed from there");
}

BulkOutcome Book::Apply(const ReviewApplications& c, const Registry& registry, Timestamp ts,
                        ledger::Ledger& ledger) {
  BulkOutcome out;
  if (c.ids.size() > kMaxBulkReview) {
    out.results.assign(
        c.ids.size(), Refuse(Code::kInvalidTransition, "at most " + std::to_string(kMaxBulkReview) +
                                                           " applications in one decision"));
    return out;
  }
  for (size_t i = 0; i < c.ids.size(); ++i) {
    // Each takes the two timestamps a single review may use.
    out.results.push_back(Apply(
        ReviewApplication{.id = c.ids[i], .step = c.step, .actor = c.actor, .reason = c.reason},
        registry, ts + 2 * i, ledger));
  }
  return out;
}

Outcome Book::Move(Application app, const ReviewApplication& c, ApplicationStatus to, Timestamp ts,
                   std::string stage) {
  app.status = to;
  app.history.push_back({to, ts, c.actor, c.reason, std::move(stage)});
  undo_.Put(applications_, c.id, std::move(app));
  return {};
}

// Checks the applicant against the programme at `ts` for `amount`: the
// blacklist, eligibility (validity, window, area, category, credit), the
// per-award cap and the per-entity yearly cap shared by related
// enterprises. `window` is false at approval, which may follow a closed
// window.
static Outcome CheckGrant(const Book& book, const Registry& registry, const ProgrammeRules& rules,
                          const Enterprise& e, Money amount, Timestamp ts, bool window,
                          Money granted_to_group) {
  if (const BlacklistEntry* b = book.FindBlacklisted(e.id)) {
    return Refuse(Code::kBlacklisted, "enterprise " + std::to_string(e.id.value()) + " (" + e.name +
                                          ") is blacklisted: " + b->reason);
  }
  ProgrammeRules check = rules;
  if (!window) check.apply_from = check.apply_until = std::nullopt;
  if (Status s = CheckEligible(check, e.applicant, ts, registry.ParentsOf(e.applicant.home));
      !s.ok()) {
    return Ineligible(check, ts, s);
  }
  if (rules.per_award_cap && amount > *rules.per_award_cap) {
    return Refuse(Code::kOverAwardCap, ProgName(rules) + ": " + amount.ToYuanString() +
                                           " is above the per-award cap of " +
                                           rules.per_award_cap->ToYuanString() +
                                           " (one voucher granted on one application)");
  }
  if (std::optional<Money> cap = EntityYearCapFor(rules, e.applicant)) {
    if (Plus(granted_to_group, amount) > *cap) {
      return Refuse(Code::kOverEntityYearCap,
                    ProgName(rules) + ": " + amount.ToYuanString() + " on top of " +
                        granted_to_group.ToYuanString() +
                        " already granted this year to the enterprise and its related parties "
                        "is above the yearly cap of " +
                        cap->ToYuanString() + " per entity");
    }
  }
  return {};
}

Outcome Book::Submit(Application app, const ReviewApplication& c, const Registry& registry,
                     Timestamp ts) {
  // The terms in force now (an amendment may have changed them since the
  // filing).
  const ProgrammeRules& rules = registry.VersionAt(app.filed.programme, ts)->rules;
  const Enterprise& e = *registry.FindEnterprise(app.filed.enterprise);
  const Money granted = GrantedToGroup(rules.id, e.id, YearOf(ts), registry);
  Outcome ok = CheckGrant(*this, registry, rules, e, app.filed.amount, ts, true, granted);
  if (!ok.ok()) return ok;
  return Move(std::move(app), c, ApplicationStatus::kSubmitted, ts);
}

Outcome Book::ApproveStage(Application app, const ReviewApplication& c, const Registry& registry,
                           Timestamp ts, ledger::Ledger& ledger) {
  const ReviewRules& review = registry.FindProgramme(app.filed.programme)->review;
  BG_CHECK(app.stage < review.stages.size()) << AppName(c.id) << " waits at no stage";
  const ReviewStage& stage = review.stages[app.stage];
  const bool last = app.stage + 1 == review.stages.size();
  // Two people need names: an unnamed approval could be anyone's.
  if (c.actor.find_first_not_of(" \t") == std::string::npos) {
    return Refuse(Code::kSamePerson,
                  AppName(c.id) + ": an approval in a staged review names who approves");
  }
  {
    if (c.actor == app.prepared_by) {
      return Refuse(Code::kSamePerson, AppName(c.id) + " was prepared by " + c.actor +
                                           "; another person approves it (two-person rule)");
    }
    if (std::find(app.approved_by.begin(), app.approved_by.end(), c.actor) !=
        app.approved_by.end()) {
      return Refuse(Code::kSamePerson, AppName(c.id) + " was approved by " + c.actor +
                                           " at an earlier step; another person approves at "
                                           "stage " +
                                           stage.name + " (two-person rule)");
    }
  }
  if (!last && !c.amount.is_zero()) {
    return Refuse(Code::kInvalidTransition, AppName(c.id) + " is at stage " + stage.name +
                                                "; the amount is set at the last stage (" +
                                                review.stages.back().name + ")");
  }
  const Money amount = c.amount.is_zero() ? app.filed.amount : c.amount;
  const size_t at_last = app.approved_by.size() + 1 - review.stages.size();  // if last
  const bool needs_second =
      last && review.second_approval_above && amount > *review.second_approval_above;
  if (last && at_last > 0 && amount != app.first_approval) {
    return Refuse(Code::kInvalidTransition, AppName(c.id) + " was approved for " +
                                                app.first_approval.ToYuanString() + " by " +
                                                app.approved_by.back() +
                                                "; the second approval is for the same amount (" +
                                                amount.ToYuanString() + " asked)");
  }
  if (!last || (needs_second && at_last == 0)) {
    // A stage signed: on to the next, or wait for the second approver,
    // who approves the same amount.
    app.approved_by.push_back(c.actor);
    if (!last) ++app.stage;
    if (last) app.first_approval = amount;
    return Move(std::move(app), c, ApplicationStatus::kUnderReview, ts, stage.name);
  }
  app.approved_by.push_back(c.actor);
  return Approve(std::move(app), c, registry, ts, ledger, stage.name);
}

Outcome Book::Approve(Application app, const ReviewApplication& c, const Registry& registry,
                      Timestamp ts, ledger::Ledger& ledger, std::string stage) {
  // The voucher is granted under the version in force now, for life.
  const ProgrammeVersion& version = *registry.VersionAt(app.filed.programme, ts);
  const ProgrammeRules& rules = version.rules;
  const Enterprise& e = *registry.FindEnterprise(app.filed.enterprise);
  const Money amount = c.amount.is_zero() ? app.filed.amount : c.amount;
  if (amount.fen() < 0) {
    return Refuse(Code::kAmountMustBePositive, AppName(c.id) + ": approved amount is negative");
  }
  if (amount > app.filed.amount) {
    return Refuse(Code::kApprovedAboveRequest, AppName(c.id) + ": approving " +
                                                   amount.ToYuanString() + " is more than the " +
                                                   app.filed.amount.ToYuanString() + " requested");
  }
  const int32_t year = YearOf(ts);
  const Money granted = GrantedToGroup(rules.id, e.id, year, registry);
  Outcome ok = CheckGrant(*this, registry, rules, e, amount, ts, false, granted);
  if (!ok.ok()) return ok;
  if (rules.yearly_budget && Plus(GrantedInYear(rules.id, year), amount) > *rules.yearly_budget) {
    return Refuse(Code::kYearlyBudgetExhausted,
                  ProgName(rules) + ": " + GrantedInYear(rules.id, year).ToYuanString() +
                      " granted in " + std::to_string(year) + "; " + amount.ToYuanString() +
                      " more is above the yearly budget of " + rules.yearly_budget->ToYuanString());
  }
  const Money left = Available(ledger, BudgetAccount(rules.id));
  if (amount > left) {
    return Refuse(Code::kBudgetExhausted, ProgName(rules) + " has " + left.ToYuanString() +
                                              " uncommitted; approving " + amount.ToYuanString() +
                                              " would over-commit it");
  }
  const uint32_t currency = registry.FindJurisdiction(rules.issuer)->currency_ledger;
  const VoucherId vid(c.id.value());
  book::MustOpenAccount(ledger, VoucherAccount(vid), currency, AccountKind::kVoucher, e.id.value(),
                        ledger::kDebitsMustNotExceedCredits, ts);
  const TransferId hold = NextTransferId();
  book::MustTransfer(ledger,
                     {book::Move(hold, BudgetAccount(rules.id), VoucherAccount(vid), amount,
                                 currency, MoneyCode::kGrant, c.id.value(), ledger::kPending)},
                     ts + 1);
  AddGranted(rules.id, year, amount.fen());
  PutVoucher(Voucher{.id = vid,
                     .programme = rules.id,
                     .holder = e.id,
                     .amount = amount,
                     .grant = hold,
                     .year = year,
                     .version = version.number});
  app.approved = amount;
  return Move(std::move(app), c, ApplicationStatus::kApproved, ts, std::move(stage));
}

Outcome Book::Issue(Application app, const ReviewApplication& c, const Registry& registry,
                    Timestamp ts, ledger::Ledger& ledger) {
  Voucher v = vouchers_.at(VoucherId(c.id.value()));
  const ProgrammeRules& rules = registry.FindVersion(v.programme, v.version)->rules;
  if (v.status != VoucherStatus::kApproved) {
    return Refuse(Code::kInvalidTransition, "voucher " + std::to_string(v.id.value()) + " is " +
                                                VoucherStatusName(v.status) +
                                                "; only an approved voucher can be issued");
  }
  if (const BlacklistEntry* b = FindBlacklisted(v.holder)) {
    return Refuse(Code::kBlacklisted, "enterprise " + std::to_string(v.holder.value()) +
                                          " is blacklisted: " + b->reason);
  }
  if (ts >= rules.valid_until) {
    return Refuse(Code::kNotInForce, ProgName(rules) + " ended; the voucher cannot be issued");
  }
  book::MustTransfer(ledger, {book::Resolve(NextTransferId(), v.grant, true, c.id.value())}, ts);
  v.status = VoucherStatus::kLive;
  v.issued_at = ts;
  v.expires_at =
      std::min<Timestamp>(ts + rules.voucher_validity_days * kNanosPerDay, rules.valid_until);
  PutVoucher(std::move(v));
  return Move(std::move(app), c, ApplicationStatus::kIssued, ts);
}

}  // namespace bg::programme
