// The preview of a sample order under draft rules (preview.h): each limit
// binds where the rules say so, a rule that excludes the order is a refusal
// with the rule's own words, and the yearly cap counts what the enterprise
// really used of an existing programme.
#include "programme/preview.h"

#include <gtest/gtest.h>

#include "programme/book_test_world.h"

namespace bg::programme {
namespace {

using testing::Day;
using testing::World;

// GBA ids (file order, scenarios/gba.toml).
constexpr ProgrammeId kDongguan(1), kZhuhai(2);
constexpr EnterpriseId kSongshan(1), kXiangzhou(3);
constexpr ProviderId kShaoguan(1), kShenzhenOpen(3), kHengqin(5);

Money Yuan(int64_t y) { return Money::Fen(y * 100); }

class PreviewTest : public ::testing::Test {
 protected:
  void SetUp() override { w_.Load("scenarios/gba.toml"); }

  // Dongguan's rules as registered: 50%, 1,000,000 a year per entity,
  // providers on platform 1.
  ProgrammeRules Dongguan() const { return *w_.registry.FindProgramme(kDongguan); }

  Preview Of(const ProgrammeRules& rules, EnterpriseId e, ProviderId p, Money amount,
             Timestamp at = Day(2025, 6, 1)) const {
    Result<Preview> r = PreviewOrder(rules, w_.registry, w_.book,
                                     {.enterprise = e, .provider = p, .amount = amount, .at = at});
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? *r : Preview{};
  }

  static Limit BoundBy(const Preview& p) {
    EXPECT_EQ(p.result.shares.size(), 1u);
    return p.result.shares.empty() ? Limit::kNoLiveVoucher : p.result.shares[0].bound_by;
  }

