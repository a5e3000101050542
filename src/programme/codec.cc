#include "programme/codec.h"

#include "common/wire.h"

namespace bg::programme {
namespace {

using namespace wire;  // NOLINT(google-build-using-namespace): the file is made of them

constexpr auto kPutJurisdictionId = [](Writer& w, JurisdictionId id) { PutId(w, id); };
constexpr auto kGetJurisdictionId = [](Reader& r, JurisdictionId* id) { return GetId(r, id); };
constexpr auto kPutEnterpriseId = [](Writer& w, EnterpriseId id) { PutId(w, id); };
constexpr auto kGetEnterpriseId = [](Reader& r, EnterpriseId* id) { return GetId(r, id); };
constexpr auto kPutProviderId = [](Writer& w, ProviderId id) { PutId(w, id); };
constexpr auto kGetProviderId = [](Reader& r, ProviderId* id) { return GetId(r, id); };
constexpr auto kPutU64 = [](Writer& w, uint64_t v) { w.U64(v); };
constexpr auto kGetU64 = [](Reader& r, uint64_t* v) { return r.U64(v); };
constexpr auto kPutMoney = [](Writer& w, Money m) { PutMoney(w, m); };
constexpr auto kGetMoney = [](Reader& r, Money* m) { return GetMoney(r, m); };

void PutApplicant(Writer& w, const Applicant& a) {
  PutId(w, a.id);
  PutId(w, a.home);
  PutEnum(w, a.category);
  w.U32(a.flags);
  PutEnum(w, a.credit);
}
bool GetApplicant(Reader& r, Applicant* a) {
  return GetId(r, &a->id) && GetId(r, &a->home) &&
         GetEnum(r, &a->category, ApplicantCategory::kOther) && r.U32(&a->flags) &&
         GetEnum(r, &a->credit, CreditStatus::kDishonest);
}

void PutRatioRule(Writer& w, const RatioRule& rule) {
  PutOptional(w, rule.category, [](Writer& ww, ApplicantCategory c) { PutEnum(ww, c); });
  w.U32(rule.flags_all);
  PutOptional(w, rule.resource, [](Writer& ww, ResourceClass c) { PutEnum(ww, c); });
  w.U32(rule.ratio_bp);
}
bool GetRatioRule(Reader& r, RatioRule* rule) {
  return GetOptional(r, &rule->category,
                     [](Reader& rr, ApplicantCategory* c) {
                       return GetEnum(rr, c, ApplicantCategory::kOther);
                     }) &&
         r.U32(&rule->flags_all) &&
         GetOptional(r, &rule->resource,
                     [](Reader& rr, ResourceClass* c) {
                       return GetEnum(rr, c, ResourceClass::kDomesticAccelerator);
                     }) &&
         r.U32(&rule->ratio_bp);
}

void PutCapRule(Writer& w, const CapRule& rule) {
  w.U32(rule.flags_any);
  PutMoney(w, rule.per_entity_year);
}
bool GetCapRule(Reader& r, CapRule* rule) {
  return r.U32(&rule->flags_any) && GetMoney(r, &rule->per_entity_year);
}

}  // namespace

void EncodeJurisdiction(Writer& w, const Jurisdiction& j) {
  PutId(w, j.id);
  w.Str(j.code);
  w.Str(j.name);
  w.Str(j.name_zh);
  PutEnum(w, j.level);
  PutOptional(w, j.parent, kPutJurisdictionId);
  w.U32(j.currency_ledger);
}

bool DecodeJurisdiction(Reader& r, Jurisdiction* j) {
  return GetId(r, &j->id) && r.Str(&j->code) && r.Str(&j->name) && r.Str(&j->name_zh) &&
         GetEnum(r, &j->level, JurisdictionLevel::kNational) &&
         GetOptional(r, &j->parent, kGetJurisdictionId) && r.U32(&j->currency_ledger);
}

void EncodeEnterprise(Writer& w, const Enterprise& e) {
  PutId(w, e.id);
  w.Str(e.credit_code);
  w.Str(e.name);
  PutApplicant(w, e.applicant);
  PutVector(w, e.related_enterprises, kPutEnterpriseId);
  PutVector(w, e.related_providers, kPutProviderId);
}

bool DecodeEnterprise(Reader& r, Enterprise* e) {
  return GetId(r, &e->id) && r.Str(&e->credit_code) && r.Str(&e->name) &&
         GetApplicant(r, &e->applicant) &&
         GetVector(r, &e->related_enterprises, kGetEnterpriseId) &&
         GetVector(r, &e->related_providers, kGetProviderId);
}

void EncodeProvider(Writer& w, const Provider& p) {
  PutId(w, p.id);
  w.Str(p.name);
  w.Str(p.credit_code);
  PutId(w, p.home);
  PutVector(w, p.related_enterprises, kPutEnterpriseId);
  PutVector(w, p.platforms, kPutU64);
}

bool DecodeProvider(Reader& r, Provider* p) {
  return GetId(r, &p->id) && r.Str(&p->name) && r.Str(&p->credit_code) && GetId(r, &p->home) &&
         GetVector(r, &p->related_enterprises, kGetEnterpriseId) &&
         GetVector(r, &p->platforms, kGetU64);
}

void EncodeProgramme(Writer& w, const ProgrammeRules& p) {
  PutId(w, p.id);
  w.Str(p.name);
  w.Str(p.kind);
  PutId(w, p.issuer);
  PutEnum(w, p.level);
  w.U64(p.valid_from);
  w.U64(p.valid_until);
  PutMoney(w, p.total_budget);
  PutOptional(w, p.yearly_budget, kPutMoney);
  PutOptional(w, p.apply_from, kPutU64);
  PutOptional(w, p.apply_until, kPutU64);
  PutVector(w, p.eligibility.home_jurisdictions, kPutJurisdictionId);
  PutVector(w, p.eligibility.categories, [](Writer& ww, ApplicantCategory c) { PutEnum(ww, c); });
  w.U8(p.eligibility.good_credit_required ? 1 : 0);
  w.U32(p.default_ratio_bp);
  PutVector(w, p.ratio_rules, PutRatioRule);
  PutOptional(w, p.per_order_cap, kPutMoney);
  PutOptional(w, p.per_award_cap, kPutMoney);
  PutOptional(w, p.default_entity_year_cap, kPutMoney);
  PutVector(w, p.cap_rules, PutCapRule);
  w.U8(p.providers.listed_only ? 1 : 0);
  PutVector(w, p.providers.listed, kPutProviderId);
  PutOptional(w, p.providers.platform, kPutU64);
  w.U8(p.providers.inside_issuer_only ? 1 : 0);
  PutEnum(w, p.redemption);
  w.U32(p.voucher_validity_days);
  PutEnum(w, p.lapse);
  w.U32(p.combined_ceiling_bp);
  w.U8(p.sme_first ? 1 : 0);
  PutEnum(w, p.settlement);
  PutVector(w, p.purposes, [](Writer& ww, Purpose x) { PutEnum(ww, x); });
}

bool DecodeProgramme(Reader& r, ProgrammeRules* p) {
  return GetId(r, &p->id) && r.Str(&p->name) && r.Str(&p->kind) && GetId(r, &p->issuer) &&
         GetEnum(r, &p->level, JurisdictionLevel::kNational) && r.U64(&p->valid_from) &&
         r.U64(&p->valid_until) && GetMoney(r, &p->total_budget) &&
         GetOptional(r, &p->yearly_budget, kGetMoney) && GetOptional(r, &p->apply_from, kGetU64) &&
         GetOptional(r, &p->apply_until, kGetU64) &&
         GetVector(r, &p->eligibility.home_jurisdictions, kGetJurisdictionId) &&
         GetVector(r, &p->eligibility.categories,
                   [](Reader& rr, ApplicantCategory* c) {
                     return GetEnum(rr, c, ApplicantCategory::kOther);
                   }) &&
         GetBool(r, &p->eligibility.good_credit_required) && r.U32(&p->default_ratio_bp) &&
         GetVector(r, &p->ratio_rules, GetRatioRule) &&
         GetOptional(r, &p->per_order_cap, kGetMoney) &&
         GetOptional(r, &p->per_award_cap, kGetMoney) &&
         GetOptional(r, &p->default_entity_year_cap, kGetMoney) &&
         GetVector(r, &p->cap_rules, GetCapRule) && GetBool(r, &p->providers.listed_only) &&
         GetVector(r, &p->providers.listed, kGetProviderId) &&
         GetOptional(r, &p->providers.platform, kGetU64) &&
         GetBool(r, &p->providers.inside_issuer_only) &&
         GetEnum(r, &p->redemption, RedemptionMode::kAutomaticGrant) &&
         r.U32(&p->voucher_validity_days) && GetEnum(r, &p->lapse, LapsePolicy::kLapse) &&
         r.U32(&p->combined_ceiling_bp) && GetBool(r, &p->sme_first) &&
         GetEnum(r, &p->settlement, SettlementCycle::kQuarterly) &&
         GetVector(r, &p->purposes,
                   [](Reader& rr, Purpose* x) { return GetEnum(rr, x, Purpose::kInference); });
}

void EncodeReview(Writer& w, const ReviewRules& review) {
  PutVector(w, review.stages, [](Writer& ww, const ReviewStage& st) {
    ww.Str(st.name);
    PutEnum(ww, st.by);
  });
  PutOptional(w, review.second_approval_above, kPutMoney);
}

bool DecodeReview(Reader& r, ReviewRules* review) {
  return GetVector(r, &review->stages,
                   [](Reader& rr, ReviewStage* st) {
                     return rr.Str(&st->name) && GetEnum(rr, &st->by, StageRole::kFinance);
                   }) &&
         review->stages.size() <= kMaxReviewStages &&
         GetOptional(r, &review->second_approval_above, kGetMoney);
}

void EncodeCovers(Writer& w, const SpendRules& covers) {
  PutEnum(w, covers.spend);
  PutVector(w, covers.facility_kinds, [](Writer& ww, const std::string& k) { ww.Str(k); });
}

bool DecodeCovers(Reader& r, SpendRules* covers) {
  return GetEnum(r, &covers->spend, Spend::kFacilities) &&
         GetVector(r, &covers->facility_kinds,
                   [](Reader& rr, std::string* k) { return rr.Str(k); }) &&
         (covers->spend == Spend::kFacilities || covers->facility_kinds.empty());
}

}  // namespace bg::programme
