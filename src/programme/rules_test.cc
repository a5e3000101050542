#include "programme/rules.h"

#include <gtest/gtest.h>

namespace bg::programme {
namespace {

// 2025-01-01T00:00:00Z and friends, in ns.
constexpr Timestamp kDay = 24ULL * 3600 * kNanosPerSecond;
constexpr Timestamp k2025 = 1'735'689'600ULL * kNanosPerSecond;
constexpr Timestamp k2028 = k2025 + 1095 * kDay;

constexpr JurisdictionId kDongguan(441900);
constexpr JurisdictionId kShenzhen(440300);
constexpr JurisdictionId kZhuhai(440400);
constexpr JurisdictionId kShaoguan(440200);

Money Yuan(int64_t y) { return *Money::Yuan(y); }

// 东府〔2025〕1号: manufacturing, software/IT, universities, research
// institutes; ≤50%; ≤1,000,000 a year; through the city's platform.
ProgrammeRules Dongguan() {
  ProgrammeRules r;
  r.id = ProgrammeId(1);
  r.name = "Dongguan 算力券";
  r.issuer = kDongguan;
  r.valid_from = k2025;
  r.valid_until = k2028;
  r.total_budget = Yuan(50'000'000);
  r.eligibility.home_jurisdictions = {kDongguan};
  r.eligibility.categories = {ApplicantCategory::kManufacturing, ApplicantCategory::kSoftwareIt,
                              ApplicantCategory::kUniversity,
                              ApplicantCategory::kResearchInstitute};
  r.default_ratio_bp = 5000;
  r.default_entity_year_cap = Yuan(1'000'000);
  r.providers.platform = 7;  // 东莞人工智能算力服务平台
  return r;
}

Applicant Maker(uint32_t flags = 0, ApplicantCategory c = ApplicantCategory::kManufacturing) {
  return Applicant{.id = EnterpriseId(9), .home = kDongguan, .category = c, .flags = flags};
}

TEST(RulesTest, EligibilityNamesTheRuleThatExcludes) {
  const ProgrammeRules dongguan = Dongguan();
  struct Case {
    const char* name;
    Applicant applicant;
    Timestamp at;
    const char* error;  // substring; nullptr = eligible
  };
  Applicant elsewhere = Maker();
  elsewhere.home = kShenzhen;
  Applicant dishonest = Maker();
  dishonest.credit = CreditStatus::kDishonest;
  const std::vector<Case> cases = {
      {"Dongguan: a manufacturer in Dongguan", Maker(), k2025 + kDay, nullptr},
      {"Dongguan: universities too", Maker(0, ApplicantCategory::kUniversity), k2025, nullptr},
      {"Dongguan: the policy runs 2025-2027", Maker(), k2028, "is not in force"},
      {"Dongguan: registered in the city", elsewhere, k2025, "outside the programme's area"},
      {"Dongguan: only the four categories", Maker(0, ApplicantCategory::kOther), k2025,
       "applicant category 'other' is not eligible (eligible: manufacturing, software_it, "
       "university, research_institute)"},
      {"Beijing: no 失信 record in 3 years", dishonest, k2025, "dishonesty (失信) record"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    Status s = CheckEligible(dongguan, c.applicant, c.at);
    if (c.error == nullptr) {
      EXPECT_TRUE(s.ok()) << s;
    } else {
      EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition);
      EXPECT_NE(s.message().find(c.error), std::string::npos) << s;
      EXPECT_NE(s.message().find("programme 1 (Dongguan 算力券)"), std::string::npos) << s;
    }
  }
}

TEST(RulesTest, ApplicationWindowBindsExceptForAutomaticGrants) {
  // Shenzhen 语料券 2025: applications 09-01 to 09-30.
  ProgrammeRules corpus = Dongguan();
  corpus.apply_from = k2025 + 243 * kDay;
  corpus.apply_until = k2025 + 273 * kDay;
  EXPECT_TRUE(CheckEligible(corpus, Maker(), k2025 + 250 * kDay).ok());
  EXPECT_NE(CheckEligible(corpus, Maker(), k2025 + 273 * kDay)
                .message()
                .find("outside its application window"),
            std::string::npos);
  corpus.redemption = RedemptionMode::kAutomaticGrant;  // Zhuhai 免申即享: nothing to apply for
  EXPECT_TRUE(CheckEligible(corpus, Maker(), k2025 + 300 * kDay).ok());
}

TEST(RulesTest, RatioAndCapFollowTheApplicantAndTheResource) {
  // Shenzhen 训力券: 50%, 60% for start-ups.
  ProgrammeRules shenzhen = Dongguan();
  shenzhen.default_ratio_bp = 5000;
  shenzhen.ratio_rules = {{.flags_all = kStartUpFlag, .ratio_bp = 6000}};
  EXPECT_EQ(RatioFor(shenzhen, Maker(), ResourceClass::kForeignAccelerator), 5000u);
  EXPECT_EQ(RatioFor(shenzhen, Maker(kStartUpFlag), ResourceClass::kForeignAccelerator), 6000u);
  // Hangzhou: 30% for domestic compute, 20% otherwise.
  ProgrammeRules hangzhou = Dongguan();
  hangzhou.default_ratio_bp = 2000;
  hangzhou.ratio_rules = {{.resource = ResourceClass::kDomesticAccelerator, .ratio_bp = 3000}};
  EXPECT_EQ(RatioFor(hangzhou, Maker(), ResourceClass::kDomesticAccelerator), 3000u);
  EXPECT_EQ(RatioFor(hangzhou, Maker(), ResourceClass::kForeignAccelerator), 2000u);
  // Zhuhai: 2,000,000 a year, 10,000,000 for 小巨人 or 单项冠军.
  ProgrammeRules zhuhai = Dongguan();
  zhuhai.default_entity_year_cap = Yuan(2'000'000);
  zhuhai.cap_rules = {
      {.flags_any = kLittleGiant | kSingleChampion, .per_entity_year = Yuan(10'000'000)}};
  EXPECT_EQ(EntityYearCapFor(zhuhai, Maker(kSme)), Yuan(2'000'000));
  EXPECT_EQ(EntityYearCapFor(zhuhai, Maker(kLittleGiant)), Yuan(10'000'000));
  EXPECT_EQ(EntityYearCapFor(zhuhai, Maker(kSingleChampion | kSme)), Yuan(10'000'000));
}

TEST(RulesTest, ProviderRulesNameWhatExcludesAProvider) {
  ProgrammeRules dongguan = Dongguan();
  // Dongguan: inside or outside the city, but only at providers connected
  // to the platform — the provider's registration decides, not the buyer.
  const std::vector<uint64_t> on_platform = {2, 7};
  const std::vector<uint64_t> elsewhere = {2};
  EXPECT_TRUE(CheckProvider(dongguan, ProviderId(3), kShaoguan, on_platform).ok());
  EXPECT_NE(CheckProvider(dongguan, ProviderId(3), kShaoguan, elsewhere)
                .message()
                .find("pays only at providers on platform 7; provider 3 is on platform 2"),
            std::string::npos);
  EXPECT_NE(CheckProvider(dongguan, ProviderId(3), kShaoguan, {}).message().find("on no platform"),
            std::string::npos);
  // Beijing: only the 算力伙伴 list.
  ProgrammeRules beijing = Dongguan();
  beijing.providers = {.listed_only = true, .listed = {ProviderId(1), ProviderId(2)}};
  EXPECT_TRUE(CheckProvider(beijing, ProviderId(2), kShaoguan, {}).ok());
  EXPECT_NE(CheckProvider(beijing, ProviderId(3), kShaoguan, {})
                .message()
                .find("not on the programme's provider list"),
            std::string::npos);
  // Shanghai 2023: local compute only.
  ProgrammeRules local = Dongguan();
  local.providers = {.inside_issuer_only = true};
  EXPECT_TRUE(CheckProvider(local, ProviderId(3), kDongguan, {}).ok());
  EXPECT_NE(CheckProvider(local, ProviderId(3), kZhuhai, {})
                .message()
                .find("outside the issuing jurisdiction"),
            std::string::npos);
}

TEST(RulesTest, PurposeNamesWhatTheProgrammeFunds) {
  ProgrammeRules any = Dongguan();
  EXPECT_TRUE(CheckPurpose(any, Purpose::kInference).ok());
  EXPECT_TRUE(CheckPurpose(any, Purpose::kUnspecified).ok());
  ProgrammeRules training = Dongguan();  // Shenzhen 训力券 funds training only
  training.purposes = {Purpose::kTraining};
  EXPECT_TRUE(CheckPurpose(training, Purpose::kTraining).ok());
  EXPECT_NE(CheckPurpose(training, Purpose::kInference)
                .message()
                .find("funds training only; the order is for inference"),
            std::string::npos);
  EXPECT_NE(CheckPurpose(training, Purpose::kUnspecified)
                .message()
                .find("the order does not say its purpose"),
            std::string::npos);
}

}  // namespace
}  // namespace bg::programme

