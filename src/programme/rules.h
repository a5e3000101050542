// Programme rules: what a 算力券 (or 训力券, 模型券, 创新券…) programme
// promises, as declarative data an operator can read — who may apply, what
// share is paid for which applicant and resource class, the caps, where the
// money may be spent, how it is redeemed and when it lapses. Scenario files
// and operators' commands fill these structs; the functions below evaluate
// them. Each example in the comments is a real programme from
// ../shared/reference/domain.md.
//
// Thread-safety: values and pure functions.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/ids.h"
#include "common/money.h"
#include "common/status.h"
#include "programme/subsidy.h"

namespace bg::programme {

enum class ApplicantCategory : uint8_t {
  kManufacturing = 0,
  kSoftwareIt,
  kUniversity,
  kResearchInstitute,
  kStartUp,
  kOther,
};
// The category's one spelling, kCategoryNames's (names.h): "start_up".
const char* ApplicantCategoryName(ApplicantCategory category);

// Applicant flags (bits).
inline constexpr uint32_t kSme = 1u << 0;
inline constexpr uint32_t kStartUpFlag = 1u << 1;
inline constexpr uint32_t kLittleGiant = 1u << 2;     // 专精特新"小巨人"
inline constexpr uint32_t kSingleChampion = 1u << 3;  // 单项冠军

enum class CreditStatus : uint8_t { kGood = 0, kDishonest };  // 失信 record in the last 3 years

enum class ResourceClass : uint8_t { kForeignAccelerator = 0, kDomesticAccelerator };

enum class RedemptionMode : uint8_t {
  kPointOfSale = 0,  // the provider deducts, the programme pays the provider (Qingyang, 通兑)
  kReimbursement,   // the enterprise pays in full and is paid back (Beijing, Shenzhen 事后奖补)
  kAutomaticGrant,  // 免申即享: no application (Zhuhai)
};

enum class LapsePolicy : uint8_t { kReturnToBudget = 0, kLapse };

// What an order's compute is for. Shenzhen's 训力券 funds training only;
// Beijing funds training and application. An order that does not say is
// paid only by programmes that fund any purpose.
enum class Purpose : uint8_t { kUnspecified = 0, kTraining, kFineTuning, kInference };

// What a programme pays for. Compute vouchers (算力券, 训力券, 模型券) pay
// for orders of compute; an innovation voucher (科技创新券) pays for the use
// of shared research facilities and instruments (facility/), of some kinds
// only when it says so. One claim is for one or the other, so a compute
// voucher never pays for beam time nor an innovation voucher for GPUs.
enum class Spend : uint8_t { kCompute = 0, kFacilities };
struct SpendRules {
  Spend spend = Spend::kCompute;
  // kFacilities: the kinds it pays for, as facility::kFacilityKindNames
  // spells them ("neutron_station"); empty: every kind.
  std::vector<std::string> facility_kinds = {};
  friend bool operator==(const SpendRules&, const SpendRules&) = default;
};

// How often the programme settles with providers and enterprises
// (settlement/settlement.h): its statements are per month or per quarter.
enum class SettlementCycle : uint8_t { kMonthly = 0, kQuarterly };

struct Applicant {
  EnterpriseId id{};
  JurisdictionId home{};
  ApplicantCategory category = ApplicantCategory::kOther;
  uint32_t flags = 0;
  CreditStatus credit = CreditStatus::kGood;

  friend bool operator==(const Applicant&, const Applicant&) = default;
};

struct Eligibility {
  std::vector<JurisdictionId> home_jurisdictions = {};  // empty: registered anywhere
  std::vector<ApplicantCategory> categories = {};       // empty: any category
  bool good_credit_required = true;                     // Beijing: no 失信 in 3 years

  friend bool operator==(const Eligibility&, const Eligibility&) = default;
};

// The first rule whose conditions all hold sets the ratio; otherwise the
// programme's default applies. Shenzhen 训力券: start-ups 60%, others 50%.
// Hangzhou: 30% for domestic compute, 20% otherwise.
struct RatioRule {
  std::optional<ApplicantCategory> category = {};
  uint32_t flags_all = 0;  // applicant must have all of these flags
  std::optional<ResourceClass> resource = {};
  uint32_t ratio_bp = 0;

  friend bool operator==(const RatioRule&, const RatioRule&) = default;
};

// The first rule whose flags the applicant has sets the yearly cap.
// Zhuhai: 10,000,000 for 小巨人 and 单项冠军, else 2,000,000.
struct CapRule {
  uint32_t flags_any = 0;  // applicant must have at least one of these flags
  Money per_entity_year{};

  friend bool operator==(const CapRule&, const CapRule&) = default;
};

struct ProviderRules {
  bool listed_only = false;  // Beijing 算力伙伴, Chengdu named centres
  std::vector<ProviderId> listed = {};
  std::optional<uint64_t> platform = {};  // Dongguan: via the city's AI compute platform
  bool inside_issuer_only = false;        // Shanghai 2023: local compute only

