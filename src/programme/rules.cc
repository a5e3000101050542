#include "programme/rules.h"

#include <algorithm>

#include "programme/names.h"

namespace bg::programme {
namespace {

std::string Who(const ProgrammeRules& rules) {
  return "programme " + std::to_string(rules.id.value()) + " (" + rules.name + ")";
}

std::string CategoryList(const std::vector<ApplicantCategory>& categories) {
  std::string out;
  for (ApplicantCategory c : categories) {
    if (!out.empty()) out += ", ";
    out += ApplicantCategoryName(c);
  }
  return out;
}

std::string PurposeName(Purpose p) { return std::string(NameOf(kPurposeNames, p)); }

// "on platforms 1, 2" or "on no platform".
std::string PlatformList(std::span<const uint64_t> platforms) {
  if (platforms.empty()) return "on no platform";
  std::string out = platforms.size() == 1 ? "on platform " : "on platforms ";
  for (size_t i = 0; i < platforms.size(); ++i) {
    out += (i == 0 ? "" : ", ") + std::to_string(platforms[i]);
  }
  return out;
}

bool Matches(const RatioRule& rule, const Applicant& applicant, ResourceClass resource) {
  if (rule.category && *rule.category != applicant.category) return false;
  if ((applicant.flags & rule.flags_all) != rule.flags_all) return false;
  return !rule.resource || *rule.resource == resource;
}

}  // namespace

const char* ApplicantCategoryName(ApplicantCategory category) {
  // The one spelling (names.h); the table's names are literals, so the
  // view's data is NUL-terminated.
  return NameOf(kCategoryNames, category).data();
}

Status CheckEligible(const ProgrammeRules& rules, const Applicant& applicant, Timestamp at,
                     std::span<const JurisdictionId> home_parents) {
  if (at < rules.valid_from || at >= rules.valid_until) {
    return FailedPrecondition(Who(rules) + " is not in force at this time");
  }
  if (rules.redemption != RedemptionMode::kAutomaticGrant &&
      ((rules.apply_from && at < *rules.apply_from) ||
       (rules.apply_until && at >= *rules.apply_until))) {
    return FailedPrecondition(Who(rules) + ": outside its application window");
  }
  const Eligibility& e = rules.eligibility;
  auto in_area = [&](JurisdictionId j) {
    return std::find(e.home_jurisdictions.begin(), e.home_jurisdictions.end(), j) !=
           e.home_jurisdictions.end();
  };
  if (!e.home_jurisdictions.empty() && !in_area(applicant.home) &&
      std::none_of(home_parents.begin(), home_parents.end(), in_area)) {
    return FailedPrecondition(Who(rules) + ": applicant is registered in jurisdiction " +
                              std::to_string(applicant.home.value()) +
                              ", outside the programme's area");
  }
  if (!e.categories.empty() && std::find(e.categories.begin(), e.categories.end(),
                                         applicant.category) == e.categories.end()) {
    return FailedPrecondition(Who(rules) + ": applicant category '" +
                              ApplicantCategoryName(applicant.category) +
                              "' is not eligible (eligible: " + CategoryList(e.categories) + ")");
  }
  if (e.good_credit_required && applicant.credit == CreditStatus::kDishonest) {
    return FailedPrecondition(Who(rules) +
                              ": applicant has a dishonesty (失信) record in the last 3 years");
  }
  return Status::Ok();
}

Status CheckProvider(const ProgrammeRules& rules, ProviderId provider, JurisdictionId provider_home,
                     std::span<const uint64_t> provider_platforms,
                     std::span<const JurisdictionId> home_parents) {
  const ProviderRules& p = rules.providers;
  if (p.listed_only && std::find(p.listed.begin(), p.listed.end(), provider) == p.listed.end()) {
    return FailedPrecondition(Who(rules) + ": provider " + std::to_string(provider.value()) +
                              " is not on the programme's provider list");
  }
  if (p.platform && std::find(provider_platforms.begin(), provider_platforms.end(), *p.platform) ==
                        provider_platforms.end()) {
    return FailedPrecondition(Who(rules) + " pays only at providers on platform " +
                              std::to_string(*p.platform) + "; provider " +
                              std::to_string(provider.value()) + " is " +
                              PlatformList(provider_platforms));
  }
  if (p.inside_issuer_only && provider_home != rules.issuer &&
      std::find(home_parents.begin(), home_parents.end(), rules.issuer) == home_parents.end()) {
    return FailedPrecondition(Who(rules) + ": provider " + std::to_string(provider.value()) +
                              " is outside the issuing jurisdiction");
  }
  return Status::Ok();
}

Status CheckPurpose(const ProgrammeRules& rules, Purpose purpose) {
  if (rules.purposes.empty() ||
      std::find(rules.purposes.begin(), rules.purposes.end(), purpose) != rules.purposes.end()) {
    return Status::Ok();
  }
  std::string funded;
  for (Purpose p : rules.purposes) {
    funded += std::string(funded.empty() ? "" : ", ") + PurposeName(p);
  }
  if (purpose == Purpose::kUnspecified) {
    return FailedPrecondition(Who(rules) + " funds " + funded +
                              " only; the order does not say its purpose");
  }
  return FailedPrecondition(Who(rules) + " funds " + funded + " only; the order is for " +
                            PurposeName(purpose));
}

Status CheckCovers(const ProgrammeRules& rules, std::string_view facility_kind) {
  const SpendRules& c = rules.covers;
  if (c.spend == Spend::kCompute) {
    if (facility_kind.empty()) return Status::Ok();
    return FailedPrecondition(Who(rules) + " pays for compute, not for the use of a facility (" +
                              std::string(facility_kind) + ")");
  }
  if (facility_kind.empty()) {
    return FailedPrecondition(Who(rules) +
                              " pays for the use of shared facilities, not for compute");
  }
  if (c.facility_kinds.empty() || std::find(c.facility_kinds.begin(), c.facility_kinds.end(),
                                            facility_kind) != c.facility_kinds.end()) {
    return Status::Ok();
  }
  std::string kinds;
  for (const std::string& k : c.facility_kinds) kinds += (kinds.empty() ? "" : ", ") + k;
  return FailedPrecondition(Who(rules) + " pays for " + kinds + " only; the facility is a " +
                            std::string(facility_kind));
}

uint32_t RatioFor(const ProgrammeRules& rules, const Applicant& applicant, ResourceClass resource) {
  for (const RatioRule& rule : rules.ratio_rules) {
    if (Matches(rule, applicant, resource)) return rule.ratio_bp;
  }
  return rules.default_ratio_bp;
}

std::optional<Money> EntityYearCapFor(const ProgrammeRules& rules, const Applicant& applicant) {
  for (const CapRule& rule : rules.cap_rules) {
    if ((applicant.flags & rule.flags_any) != 0) return rule.per_entity_year;
  }
  return rules.default_entity_year_cap;
}

}  // namespace bg::programme