namespace bg::programme {
namespace {

// Guangming measures: a district enterprise is in its city's area too, so
// Shenzhen's 训力券 (area: Shenzhen) takes a Guangming applicant; a
// Guangming provider is inside Shenzhen for a local-compute-only rule
// (Shanghai 2023).
TEST(RulesTest, ADistrictBelongsToItsCity) {
  constexpr JurisdictionId kGuangming(440311);
  ProgrammeRules shenzhen = Dongguan();
  shenzhen.issuer = kShenzhen;
  shenzhen.eligibility.home_jurisdictions = {kShenzhen};
  shenzhen.providers = ProviderRules{.inside_issuer_only = true};
  Applicant lab = Maker(0, ApplicantCategory::kResearchInstitute);
  lab.home = kGuangming;
  const std::vector<JurisdictionId> parents = {kShenzhen};
  EXPECT_FALSE(CheckEligible(shenzhen, lab, k2025 + kDay).ok());
  EXPECT_TRUE(CheckEligible(shenzhen, lab, k2025 + kDay, parents).ok());
  EXPECT_FALSE(CheckProvider(shenzhen, ProviderId(3), kGuangming, {}).ok());
  EXPECT_TRUE(CheckProvider(shenzhen, ProviderId(3), kGuangming, {}, parents).ok());
  // A sibling city under the same province is not inside.
  const std::vector<JurisdictionId> zhuhai_parents = {JurisdictionId(440000)};
  EXPECT_FALSE(CheckProvider(shenzhen, ProviderId(3), kZhuhai, {}, zhuhai_parents).ok());
}

}  // namespace
}  // namespace bg::programme
