#include "programme/subsidy.h"

#include <map>
#include <set>

#include <gtest/gtest.h>

#include "common/rng.h"

namespace bg::programme {
namespace {

constexpr Timestamp kNow = 1'760'000'000 * kNanosPerSecond;
constexpr Timestamp kYear = 365ULL * 24 * 3600 * kNanosPerSecond;

Money Yuan(int64_t y) { return *Money::Yuan(y); }

ProgrammeTerms Terms(uint64_t id, uint64_t issuer, uint32_t ratio_bp, Money budget,
                     JurisdictionLevel level = JurisdictionLevel::kCity) {
  return ProgrammeTerms{.programme = ProgrammeId(id),
                        .issuer = JurisdictionId(issuer),
                        .level = level,
                        .ratio_bp = ratio_bp,
                        .budget_left = budget};
}

VoucherBalance Voucher(uint64_t id, uint64_t programme, Money balance,
                       Timestamp expires_at = kNow + kYear) {
  return {VoucherId(id), ProgrammeId(programme), balance, expires_at};
}

struct Case {
  const char* name;  // the rule and the programme it comes from
  SubsidyRequest request;
  Money subsidy;
  Limit bound_by;  // of the first share
};

TEST(SubsidyTest, EachLimitBindsWhereTheRealProgrammeSaysSo) {
  ProgrammeTerms dongguan = Terms(1, 441900, 5000, Yuan(50'000'000));
  dongguan.entity_year_cap_left = Yuan(1'000'000);
  ProgrammeTerms shenzhen_startup = Terms(2, 440300, 6000, Yuan(500'000'000));
  shenzhen_startup.per_order_cap = Yuan(10'000'000);
  ProgrammeTerms zhuhai = Terms(3, 440400, 5000, Yuan(500'000'000));
  zhuhai.automatic = true;
  zhuhai.entity_year_cap_left = Yuan(2'000'000);
  ProgrammeTerms zhuhai_giant = zhuhai;
  zhuhai_giant.entity_year_cap_left = Yuan(10'000'000);
  ProgrammeTerms nearly_spent = Terms(4, 441900, 5000, Yuan(100));

  const std::vector<Case> cases = {
      {"Dongguan: 50% of 1,000,000",
       {.amount = Yuan(1'000'000),
        .at = kNow,
        .programmes = {dongguan},
        .vouchers = {Voucher(1, 1, Yuan(1'000'000))}},
       Yuan(500'000),
       Limit::kRatio},
      {"Dongguan: at most 1,000,000 a year per entity",
       {.amount = Yuan(3'000'000),
        .at = kNow,
        .programmes = {dongguan},
        .vouchers = {Voucher(1, 1, Yuan(5'000'000))}},
       Yuan(1'000'000),
       Limit::kEntityYearCap},
      {"Shenzhen 训力券: 60% for start-ups, at most 10,000,000 per award",
       {.amount = Yuan(20'000'000),
        .at = kNow,
        .programmes = {shenzhen_startup},
        .vouchers = {Voucher(2, 2, Yuan(20'000'000))}},
       Yuan(10'000'000),
       Limit::kPerOrderCap},
      {"Zhuhai 免申即享: no voucher, 50%",
       {.amount = Yuan(100'000), .at = kNow, .programmes = {zhuhai}},
       Yuan(50'000),
       Limit::kRatio},
      {"Zhuhai: 2,000,000 a year",
       {.amount = Yuan(10'000'000), .at = kNow, .programmes = {zhuhai}},
       Yuan(2'000'000),
       Limit::kEntityYearCap},
      {"Zhuhai: 10,000,000 a year for a 小巨人",
       {.amount = Yuan(10'000'000), .at = kNow, .programmes = {zhuhai_giant}},
       Yuan(5'000'000),
       Limit::kRatio},
      {"a voucher pays at most its balance",
       {.amount = Yuan(1'000),
        .at = kNow,
        .programmes = {dongguan},
        .vouchers = {Voucher(1, 1, Yuan(300))}},
       Yuan(300),
       Limit::kVoucherBalance},
      {"a budget is never over-committed",
       {.amount = Yuan(1'000),
        .at = kNow,
        .programmes = {nearly_spent},
        .vouchers = {Voucher(1, 4, Yuan(1'000))}},
       Yuan(100),
       Limit::kBudget},
      {"an expired voucher pays nothing (Qingyang: 12 months)",
       {.amount = Yuan(1'000),
        .at = kNow,
        .programmes = {dongguan},
        .vouchers = {Voucher(1, 1, Yuan(1'000), kNow)}},
       Yuan(0),
       Limit::kNoLiveVoucher},
      {"another programme's voucher pays nothing",
       {.amount = Yuan(1'000),
        .at = kNow,
        .programmes = {dongguan},
        .vouchers = {Voucher(1, 99, Yuan(1'000))}},
       Yuan(0),
       Limit::kNoLiveVoucher},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    Result<SubsidyResult> r = ComputeSubsidy(c.request);
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_EQ(r->subsidy, c.subsidy) << r->Explain();
    EXPECT_EQ(*r->subsidy.Add(r->self_pay), c.request.amount);
    ASSERT_FALSE(r->shares.empty());
    EXPECT_EQ(r->shares[0].bound_by, c.bound_by) << r->Explain();
  }
}

TEST(SubsidyTest, VouchersAreDrawnSoonestExpiringFirst) {
  SubsidyRequest r{.amount = Yuan(1'000),
                   .at = kNow,
                   .programmes = {Terms(1, 441900, 5000, Yuan(1'000'000))},
                   .vouchers = {Voucher(10, 1, Yuan(1'000), kNow + 2 * kYear),
                                Voucher(11, 1, Yuan(200), kNow + kYear)}};
  Result<SubsidyResult> result = ComputeSubsidy(r);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->shares[0].draws,
            (std::vector<VoucherDraw>{{VoucherId(11), Yuan(200)}, {VoucherId(10), Yuan(300)}}));
}

TEST(SubsidyTest, StackedLevelsApplyMostLocalFirstUpToTheCombinedCeiling) {
  // Shanghai allows city + district together up to 100%; here a tighter
  // ceiling of 60% over Guangming district (30%) and Shenzhen city (50%).
  SubsidyRequest r{
      .amount = Yuan(1'000'000),
      .at = kNow,
      .combined_ceiling_bp = 6000,
      .programmes = {Terms(1, 440300, 5000, Yuan(1'000'000'000)),
                     Terms(2, 440311, 3000, Yuan(1'000'000'000), JurisdictionLevel::kDistrict)},
      .vouchers = {Voucher(1, 1, Yuan(1'000'000)), Voucher(2, 2, Yuan(1'000'000))}};
  Result<SubsidyResult> result = ComputeSubsidy(r);
  ASSERT_TRUE(result.ok());
  ASSERT_EQ(result->shares.size(), 2u);
  EXPECT_EQ(result->shares[0].programme, ProgrammeId(2));  // the district first
  EXPECT_EQ(result->shares[0].amount, Yuan(300'000));
  EXPECT_EQ(result->shares[1].amount, Yuan(300'000));
  EXPECT_EQ(result->shares[1].bound_by, Limit::kCombinedCeiling);
  EXPECT_EQ(result->subsidy, Yuan(600'000));
}

TEST(SubsidyTest, OneJurisdictionNeverPaysTwiceForTheSameOrder) {
  // Shenzhen's 训力券 and 模型券 on one order (Beijing, Yangzhou: no double subsidy).
  SubsidyRequest r{.amount = Yuan(1'000),
                   .at = kNow,
                   .programmes = {Terms(1, 440300, 5000, Yuan(1'000'000)),
                                  Terms(2, 440300, 3000, Yuan(1'000'000))},
                   .vouchers = {Voucher(1, 1, Yuan(1'000)), Voucher(2, 2, Yuan(1'000))}};
  Result<SubsidyResult> result = ComputeSubsidy(r);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->subsidy, Yuan(500));
  EXPECT_EQ(result->shares[1].bound_by, Limit::kJurisdictionAlreadyPaid);
  EXPECT_EQ(result->shares[1].amount, Yuan(0));

  r.already_subsidised = {JurisdictionId(440300)};  // an earlier claim on this order
  result = ComputeSubsidy(r);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->subsidy, Yuan(0));
  EXPECT_EQ(result->self_pay, Yuan(1'000));
}

TEST(SubsidyTest, RoundsEachShareDownToTheFenAndSelfPayTakesTheRest) {
  SubsidyRequest r{.amount = Money::Fen(333),
                   .at = kNow,
                   .programmes = {Terms(1, 1, 5000, Yuan(1'000))},
                   .vouchers = {Voucher(1, 1, Yuan(1'000))}};
  Result<SubsidyResult> result = ComputeSubsidy(r);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->subsidy, Money::Fen(166));
  EXPECT_EQ(result->self_pay, Money::Fen(167));
}

TEST(SubsidyTest, ExplainsWhichRuleBoundAndWhichVoucherPaid) {
  ProgrammeTerms dongguan = Terms(7, 441900, 5000, Yuan(50'000'000));
  dongguan.entity_year_cap_left = Yuan(400);
  SubsidyRequest r{.amount = Yuan(1'000),
                   .at = kNow,
                   .programmes = {dongguan},
                   .vouchers = {Voucher(3, 7, Yuan(1'000))}};
  Result<SubsidyResult> result = ComputeSubsidy(r);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->Explain(),
            "1000.00 yuan: subsidy 400.00, self-pay 600.00\n"
            "  programme 7 pays 400.00, bound by per-entity yearly cap; ratio 500.00; voucher "
            "balance 1000.00; programme budget 50000000.00; combined ceiling of stacked "
            "programmes 1000.00; voucher 3 pays 400.00\n");
}

TEST(SubsidyTest, BadInputIsRefusedWithTheReason) {
  SubsidyRequest zero{.amount = Money::Fen(0)};
  EXPECT_EQ(ComputeSubsidy(zero).status().message(), "amount must be positive, got 0.00 yuan");
  SubsidyRequest ratio{.amount = Yuan(1), .programmes = {Terms(5, 1, 10'001, Yuan(1))}};
  EXPECT_EQ(ComputeSubsidy(ratio).status().message(), "programme 5: ratio 10001 bp is above 100%");
  SubsidyRequest ceiling{.amount = Yuan(1), .combined_ceiling_bp = 20'000};
  EXPECT_EQ(ComputeSubsidy(ceiling).status().code(), StatusCode::kInvalidArgument);
  SubsidyRequest voucher{.amount = Yuan(1), .vouchers = {Voucher(9, 1, Money::Fen(-1))}};
  EXPECT_EQ(ComputeSubsidy(voucher).status().message(), "voucher 9 has a negative balance");
}

// Random requests: the arithmetic invariants hold whatever the inputs.
TEST(SubsidyTest, RandomRequestsKeepEveryInvariant) {
  Rng rng(2026);
  for (int round = 0; round < 5'000; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    SubsidyRequest r{.amount = Money::Fen(rng.Range(1, 100'000'000)),
                     .at = kNow,
                     .combined_ceiling_bp = static_cast<uint32_t>(rng.Range(0, 10'000))};
    const int programmes = static_cast<int>(rng.Range(0, 4));
    for (int i = 0; i < programmes; ++i) {
      ProgrammeTerms t = Terms(
          static_cast<uint64_t>(i) + 1, rng.Uniform(3), static_cast<uint32_t>(rng.Range(0, 10'000)),
          Money::Fen(rng.Range(0, 50'000'000)), static_cast<JurisdictionLevel>(rng.Uniform(5)));
      if (rng.Percent(50)) t.per_order_cap = Money::Fen(rng.Range(0, 30'000'000));
      if (rng.Percent(50)) t.entity_year_cap_left = Money::Fen(rng.Range(0, 30'000'000));
      t.automatic = rng.Percent(20);
      r.programmes.push_back(t);
    }
    const int vouchers = static_cast<int>(rng.Range(0, 5));
    for (int i = 0; i < vouchers; ++i) {
      r.vouchers.push_back(Voucher(100 + static_cast<uint64_t>(i), 1 + rng.Uniform(4),
                                   Money::Fen(rng.Range(0, 20'000'000)),
                                   kNow + static_cast<Timestamp>(rng.Range(-5, 5)) * kYear));
    }
    Result<SubsidyResult> result = ComputeSubsidy(r);
    ASSERT_TRUE(result.ok()) << result.status();
    EXPECT_EQ(*result->subsidy.Add(result->self_pay), r.amount);
    __extension__ using Int128 = __int128;
    EXPECT_LE(result->subsidy.fen(),
              static_cast<int64_t>(Int128{r.amount.fen()} * r.combined_ceiling_bp / kFullRatioBp));
    std::set<uint64_t> paying_jurisdictions;
    std::map<uint64_t, int64_t> drawn;
    for (const ProgrammeShare& s : result->shares) {
      for (const auto& [limit, value] : s.limits) EXPECT_LE(s.amount, value) << LimitName(limit);
      if (s.amount.fen() > 0) {
        EXPECT_TRUE(paying_jurisdictions.insert(s.issuer.value()).second)
            << "jurisdiction " << s.issuer << " paid twice";
      }
      int64_t from_vouchers = 0;
      for (const VoucherDraw& d : s.draws) {
        from_vouchers += d.amount.fen();
        drawn[d.voucher.value()] += d.amount.fen();
      }
      const bool automatic = std::any_of(
          r.programmes.begin(), r.programmes.end(),
          [&](const ProgrammeTerms& t) { return t.programme == s.programme && t.automatic; });
      if (!automatic) {
        EXPECT_EQ(from_vouchers, s.amount.fen());
      }
    }
    for (const VoucherBalance& v : r.vouchers) {
      EXPECT_LE(drawn[v.voucher.value()], v.balance.fen());
      if (v.expires_at <= kNow) {
        EXPECT_EQ(drawn[v.voucher.value()], 0) << "expired voucher drawn";
      }
    }
  }
}

}  // namespace
}  // namespace bg::programme