  friend bool operator==(const ProviderRules&, const ProviderRules&) = default;
};

// Who decides a review stage: an operator of the programme whose token
// carries this stage (access::TokenStage's reviewer, approver, finance).
enum class StageRole : uint8_t { kReviewer = 0, kApprover, kFinance };
inline constexpr std::array<EnumName<StageRole>, 3> kStageRoleNames = {{
    {"reviewer", StageRole::kReviewer},
    {"approver", StageRole::kApprover},
    {"finance", StageRole::kFinance},
}};
static_assert(IsNameTable(kStageRoleNames));

// A programme's review as bureaus run it (Yangzhou: the district data
// bureau re-checks, the city data bureau reviews, finance approves): an
// application under review passes each stage in turn, each approved by
// someone of the stage's role; nobody approves what they prepared (started
// the review of) or a stage they approved before; above
// `second_approval_above` the last stage needs two different approvers.
// No stages: one approval by anyone who may review (the programmes of
// before, and the simplest ones).
struct ReviewStage {
  std::string name;  // "district", "city", "finance"
  StageRole by = StageRole::kReviewer;
  friend bool operator==(const ReviewStage&, const ReviewStage&) = default;
};
inline constexpr size_t kMaxReviewStages = 8;
struct ReviewRules {
  std::vector<ReviewStage> stages = {};
  std::optional<Money> second_approval_above = {};
  friend bool operator==(const ReviewRules&, const ReviewRules&) = default;
};

struct ProgrammeRules {
  ProgrammeId id{};
  std::string name;
  std::string kind = "算力券";
  JurisdictionId issuer{};
  JurisdictionLevel level = JurisdictionLevel::kCity;
  Timestamp valid_from = 0;
  Timestamp valid_until = 0;  // exclusive
  Money total_budget{};
  std::optional<Money> yearly_budget = {};
  // Shenzhen 语料券 2025: 09-01 to 09-30; none for rolling or automatic programmes.
  std::optional<Timestamp> apply_from = {};
  std::optional<Timestamp> apply_until = {};  // exclusive
  Eligibility eligibility;
  std::vector<Purpose> purposes = {};  // empty: any purpose (Shenzhen 训力券: training)
  uint32_t default_ratio_bp = 0;
  std::vector<RatioRule> ratio_rules = {};
  // Two caps of different things: one order's subsidy (Qingyang-style
  // per-contract limits), and one award — the voucher granted on one
  // application (Shenzhen 训力券: at most 10,000,000 per award; Zhejiang:
  // 20,000 per application). Automatic grants award nothing, so a per-award
  // cap needs applications.
  std::optional<Money> per_order_cap = {};
  std::optional<Money> per_award_cap = {};
  std::optional<Money> default_entity_year_cap = {};  // Dongguan: 1,000,000
  std::vector<CapRule> cap_rules = {};
  ProviderRules providers;
  RedemptionMode redemption = RedemptionMode::kPointOfSale;
  uint32_t voucher_validity_days = 365;  // Qingyang: 12 months
  LapsePolicy lapse = LapsePolicy::kReturnToBudget;
  // When this programme stacks with others on one order, their shares
  // together stay under the lowest ceiling any of them sets (Shanghai: city +
  // district ≤ 100%).
  uint32_t combined_ceiling_bp = kFullRatioBp;
  // SMEs first: the scheduler weighs an SME's fair share twice while any
  // programme says so (scheduler/scheduler.h).
  bool sme_first = false;
  SettlementCycle settlement = SettlementCycle::kMonthly;
  ReviewRules review = {};  // journaled after the rest (tag 39) when set
  SpendRules covers = {};   // journaled after the review (tag 47) when not compute

  friend bool operator==(const ProgrammeRules&, const ProgrammeRules&) = default;
};

// OK, or FailedPrecondition naming the rule that excludes the applicant at
// time `at` (validity, application window, home jurisdiction, category,
// credit). Automatic-grant programmes have no application window.
// `home_parents` are the jurisdictions above the applicant's home (Guangming
// -> Shenzhen -> Guangdong): an enterprise registered in a district is
// registered in its city too.
Status CheckEligible(const ProgrammeRules& rules, const Applicant& applicant, Timestamp at,
                     std::span<const JurisdictionId> home_parents = {});

// OK, or FailedPrecondition naming the provider rule that excludes
// `provider` (in `provider_home`, listed on `provider_platforms`): a
// programme that pays only through platform N (Dongguan) pays only at
// providers connected to platform N — the provider's registration says so,
// not the buyer. `home_parents`: the jurisdictions above the provider's
// home (a provider in Huangpu is inside Guangzhou).
Status CheckProvider(const ProgrammeRules& rules, ProviderId provider, JurisdictionId provider_home,
                     std::span<const uint64_t> provider_platforms,
                     std::span<const JurisdictionId> home_parents = {});

// OK, or FailedPrecondition naming the purposes the programme funds.
Status CheckPurpose(const ProgrammeRules& rules, Purpose purpose);

// OK, or FailedPrecondition naming what the programme pays for: compute
// (`facility_kind` empty) or the use of a facility of `facility_kind`.
Status CheckCovers(const ProgrammeRules& rules, std::string_view facility_kind);

uint32_t RatioFor(const ProgrammeRules& rules, const Applicant& applicant, ResourceClass resource);
std::optional<Money> EntityYearCapFor(const ProgrammeRules& rules, const Applicant& applicant);

}  // namespace bg::programme
