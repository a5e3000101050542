#include "programme/registry.h"

#include <array>

#include "common/check.h"
#include "common/enum_names.h"
#include "programme/accounts.h"
#include "programme/codec.h"
#include "programme/credit_code.h"

namespace bg::programme {
namespace {

// The common part of every Add: the id, and whether it is taken.
template <typename Map, typename T>
std::optional<RegistryResult> CheckId(const Map& map, const T& value) {
  if (value.id.is_zero()) return RegistryResult::kIdMustNotBeZero;
  if (value.id.value() > kMaxRecordId) return RegistryResult::kIdTooLarge;
  auto it = map.find(value.id);
  if (it == map.end()) return std::nullopt;
  return it->second == value ? RegistryResult::kExists : RegistryResult::kExistsWithDifferentBody;
}

template <typename Map, typename Encode>
void EncodeMap(Writer& w, const Map& map, Encode encode) {
  w.U32(static_cast<uint32_t>(map.size()));
  for (const auto& [id, value] : map) encode(w, value);
}

template <typename Map, typename Decode>
bool DecodeMap(Reader& r, Map* map, Decode decode) {
  uint32_t n = 0;
  if (!r.U32(&n) || n > r.remaining()) return false;
  for (uint32_t i = 0; i < n; ++i) {
    typename Map::mapped_type value{};
    if (!decode(r, &value) || !map->emplace(value.id, value).second) return false;
  }
  return true;
}

// Here rather than beside the enum: no caller outside this file needs it.
constexpr std::array<EnumName<RegistryResult>, 19> kRegistryResultNames = {{
    {"ok", RegistryResult::kOk},
    {"id_must_not_be_zero", RegistryResult::kIdMustNotBeZero},
    {"exists", RegistryResult::kExists},
    {"exists_with_different_body", RegistryResult::kExistsWithDifferentBody},
    {"unknown_parent", RegistryResult::kUnknownParent},
    {"unknown_jurisdiction", RegistryResult::kUnknownJurisdiction},
    {"invalid_credit_code", RegistryResult::kInvalidCreditCode},
    {"budget_must_be_positive", RegistryResult::kBudgetMustBePositive},
    {"validity_must_end_after_it_starts", RegistryResult::kValidityMustEndAfterItStarts},
    {"ratio_above_100_percent", RegistryResult::kRatioAbove100Percent},
    {"id_too_large", RegistryResult::kIdTooLarge},
    {"unknown_provider", RegistryResult::kUnknownProvider},
    {"yearly_budget_above_total", RegistryResult::kYearlyBudgetAboveTotal},
    {"application_window_empty", RegistryResult::kApplicationWindowEmpty},
    {"level_is_not_the_issuers", RegistryResult::kLevelIsNotTheIssuers},
    {"duplicate_credit_code", RegistryResult::kDuplicateCreditCode},
    {"award_cap_needs_applications", RegistryResult::kAwardCapNeedsApplications},
    {"invalid_review_stages", RegistryResult::kInvalidReviewStages},
    {"invalid_facility", RegistryResult::kInvalidFacility},
}};
static_assert(IsNameTable(kRegistryResultNames));

}  // namespace

// Review stages are named, once each, at most kMaxReviewStages; a second
// approval needs stages (its last one), and an automatic grant has no
// review at all.
static bool ValidReview(const ProgrammeRules& p) {
  const ReviewRules& r = p.review;
  if (r == ReviewRules{}) return true;
  if (r.stages.empty() || r.stages.size() > kMaxReviewStages ||
      p.redemption == RedemptionMode::kAutomaticGrant) {
    return false;
  }
  if (r.second_approval_above && r.second_approval_above->fen() < 0) return false;
  for (size_t i = 0; i < r.stages.size(); ++i) {
    if (r.stages[i].name.empty() || r.stages[i].name.size() > 32) return false;
    for (size_t j = 0; j < i; ++j) {
      if (r.stages[j].name == r.stages[i].name) return false;
    }
  }
  return true;
}

const char* RegistryResultName(RegistryResult r) { return NameOf(kRegistryResultNames, r).data(); }

RegistryResult Registry::AddJurisdiction(const Jurisdiction& j) {
  if (auto r = CheckId(jurisdictions_, j)) return *r;
  if (j.parent && jurisdictions_.count(*j.parent) == 0) return RegistryResult::kUnknownParent;
  undo_.Put(jurisdictions_, j.id, j);
  return RegistryResult::kOk;
}

RegistryResult Registry::AddEnterprise(const Enterprise& e) {
  if (auto r = CheckId(enterprises_, e)) return *r;
  if (!ValidateCreditCode(e.credit_code).ok()) return RegistryResult::kInvalidCreditCode;
  if (jurisdictions_.count(e.applicant.home) == 0) return RegistryResult::kUnknownJurisdiction;
  if (enterprise_codes_.count(e.credit_code) != 0) return RegistryResult::kDuplicateCreditCode;
  undo_.Put(enterprises_, e.id, e);
  undo_.Put(enterprise_codes_, e.credit_code, e.id);
  for (EnterpriseId other : e.related_enterprises) {
    AddLink(e.id, other);
    AddLink(other, e.id);
  }
  return RegistryResult::kOk;
}

RegistryResult Registry::AddProvider(const Provider& p) {
  if (auto r = CheckId(providers_, p)) return *r;
  if (!p.credit_code.empty() && !ValidateCreditCode(p.credit_code).ok()) {
    return RegistryResult::kInvalidCreditCode;
  }
  if (jurisdictions_.count(p.home) == 0) return RegistryResult::kUnknownJurisdiction;
  if (!p.credit_code.empty() && provider_codes_.count(p.credit_code) != 0) {
    return RegistryResult::kDuplicateCreditCode;
  }
  undo_.Put(providers_, p.id, p);
  if (!p.credit_code.empty()) undo_.Put(provider_codes_, p.credit_code, p.id);
  return RegistryResult::kOk;
}

RegistryResult Registry::AddProgramme(const ProgrammeRules& p) {
  if (auto r = CheckId(programmes_, p)) return *r;
  if (RegistryResult r = CheckRules(p); r != RegistryResult::kOk) return r;
  undo_.Put(programmes_, p.id, p);
  undo_.Put(lives_, p.id, ProgrammeLife{.versions = {ProgrammeVersion{.rules = p}}});
  return RegistryResult::kOk;
}

RegistryResult Registry::CheckRules(const ProgrammeRules& p) const {
  const Jurisdiction* issuer = FindJurisdiction(p.issuer);
  if (issuer == nullptr) return RegistryResult::kUnknownJurisdiction;
  // A programme is as high as its issuer: the level decides stacking order.
  if (issuer->level != p.level) return RegistryResult::kLevelIsNotTheIssuers;
  for (JurisdictionId home : p.eligibility.home_jurisdictions) {
    if (jurisdictions_.count(home) == 0) return RegistryResult::kUnknownJurisdiction;
  }
  for (ProviderId listed : p.providers.listed) {
    if (providers_.count(listed) == 0) return RegistryResult::kUnknownProvider;
  }
  if (p.total_budget.fen() <= 0) return RegistryResult::kBudgetMustBePositive;
  if (p.yearly_budget && *p.yearly_budget > p.total_budget) {
    return RegistryResult::kYearlyBudgetAboveTotal;
  }
  if (p.valid_until <= p.valid_from) return RegistryResult::kValidityMustEndAfterItStarts;
  if (p.apply_from && p.apply_until && *p.apply_until <= *p.apply_from) {
    return RegistryResult::kApplicationWindowEmpty;
  }
  bool ratio_ok = p.default_ratio_bp <= kFullRatioBp && p.combined_ceiling_bp <= kFullRatioBp;
  for (const RatioRule& rule : p.ratio_rules) ratio_ok = ratio_ok && rule.ratio_bp <= kFullRatioBp;
  if (!ratio_ok) return RegistryResult::kRatioAbove100Percent;
  if (p.per_award_cap && p.redemption == RedemptionMode::kAutomaticGrant) {
    return RegistryResult::kAwardCapNeedsApplications;
  }
  if (!ValidReview(p)) return RegistryResult::kInvalidReviewStages;
  return RegistryResult::kOk;
}

void Registry::PutLife(ProgrammeId id, ProgrammeLife life) {
  BG_CHECK(!life.versions.empty() && programmes_.count(id) != 0)
      << "programme " << id.value() << " has no life to replace";
  undo_.Put(programmes_, id, life.versions.back().rules);
  undo_.Put(lives_, id, std::move(life));
}

const ProgrammeLife* Registry::FindLife(ProgrammeId id) const {
  auto it = lives_.find(id);
  return it == lives_.end() ? nullptr : &it->second;
}

const ProgrammeVersion* Registry::VersionAt(ProgrammeId id, Timestamp at) const {
  const ProgrammeLife* life = FindLife(id);
  if (life == nullptr) return nullptr;
  for (auto it = life->versions.rbegin(); it != life->versions.rend(); ++it) {
    if (it->effective_from <= at) return &*it;
  }
  return &life->versions.front();
}

const ProgrammeVersion* Registry::FindVersion(ProgrammeId id, uint32_t number) const {
  const ProgrammeLife* life = FindLife(id);
  if (life == nullptr || number == 0 || number > life->versions.size()) return nullptr;
  return &life->versions[number - 1];
}

ProgrammeStatus Registry::StatusOf(ProgrammeId id) const {
  const ProgrammeLife* life = FindLife(id);
  return life == nullptr ? ProgrammeStatus::kActive : life->status;
}

const Enterprise* Registry::EnterpriseByCreditCode(const std::string& code) const {
  auto it = enterprise_codes_.find(code);
  return it == enterprise_codes_.end() ? nullptr : FindEnterprise(it->second);
}

const Provider* Registry::ProviderByCreditCode(const std::string& code) const {
  auto it = provider_codes_.find(code);
  return it == provider_codes_.end() ? nullptr : FindProvider(it->second);
}

const Jurisdiction* Registry::FindJurisdiction(JurisdictionId id) const {
  auto it = jurisdictions_.find(id);
  return it == jurisdictions_.end() ? nullptr : &it->second;
}
const Enterprise* Registry::FindEnterprise(EnterpriseId id) const {
  auto it = enterprises_.find(id);
  return it == enterprises_.end() ? nullptr : &it->second;
}
const Provider* Registry::FindProvider(ProviderId id) const {
  auto it = providers_.find(id);
  return it == providers_.end() ? nullptr : &it->second;
}
const ProgrammeRules* Registry::FindProgramme(ProgrammeId id) const {
  auto it = programmes_.find(id);
  return it == programmes_.end() ? nullptr : &it->second;
}

const std::vector<EnterpriseId>& Registry::LinksOf(EnterpriseId id) const {
  static const std::vector<EnterpriseId> no_links;
  auto it = links_.find(id);
  return it == links_.end() ? no_links : it->second;
}

std::vector<JurisdictionId> Registry::ParentsOf(JurisdictionId id) const {
  std::vector<JurisdictionId> out;
  const Jurisdiction* j = FindJurisdiction(id);
  // Parents are registered before children, so the chain ends; the bound
  // guards against a corrupt registry all the same.
  while (j != nullptr && j->parent && out.size() < jurisdictions_.size()) {
    out.push_back(*j->parent);
    j = FindJurisdiction(*j->parent);
  }
  return out;
}

void Registry::AddLink(EnterpriseId from, EnterpriseId to) {
  links_[from].push_back(to);
  undo_.Record([this, from] {
    auto it = links_.find(from);
    it->second.pop_back();
    if (it->second.empty()) links_.erase(it);
  });
}

void Registry::Encode(Writer& w) const {
  EncodeMap(w, jurisdictions_, EncodeJurisdiction);
  EncodeMap(w, enterprises_, EncodeEnterprise);
  EncodeMap(w, providers_, EncodeProvider);
  // A programme is its life: the latest version is programmes_'s.
  w.U32(static_cast<uint32_t>(lives_.size()));
  for (const auto& [id, life] : lives_) EncodeLife(w, life);
}

bool Registry::Decode(Reader& r, Registry* out) {
  Registry reg;
  if (!DecodeMap(r, &reg.jurisdictions_, DecodeJurisdiction) ||
      !DecodeMap(r, &reg.enterprises_, DecodeEnterprise) ||
      !DecodeMap(r, &reg.providers_, DecodeProvider)) {
    return false;
  }
  uint32_t n = 0;
  if (!r.U32(&n) || n > r.remaining()) return false;
  for (uint32_t i = 0; i < n; ++i) {
    ProgrammeLife life;
    if (!DecodeLife(r, &life)) return false;
    const ProgrammeRules& latest = life.versions.back().rules;
    if (!reg.programmes_.emplace(latest.id, latest).second) return false;
    reg.lives_.emplace(latest.id, std::move(life));
  }
  for (const auto& [id, p] : reg.providers_) {
    if (!p.credit_code.empty()) reg.provider_codes_.emplace(p.credit_code, id);
  }
  for (const auto& [id, e] : reg.enterprises_) {
    reg.enterprise_codes_.emplace(e.credit_code, id);
    for (EnterpriseId other : e.related_enterprises) {
      reg.links_[id].push_back(other);
      reg.links_[other].push_back(id);
    }
  }
  *out = std::move(reg);
  return true;
}

}  // namespace bg::programme