  World w_;
};

TEST_F(PreviewTest, RatioBinds) {
  const Preview p = Of(Dongguan(), kSongshan, kShaoguan, Yuan(100'000));
  ASSERT_TRUE(p.refusal.ok()) << p.refusal;
  EXPECT_EQ(p.ratio_bp, 5000u);
  EXPECT_EQ(p.result.subsidy, Yuan(50'000));
  EXPECT_EQ(p.result.self_pay, Yuan(50'000));
  EXPECT_EQ(BoundBy(p), Limit::kRatio);
  // Every limit considered, the sample voucher holding the whole budget.
  ASSERT_EQ(p.result.shares[0].limits.size(), 5u);
  EXPECT_EQ(p.result.shares[0].limits[1], std::make_pair(Limit::kEntityYearCap, Yuan(1'000'000)));
  EXPECT_EQ(p.result.shares[0].limits[2], std::make_pair(Limit::kVoucherBalance, Yuan(50'000'000)));
  EXPECT_TRUE(p.result.shares[0].draws.empty());
  EXPECT_EQ(p.Explain().rfind("100000.00 yuan: subsidy 50000.00, self-pay 50000.00\n", 0), 0u)
      << p.Explain();

  ProgrammeRules lower = Dongguan();
  lower.default_ratio_bp = 3000;
  EXPECT_EQ(Of(lower, kSongshan, kShaoguan, Yuan(100'000)).result.subsidy, Yuan(30'000));
}

TEST_F(PreviewTest, PerOrderCapBinds) {
  ProgrammeRules rules = Dongguan();
  rules.per_order_cap = Yuan(20'000);
  const Preview p = Of(rules, kSongshan, kShaoguan, Yuan(100'000));
  EXPECT_EQ(p.result.subsidy, Yuan(20'000));
  EXPECT_EQ(p.result.self_pay, Yuan(80'000));
  EXPECT_EQ(BoundBy(p), Limit::kPerOrderCap);
}

TEST_F(PreviewTest, PerAwardCapIsTheVoucherBalance) {
  ProgrammeRules rules = Dongguan();
  rules.per_award_cap = Yuan(30'000);
  const Preview p = Of(rules, kSongshan, kShaoguan, Yuan(100'000));
  EXPECT_EQ(p.result.subsidy, Yuan(30'000));
  EXPECT_EQ(BoundBy(p), Limit::kVoucherBalance);
}

TEST_F(PreviewTest, EntityYearCapBindsAndCountsWhatWasUsed) {
  // 50% of 3,000,000 is above the 1,000,000 cap, nothing used yet.
  Preview p = Of(Dongguan(), kSongshan, kShaoguan, Yuan(3'000'000));
  EXPECT_EQ(p.result.subsidy, Yuan(1'000'000));
  EXPECT_EQ(BoundBy(p), Limit::kEntityYearCap);
  EXPECT_TRUE(p.cap_used_recorded);
  EXPECT_EQ(p.cap_used, Money{});

  // A real claim of 300,000 subsidy in 2025 leaves 700,000 of the cap.
  w_.SetTime(Day(2025, 3, 3));
  ASSERT_TRUE(w_.Grant(1, kDongguan, kSongshan, Yuan(1'000'000)).ok());
  ASSERT_TRUE(w_.Do(Redeem{.id = ClaimId(1),
                           .order = OrderId(1),
                           .enterprise = kSongshan,
                           .provider = kShaoguan,
                           .amount = Yuan(600'000)})
                  .ok());
  p = Of(Dongguan(), kSongshan, kShaoguan, Yuan(3'000'000));
  EXPECT_EQ(p.cap_year, 2025);
  EXPECT_EQ(p.cap_used, Yuan(300'000));
  EXPECT_EQ(p.result.subsidy, Yuan(700'000));
  EXPECT_EQ(BoundBy(p), Limit::kEntityYearCap);
  // Another year starts afresh.
  EXPECT_EQ(Of(Dongguan(), kSongshan, kShaoguan, Yuan(3'000'000), Day(2026, 6, 1)).result.subsidy,
            Yuan(1'000'000));

  // The same rules as a new programme: nothing used, and it says so.
  ProgrammeRules draft = Dongguan();
  draft.id = ProgrammeId(99);
  p = Of(draft, kSongshan, kShaoguan, Yuan(3'000'000));
  EXPECT_FALSE(p.cap_used_recorded);
  EXPECT_EQ(p.cap_used, Money{});
  EXPECT_EQ(p.result.subsidy, Yuan(1'000'000));
}

TEST_F(PreviewTest, IneligibleCategoryIsRefusedWithItsReason) {
  ProgrammeRules rules = Dongguan();
  rules.eligibility.categories = {ApplicantCategory::kUniversity};
  const Preview p = Of(rules, kSongshan, kShaoguan, Yuan(100'000));
  EXPECT_EQ(p.refusal.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(p.refusal.message().find("applicant category 'manufacturing' is not eligible"),
            std::string::npos)
      << p.refusal;
  EXPECT_EQ(p.result.subsidy, Money{});
  EXPECT_EQ(p.result.self_pay, Yuan(100'000));
  EXPECT_TRUE(p.result.shares.empty());
  EXPECT_NE(p.Explain().find("not eligible: "), std::string::npos);
}

TEST_F(PreviewTest, ProviderNotAllowedIsRefused) {
  // Dongguan pays only at providers on platform 1; Shenzhen Open is on 2.
  const Preview p = Of(Dongguan(), kSongshan, kShenzhenOpen, Yuan(100'000));
  EXPECT_EQ(p.refusal.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(p.refusal.message().find("pays only at providers on platform 1"), std::string::npos)
      << p.refusal;
  EXPECT_EQ(p.result.subsidy, Money{});
}

TEST_F(PreviewTest, OutsideValidityAndUnfundedPurposeAreRefused) {
  EXPECT_NE(Of(Dongguan(), kSongshan, kShaoguan, Yuan(100), Day(2028, 1, 1))
                .refusal.message()
                .find("is not in force"),
            std::string::npos);
  ProgrammeRules training = Dongguan();
  training.purposes = {Purpose::kTraining};
  const Result<Preview> p = PreviewOrder(training, w_.registry, w_.book,
                                         {.enterprise = kSongshan,
                                          .provider = kShaoguan,
                                          .amount = Yuan(100),
                                          .purpose = Purpose::kInference,
                                          .at = Day(2025, 6, 1)});
  ASSERT_TRUE(p.ok());
  EXPECT_NE(p->refusal.message().find("funds training only"), std::string::npos) << p->refusal;
}

TEST_F(PreviewTest, AutomaticGrantBudgetBinds) {
  // Zhuhai's 免申即享 with a nearly spent budget: the budget pays directly.
  ProgrammeRules rules = *w_.registry.FindProgramme(kZhuhai);
  rules.total_budget = Yuan(100);
  const Preview p = Of(rules, kXiangzhou, kHengqin, Yuan(10'000));
  ASSERT_TRUE(p.refusal.ok()) << p.refusal;
  EXPECT_EQ(p.result.subsidy, Yuan(100));
  EXPECT_EQ(BoundBy(p), Limit::kBudget);
  for (const auto& [limit, value] : p.result.shares[0].limits) {
    EXPECT_NE(limit, Limit::kVoucherBalance) << "an automatic grant has no voucher";
  }
  // 小巨人: the 10,000,000 cap rule, not the default 2,000,000.
  rules.total_budget = Yuan(500'000'000);
  rules.yearly_budget = Yuan(300);
  EXPECT_EQ(Of(rules, kXiangzhou, kHengqin, Yuan(10'000)).result.subsidy, Yuan(300));
  EXPECT_EQ(Of(rules, kXiangzhou, kHengqin, Yuan(10'000)).result.shares[0].limits[1],
            std::make_pair(Limit::kEntityYearCap, Yuan(10'000'000)));
}

TEST_F(PreviewTest, UnknownPartiesAndBadAmountsAreErrors) {
  auto run = [&](EnterpriseId e, ProviderId p, Money amount) {
    return PreviewOrder(Dongguan(), w_.registry, w_.book,
                        {.enterprise = e, .provider = p, .amount = amount, .at = Day(2025, 6, 1)})
        .status()
        .code();
  };
  EXPECT_EQ(run(EnterpriseId(999), kShaoguan, Yuan(1)), StatusCode::kNotFound);
  EXPECT_EQ(run(kSongshan, ProviderId(999), Yuan(1)), StatusCode::kNotFound);
  EXPECT_EQ(run(kSongshan, kShaoguan, Money{}), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace bg::programme
