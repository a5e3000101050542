// Preview: the subsidy one sample order would get under a programme's
// rules — a draft being edited, or a programme's own — without changing
// anything. The web console's programme editor shows it as the operator
// edits (POST /v1/programmes/preview).
//
// The order is evaluated as a holder of a fresh voucher of the programme
// would meet it (for an automatic grant, 免申即享, as the budget pays it):
// the controls a claim meets first (the blacklist, related parties), the
// applicant's eligibility at the order's time (validity, application
// window, home, category, credit), the provider rules and the purpose; then
// the ratio for the applicant and the resource class, the per-order cap,
// what is left of the per-entity yearly cap, the voucher (its per-award cap,
// else the whole budget) and the budget (the total, or the yearly budget if
// lower), through ComputeSubsidy (subsidy.h): the one calculation quotes,
// billing and the simulator share. A rule that refuses the order is a
// refusal, not an error: the rules are sound, this order does not qualify.
//
// Thread-safety: a pure function of its arguments.
#pragma once

#include <string>

#include "common/clock.h"
#include "common/ids.h"
#include "common/money.h"
#include "common/result.h"
#include "programme/book.h"
#include "programme/registry.h"
#include "programme/rules.h"
#include "programme/subsidy.h"

namespace bg::programme {

struct SampleOrder {
  EnterpriseId enterprise{};
  ProviderId provider{};
  Money amount{};
  Purpose purpose = Purpose::kUnspecified;
  ResourceClass resource = ResourceClass::kDomesticAccelerator;
  Timestamp at = 0;  // when the spend happens
};

struct Preview {
  // OK: the order qualifies. Otherwise FailedPrecondition and the rule that
  // refused it in words (the check's own message); `result` then pays
  // nothing: subsidy 0, self-pay the whole amount, no shares.
  Status refusal = Status::Ok();
  uint32_t ratio_bp = 0;  // the ratio the rules give this applicant and resource
  // What the enterprise and the enterprises sharing its cap (controls.h)
  // used of the programme in the year of the order (YearOf): counted from
  // the book when the programme exists (`cap_used_recorded`), else 0.
  Money cap_used{};
  int32_t cap_year = 0;
  bool cap_used_recorded = false;
  // One share at most, the programme's, with the limit that bound it and
  // every limit considered; the sample voucher draws nothing of its own.
  SubsidyResult result;

  // result.Explain(), and the refusal's line when refused.
  std::string Explain() const;
};

// The preview of `order` under `rules` (already checked as a programme's
// definition: Registry::CheckRules). NotFound for an unknown enterprise or
// provider, InvalidArgument for a non-positive amount.
Result<Preview> PreviewOrder(const ProgrammeRules& rules, const Registry& registry,
                             const Book& book, const SampleOrder& order);

}  // namespace bg::programme
