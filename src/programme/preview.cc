#include "programme/preview.h"

#include <algorithm>
#include <optional>
#include <vector>

#include "programme/controls.h"

namespace bg::programme {
namespace {

std::string EnterpriseName(const Enterprise& e) {
  return "enterprise " + std::to_string(e.id.value()) + " (" + e.name + ")";
}

// The controls a claim meets first, then the programme's rules, in the
// order a claim meets them: the first refusal, or OK.
Status Qualifies(const ProgrammeRules& rules, const Registry& registry, const Book& book,
                 const Enterprise& e, const Provider& p, const SampleOrder& order) {
  if (const BlacklistEntry* b = book.FindBlacklisted(e.id)) {
    return FailedPrecondition(EnterpriseName(e) + " is blacklisted: " + b->reason);
  }
  BG_RETURN_IF_ERROR(CheckNotRelated(e, p));
  BG_RETURN_IF_ERROR(
      CheckEligible(rules, e.applicant, order.at, registry.ParentsOf(e.applicant.home)));
  BG_RETURN_IF_ERROR(CheckProvider(rules, p.id, p.home, p.platforms, registry.ParentsOf(p.home)));
  return CheckPurpose(rules, order.purpose);
}

// The programme's budget for this order: the total, or the yearly budget
// when it is lower.
Money BudgetOf(const ProgrammeRules& rules) {
  return rules.yearly_budget ? std::min(rules.total_budget, *rules.yearly_budget)
                             : rules.total_budget;
}

ProgrammeTerms TermsFor(const ProgrammeRules& rules, const Applicant& applicant,
                        ResourceClass resource, Money cap_used) {
  ProgrammeTerms t{.programme = rules.id,
                   .issuer = rules.issuer,
                   .level = rules.level,
                   .ratio_bp = RatioFor(rules, applicant, resource),
                   .per_order_cap = rules.per_order_cap,
                   .budget_left = BudgetOf(rules),
                   .automatic = rules.redemption == RedemptionMode::kAutomaticGrant};
  if (const std::optional<Money> cap = EntityYearCapFor(rules, applicant)) {
    t.entity_year_cap_left = cap_used >= *cap ? Money{} : *cap->Sub(cap_used);
  }
  return t;
}

// The request ComputeSubsidy prices: the one programme, and unless the
// budget pays directly a fresh voucher of it, granted at the order's time
// for the per-award cap (else the whole budget) and live until the
// programme ends (the order is inside its validity: Qualifies checked).
SubsidyRequest RequestFor(const ProgrammeRules& rules, const ProgrammeTerms& terms,
                          const SampleOrder& order) {
  SubsidyRequest request{.amount = order.amount,
                         .at = order.at,
                         .combined_ceiling_bp = rules.combined_ceiling_bp,
                         .programmes = {terms}};
  if (!terms.automatic) {
    request.vouchers.push_back({.voucher = VoucherId(),
                                .programme = rules.id,
                                .balance = rules.per_award_cap.value_or(terms.budget_left),
                                .expires_at = rules.valid_until});
  }
  return request;
}

}  // namespace

std::string Preview::Explain() const {
  std::string out = result.Explain();
  if (!refusal.ok()) out += "  not eligible: " + refusal.message() + "\n";
  return out;
}

Result<Preview> PreviewOrder(const ProgrammeRules& rules, const Registry& registry,
                             const Book& book, const SampleOrder& order) {
  const Enterprise* e = registry.FindEnterprise(order.enterprise);
  if (e == nullptr) return NotFound("no enterprise " + std::to_string(order.enterprise.value()));
  const Provider* p = registry.FindProvider(order.provider);
  if (p == nullptr) return NotFound("no provider " + std::to_string(order.provider.value()));
  if (order.amount.fen() <= 0) {
    return InvalidArgument("the order amount must be positive, got " + order.amount.ToYuanString() +
                           " yuan");
  }
  Preview preview{.ratio_bp = RatioFor(rules, e->applicant, order.resource),
                  .cap_year = YearOf(order.at),
                  .cap_used_recorded = registry.FindProgramme(rules.id) != nullptr,
                  .result = {.amount = order.amount, .self_pay = order.amount}};
  if (preview.cap_used_recorded) {
    preview.cap_used = book.UsedByGroup(rules.id, e->id, preview.cap_year, registry);
  }
  preview.refusal = Qualifies(rules, registry, book, *e, *p, order);
  if (!preview.refusal.ok()) return preview;
  const ProgrammeTerms terms = TermsFor(rules, e->applicant, order.resource, preview.cap_used);
  BG_ASSIGN_OR_RETURN(preview.result, ComputeSubsidy(RequestFor(rules, terms, order)));
  // The sample voucher is no voucher: it draws nothing worth naming.
  for (ProgrammeShare& share : preview.result.shares) share.draws.clear();
  return preview;
}

}  // namespace bg::programme
