// The state's registrations: jurisdictions, enterprises, providers and
// programmes, the ledger accounts a jurisdiction or programme opens, and
// the message that says which record a refusal is about and why.
#include <string>

#include "programme/credit_code.h"
#include "state/state.h"

namespace bg::state {
namespace {

// A refused record, "enterprise 3 (Xiangzhou Robotics)", and for an
// enterprise or provider what is wrong with its credit code, if anything.
struct Subject {
  std::string what;
  std::string why = {};
};

// "credit code X is enterprise 1 (Songshan ...) already": why a second
// record of one legal entity is refused.
std::string HeldAlready(const std::string& code, const char* kind, uint64_t id,
                        const std::string& name) {
  return "credit code " + code + " is " + kind + " " + std::to_string(id) + " (" + name +
         ") already: one legal entity, one record";
}

Subject SubjectOf(const RegisterJurisdiction& c, const programme::Registry& /*registry*/) {
  return {"jurisdiction " + std::to_string(c.jurisdiction.id.value()) + " (" + c.jurisdiction.code +
          ")"};
}

Subject SubjectOf(const RegisterEnterprise& c, const programme::Registry& registry) {
  const programme::Enterprise& e = c.enterprise;
  Subject s{"enterprise " + std::to_string(e.id.value()) + " (" + e.name + ")",
            programme::ValidateCreditCode(e.credit_code).message()};
  if (const programme::Enterprise* holder = registry.EnterpriseByCreditCode(e.credit_code)) {
    s.why = HeldAlready(holder->credit_code, "enterprise", holder->id.value(), holder->name);
  }
  return s;
}

Subject SubjectOf(const RegisterProvider& c, const programme::Registry& registry) {
  const programme::Provider& p = c.provider;
  Subject s{"provider " + std::to_string(p.id.value()) + " (" + p.name + ")",
            programme::ValidateCreditCode(p.credit_code).message()};
  if (const programme::Provider* holder = registry.ProviderByCreditCode(p.credit_code)) {
    s.why = HeldAlready(holder->credit_code, "provider", holder->id.value(), holder->name);
  }
  return s;
}

Subject SubjectOf(const RegisterFacility& c, const programme::Registry& /*registry*/) {
  return {"facility " + std::to_string(c.facility.id.value()) + " (" + c.facility.name + ")"};
}

Subject SubjectOf(const CreateProgramme& c, const programme::Registry& /*registry*/) {
  return {"programme " + std::to_string(c.rules.id.value()) + " (" + c.rules.name + ")"};
}

// The field of a programme's definition a refusal is about, as the API
// names it ("'eligibility.home[1]': no jurisdiction 42"), or "".
std::string FieldOf(programme::RegistryResult r, const programme::ProgrammeRules& p,
                    const programme::Registry& registry) {
  using R = programme::RegistryResult;
  auto indexed = [](const char* name, size_t i) {
    return "'" + std::string(name) + "[" + std::to_string(i) + "]'";
  };
  switch (r) {
    case R::kUnknownJurisdiction: {
      if (registry.FindJurisdiction(p.issuer) == nullptr) {
        return "'issuer': no jurisdiction " + std::to_string(p.issuer.value());
      }
      const auto& home = p.eligibility.home_jurisdictions;
      for (size_t i = 0; i < home.size(); ++i) {
        if (registry.FindJurisdiction(home[i]) == nullptr) {
          return indexed("eligibility.home", i) + ": no jurisdiction " +
                 std::to_string(home[i].value());
        }
      }
      return "";
    }
    case R::kUnknownProvider: {
      const auto& listed = p.providers.listed;
      for (size_t i = 0; i < listed.size(); ++i) {
        if (registry.FindProvider(listed[i]) == nullptr) {
          return indexed("providers.listed", i) + ": no provider " +
                 std::to_string(listed[i].value());
        }
      }
      return "";
    }
    case R::kBudgetMustBePositive:
      return "'total_budget_fen' must be more than 0";
    case R::kYearlyBudgetAboveTotal:
      return "'yearly_budget_fen' (" + p.yearly_budget.value_or(Money{}).ToYuanString() +
             " yuan) is above 'total_budget_fen' (" + p.total_budget.ToYuanString() + " yuan)";
    case R::kValidityMustEndAfterItStarts:
      return "'valid_until' must be after 'valid_from'";
    case R::kApplicationWindowEmpty:
      return "'apply_until' must be after 'apply_from'";
    case R::kAwardCapNeedsApplications:
      return "'per_award_cap_fen'";
    case R::kInvalidReviewStages:
      return "'review'";
    default:
      return "";
  }
}
template <typename T>
std::string FieldOf(programme::RegistryResult /*r*/, const T& /*c*/,
                    const programme::Registry& /*registry*/) {
  return "";
}
std::string FieldOf(programme::RegistryResult r, const CreateProgramme& c,
                    const programme::Registry& registry) {
  return FieldOf(r, c.rules, registry);
}

// The registry's answer to `c`: ok, or the refusal with its message,
// "enterprise 3 (Xiangzhou Robotics): invalid_credit_code: <why>",
// "programme 7 (X): unknown_jurisdiction: 'issuer': no jurisdiction 99".
template <typename T>
RegistryResult Answer(programme::RegistryResult r, const T& c,
                      const programme::Registry& registry) {
  if (r == programme::RegistryResult::kOk) return RegistryResult{};
  const Subject s = SubjectOf(c, registry);
  std::string out = s.what + ": " + programme::RegistryResultName(r);
  if (const std::string field = FieldOf(r, c, registry); !field.empty()) out += ": " + field;
  if (r == programme::RegistryResult::kInvalidCreditCode && !s.why.empty()) {
    out += ": " + s.why + " (GB 32100-2015)";
  }
  if (r == programme::RegistryResult::kDuplicateCreditCode) out += ": " + s.why;
  if (r == programme::RegistryResult::kAwardCapNeedsApplications) {
    out +=
        ": an automatic grant (免申即享) awards no voucher; cap its orders or its yearly "
        "amount per entity instead";
  }
  if (r == programme::RegistryResult::kInvalidReviewStages) {
    out += ": review stages are named (at most 32 bytes), each once, at most " +
           std::to_string(programme::kMaxReviewStages) +
           "; a second approval needs stages; an automatic grant (免申即享) has no review";
  }
  return RegistryResult{r, std::move(out)};
}

// What an innovation-voucher programme's facility kinds name that is no
// kind (facility::kFacilityKindNames), or "": the registry below cannot
// know the facility layer's names.
std::string UnknownFacilityKind(const programme::ProgrammeRules& rules) {
  const std::vector<std::string>& kinds = rules.covers.facility_kinds;
  for (size_t i = 0; i < kinds.size(); ++i) {
    if (!facility::FacilityKindFromName(kinds[i])) {
      return "'covers.facility_kinds[" + std::to_string(i) + "]': \"" + kinds[i] +
             "\" is no kind of facility (" + AllowedNames(facility::kFacilityKindNames) + ")";
    }
  }
  return "";
}

}  // namespace

RegistryResult State::Apply(const RegisterJurisdiction& c, Timestamp ts) {
  const programme::RegistryResult r = registry_.AddJurisdiction(c.jurisdiction);
  // Where the jurisdiction's money lives on the ledger.
  if (r == programme::RegistryResult::kOk) book_.OpenJurisdiction(c.jurisdiction, ts, ledger_);
  return Answer(r, c, registry_);
}

RegistryResult State::Apply(const RegisterEnterprise& c, Timestamp /*ts*/) {
  return Answer(registry_.AddEnterprise(c.enterprise), c, registry_);
}

RegistryResult State::Apply(const RegisterProvider& c, Timestamp /*ts*/) {
  return Answer(registry_.AddProvider(c.provider), c, registry_);
}

RegistryResult State::Apply(const RegisterFacility& c, Timestamp /*ts*/) {
  std::string why;
  const programme::RegistryResult r =
      facilities_.Apply(c, registry_.FindProvider(c.facility.institution) != nullptr, &why);
  RegistryResult out = Answer(r, c, registry_);
  if (!why.empty()) out.message += ": " + why;
  return out;
}

RegistryResult State::CheckProgramme(const programme::ProgrammeRules& rules) const {
  if (std::string bad = UnknownFacilityKind(rules); !bad.empty()) {
    return RegistryResult{
        programme::RegistryResult::kInvalidFacility,
        SubjectOf(CreateProgramme{rules}, registry_).what + ": invalid_facility: " + bad};
  }
  return Answer(registry_.CheckRules(rules), CreateProgramme{rules}, registry_);
}

RegistryResult State::Apply(const CreateProgramme& c, Timestamp ts) {
  if (std::string bad = UnknownFacilityKind(c.rules); !bad.empty()) {
    return RegistryResult{programme::RegistryResult::kInvalidFacility,
                          SubjectOf(c, registry_).what + ": invalid_facility: " + bad};
  }
  const programme::RegistryResult r = registry_.AddProgramme(c.rules);
  // Where the programme's money lives on the ledger.
  if (r == programme::RegistryResult::kOk) book_.OpenProgramme(c.rules, registry_, ts, ledger_);
  return Answer(r, c, registry_);
}

}  // namespace bg::state
