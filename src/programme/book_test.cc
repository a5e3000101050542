// The book's rules, table-driven: every result code is produced by a case
// that names the programme (or rule) it comes from, and every refusal leaves
// the ledger and the book byte-for-byte unchanged. Then the real programmes'
// particular rules, one test each.
#include "programme/book.h"

#include <functional>
#include <set>

#include "programme/accounts.h"
#include "programme/book_test_world.h"

namespace bg::programme {
namespace {

using testing::BookCommand;
using testing::Day;
using testing::World;

constexpr const char* kGba = "scenarios/gba.toml";
constexpr const char* kSmall = "tests/scenarios/small.toml";

// GBA ids (file order, scenarios/gba.toml).
constexpr ProgrammeId kDongguan(1), kZhuhai(2), kShenzhen(3), kHuangpu(4), kGuangming(5);
constexpr EnterpriseId kSongshan(1), kNanshanStartUp(2), kXiangzhou(3), kPearlRiver(4),
    kShenzhenAi(5), kHuangpuBio(7), kGuangmingLab(8);
constexpr ProviderId kShaoguan(1), kGuangzhouDd(2), kShenzhenOpen(3), kBinhaiwan(4), kHengqin(5);

Money Yuan(int64_t y) { return Money::Fen(y * 100); }

FileApplication Apply(uint64_t id, ProgrammeId p, EnterpriseId e, Money amount) {
  return FileApplication{
      .id = ApplicationId(id), .programme = p, .enterprise = e, .amount = amount};
}
ReviewApplication Review(uint64_t id, Step step, std::string reason = "", Money amount = Money{}) {
  return ReviewApplication{.id = ApplicationId(id),
                           .step = step,
                           .actor = "reviewer",
                           .reason = reason,
                           .amount = amount};
}
Redeem Claim(uint64_t id, EnterpriseId e, ProviderId p, Money amount,
             Purpose purpose = Purpose::kUnspecified) {
  return Redeem{.id = ClaimId(id),
                .order = OrderId(id),
                .enterprise = e,
                .provider = p,
                .amount = amount,
                .purpose = purpose};
}

// Walks application `id` to UnderReview.
void ToReview(World& w, uint64_t id, ProgrammeId p, EnterpriseId e, Money amount) {
  ASSERT_TRUE(w.Do(Apply(id, p, e, amount)).ok());
  ASSERT_TRUE(w.Do(Review(id, Step::kSubmit)).ok());
  ASSERT_TRUE(w.Do(Review(id, Step::kStartReview)).ok());
}

struct Case {
  std::string rule;  // and where it comes from
  const char* file;
  std::function<void(World&)> setup;
  BookCommand command;
  Code want;
};

std::vector<Case> Cases() {
  auto none = [](World&) {};
  auto at = [](Timestamp t) { return [t](World& w) { w.SetTime(t); }; };
  auto dongguan_voucher = [](World& w) {
    w.SetTime(Day(2025, 3, 3));
    ASSERT_TRUE(w.Grant(1, kDongguan, kSongshan, Yuan(500'000)).ok());
  };
  auto held_claim = [dongguan_voucher](World& w) {
    dongguan_voucher(w);
    ASSERT_TRUE(w.Do(Claim(1, kSongshan, kShaoguan, Yuan(10'000))).ok());
  };
  auto filed = [](World& w) {
    w.SetTime(Day(2025, 3, 3));
    ASSERT_TRUE(w.Do(Apply(1, kDongguan, kSongshan, Yuan(100))).ok());
  };
  const FileApplication dongguan_app = Apply(1, kDongguan, kSongshan, Yuan(100));
  return {
      {"Dongguan 东府〔2025〕1号: an eligible manufacturer applies", kGba, at(Day(2025, 3, 3)),
       dongguan_app, Code::kOk},
      {"ids are used once: the same application again", kGba, filed, dongguan_app, Code::kExists},
      {"ids are used once: another body", kGba, filed, Apply(1, kDongguan, kSongshan, Yuan(101)),
       Code::kExistsWithDifferentBody},
      {"an application needs an id", kGba, none, Apply(0, kDongguan, kSongshan, Yuan(1)),
       Code::kIdMustNotBeZero},
      {"voucher ids derive ledger ids: below 2^54", kGba, none,
       Apply(kMaxRecordId + 1, kDongguan, kSongshan, Yuan(1)), Code::kIdTooLarge},
      {"a request is for a positive amount", kGba, none, Apply(1, kDongguan, kSongshan, Yuan(0)),
       Code::kAmountMustBePositive},
      {"unknown programme", kGba, none, Apply(1, ProgrammeId(99), kSongshan, Yuan(1)),
       Code::kUnknownProgramme},
      {"unknown enterprise", kGba, none, Apply(1, kDongguan, EnterpriseId(99), Yuan(1)),
       Code::kUnknownEnterprise},
      {"unknown provider", kGba, dongguan_voucher, Claim(1, kSongshan, ProviderId(99), Yuan(1)),
       Code::kUnknownProvider},
      {"unknown application", kGba, none, Review(99, Step::kSubmit), Code::kUnknownApplication},
      {"unknown voucher", kGba, none, RevokeVoucher{.id = VoucherId(99), .reason = "x"},
       Code::kUnknownVoucher},
      {"unknown claim", kGba, none, SettleClaim{.id = ClaimId(99)}, Code::kUnknownClaim},
      {"Guangming measures start 2025-06-06: not in force in March", kGba,
       [](World& w) {
         w.SetTime(Day(2025, 3, 3));
         ASSERT_TRUE(w.Do(Apply(1, kGuangming, kGuangmingLab, Yuan(1000))).ok());
       },
       Review(1, Step::kSubmit), Code::kNotInForce},
      {"Shenzhen 语料券-style window (small.toml): before it opens", kSmall,
       [](World& w) {
         w.SetTime(Day(2025, 2, 1));
         ASSERT_TRUE(w.Do(Apply(1, ProgrammeId(1), EnterpriseId(1), Yuan(1000))).ok());
       },
       Review(1, Step::kSubmit), Code::kOutsideApplicationWindow},
      {"Shenzhen 训力券 is for Shenzhen: a Dongguan enterprise is outside its area", kGba,
       [](World& w) {
         w.SetTime(Day(2025, 3, 3));
         ASSERT_TRUE(w.Do(Apply(1, kShenzhen, kSongshan, Yuan(1000))).ok());
       },
       Review(1, Step::kSubmit), Code::kIneligible},
      {"Zhuhai 免申即享: no application", kGba, none, Apply(1, kZhuhai, kXiangzhou, Yuan(1000)),
       Code::kAutomaticGrantTakesNoApplication},
      {"a per-voucher cap (small.toml, 800,000)", kSmall,
       [](World& w) {
         w.SetTime(Day(2025, 3, 5));
         ASSERT_TRUE(w.Do(Apply(1, ProgrammeId(1), EnterpriseId(3), Yuan(800'001))).ok());
       },
       Review(1, Step::kSubmit), Code::kOverAwardCap},
      {"Dongguan: at most 1,000,000 per entity per year", kGba,
       [](World& w) {
         w.SetTime(Day(2025, 3, 3));
         ASSERT_TRUE(w.Grant(1, kDongguan, kSongshan, Yuan(600'000)).ok());
         ASSERT_TRUE(w.Do(Apply(2, kDongguan, kSongshan, Yuan(400'001))).ok());
       },
       Review(2, Step::kSubmit), Code::kOverEntityYearCap},
      {"a budget is never over-committed (small.toml, 1,000,000)", kSmall,
       [](World& w) {
         w.SetTime(Day(2025, 3, 5));
         ASSERT_TRUE(w.Grant(1, ProgrammeId(1), EnterpriseId(1), Yuan(700'000)).ok());
         ToReview(w, 2, ProgrammeId(1), EnterpriseId(3), Yuan(300'001));
       },
       Review(2, Step::kApprove), Code::kBudgetExhausted},
      {"Shenzhen 训力券: at most 500,000,000 a year (fifty awards at the 10,000,000 cap)", kGba,
       [](World& w) {
         w.SetTime(Day(2025, 3, 3));
         for (uint64_t award = 1; award <= 50; ++award) {
           ASSERT_TRUE(w.Grant(award, kShenzhen, kShenzhenAi, Yuan(10'000'000)).ok());
         }
         ToReview(w, 51, kShenzhen, kNanshanStartUp, Yuan(1));
       },
       Review(51, Step::kApprove), Code::kYearlyBudgetExhausted},
      {"a draft cannot be approved", kGba, filed, Review(1, Step::kApprove),
       Code::kInvalidTransition},
      {"a rejection gives its reason", kGba,
       [](World& w) {
         w.SetTime(Day(2025, 3, 3));
         ToReview(w, 1, kDongguan, kSongshan, Yuan(100));
       },
       Review(1, Step::kReject), Code::kReasonRequired},
      {"a blacklisted enterprise cannot redeem", kGba,
       [dongguan_voucher](World& w) {
         dongguan_voucher(w);
         ASSERT_TRUE(w.Do(SetBlacklist{.enterprise = kSongshan, .reason = "fraud"}).ok());
       },
       Claim(1, kSongshan, kShaoguan, Yuan(1000)), Code::kBlacklisted},
      {"非关联方 (Beijing, Qingyang): Binhaiwan declared Songshan Lake related", kGba,
       dongguan_voucher, Claim(1, kSongshan, kBinhaiwan, Yuan(1000)), Code::kRelatedParty},
      {"Dongguan pays only at providers on its platform (1): Guangzhou DD is on platform 2", kGba,
       dongguan_voucher, Claim(1, kSongshan, kGuangzhouDd, Yuan(1000)), Code::kProviderNotAllowed},
      {"no voucher and no automatic grant: nothing to redeem", kGba, at(Day(2025, 3, 3)),
       Claim(1, kPearlRiver, kShaoguan, Yuan(1000)), Code::kNoVoucher},
      {"the ledger keeps currencies apart: a CNY voucher, an HKD order", kGba, dongguan_voucher,
       [] {
         Redeem r = Claim(1, kSongshan, kShaoguan, Yuan(1000));
         r.currency_ledger = kLedgerHkd;
         return r;
       }(),
       Code::kCurrencyMismatch},
      {"at most 32 holds per claim", kGba,
       [](World& w) {
         w.SetTime(Day(2025, 3, 3));
         for (uint64_t i = 1; i <= kMaxClaimHolds + 1; ++i) {
           ASSERT_TRUE(w.Grant(i, kDongguan, kSongshan, Yuan(1)).ok());
         }
       },
       Claim(1, kSongshan, kShaoguan, Yuan(1000)), Code::kTooManyVouchers},
      {"a settled claim settles once", kGba,
       [held_claim](World& w) {
         held_claim(w);
         ASSERT_TRUE(w.Do(SettleClaim{.id = ClaimId(1)}).ok());
       },
       SettleClaim{.id = ClaimId(1)}, Code::kClaimNotHeld},
      {"only captured subsidies are clawed back", kGba, held_claim,
       Clawback{.claim = ClaimId(1), .reason = "x"}, Code::kClaimNotCaptured},
      {"a revoked voucher is not revoked again", kGba,
       [dongguan_voucher](World& w) {
         dongguan_voucher(w);
         ASSERT_TRUE(w.Do(RevokeVoucher{.id = VoucherId(1), .reason = "fraud"}).ok());
       },
       RevokeVoucher{.id = VoucherId(1), .reason = "again"}, Code::kVoucherNotRevocable},
      {"an approval grants at most what was asked", kGba,
       [](World& w) {
         w.SetTime(Day(2025, 3, 3));
         ToReview(w, 1, kDongguan, kSongshan, Yuan(100));
       },
       Review(1, Step::kApprove, "", Yuan(101)), Code::kApprovedAboveRequest},
  };
}

TEST(BookTest, EveryCodeIsProducedAndARefusalChangesNothing) {
  std::set<Code> seen;
  for (const Case& c : Cases()) {
    SCOPED_TRACE(c.rule);
    World w;
    w.Load(c.file);
    c.setup(w);
    if (::testing::Test::HasFatalFailure()) return;
    const std::vector<uint8_t> before = w.Bytes();
    const Outcome out = w.Do(c.command);
    EXPECT_EQ(CodeName(out.code), std::string(CodeName(c.want))) << out.message;
    seen.insert(out.code);
    if (c.want == Code::kOk) {
      EXPECT_NE(w.Bytes(), before);
    } else {
      EXPECT_EQ(w.Bytes(), before) << "a refusal changed the state";
      EXPECT_FALSE(out.message.empty());
    }
    EXPECT_EQ(w.Reconciled(), "");
  }
  for (int i = 0; i <= static_cast<int>(Code::kApprovedAboveRequest); ++i) {
    EXPECT_TRUE(seen.contains(static_cast<Code>(i)))
        << "no case produces " << CodeName(static_cast<Code>(i));
  }
}

class GbaTest : public ::testing::Test {
 protected:
  void SetUp() override {
    w_.Load(kGba);
    w_.SetTime(Day(2025, 7, 1));
  }
  Money Subsidy(const Redeem& r) {
    const Outcome out = w_.Do(r);
    EXPECT_EQ(out.code, Code::kOk) << out.message;
    return out.subsidy ? out.subsidy->subsidy : Money::Fen(-1);
  }
  World w_;
};

// Shenzhen 训力券: 60% for start-ups, 50% for others.
TEST_F(GbaTest, ShenzhenPaysStartUpsSixtyPercent) {
  ASSERT_TRUE(w_.Grant(1, kShenzhen, kNanshanStartUp, Yuan(1'000'000)).ok());
  ASSERT_TRUE(w_.Grant(2, kShenzhen, kShenzhenAi, Yuan(1'000'000)).ok());
  EXPECT_EQ(Subsidy(Claim(1, kNanshanStartUp, kShenzhenOpen, Yuan(100'000), Purpose::kTraining)),
            Yuan(60'000));
  EXPECT_EQ(Subsidy(Claim(2, kShenzhenAi, kShenzhenOpen, Yuan(100'000), Purpose::kTraining)),
            Yuan(50'000));
}

// Shenzhen 训力券: at most 10,000,000 per award — one voucher — not per
// order: a 30,000,000 order is paid 50% from two awards.
TEST_F(GbaTest, ShenzhenCapsAnAwardNotAnOrderAtTenMillion) {
  EXPECT_EQ(w_.Grant(1, kShenzhen, kShenzhenAi, Yuan(12'000'000)).code, Code::kOverAwardCap);
  ASSERT_TRUE(w_.Grant(2, kShenzhen, kShenzhenAi, Yuan(10'000'000)).ok());
  ASSERT_TRUE(w_.Grant(3, kShenzhen, kShenzhenAi, Yuan(10'000'000)).ok());
  const Outcome out =
      w_.Do(Claim(1, kShenzhenAi, kShenzhenOpen, Yuan(30'000'000), Purpose::kTraining));
  ASSERT_EQ(out.code, Code::kOk) << out.message;
  EXPECT_EQ(out.subsidy->subsidy, Yuan(15'000'000));
  EXPECT_EQ(out.subsidy->shares[0].bound_by, Limit::kRatio);
}

// Shenzhen 训力券 funds training only: an inference order, or one that does
// not say, is left out with the rule.
TEST_F(GbaTest, ShenzhenFundsTrainingOnly) {
  ASSERT_TRUE(w_.Grant(1, kShenzhen, kShenzhenAi, Yuan(1'000'000)).ok());
  const Outcome inference =
      w_.Do(Claim(1, kShenzhenAi, kShenzhenOpen, Yuan(100'000), Purpose::kInference));
  EXPECT_EQ(inference.code, Code::kPurposeNotFunded);
  EXPECT_NE(inference.message.find("funds training only; the order is for inference"),
            std::string::npos)
      << inference.message;
  EXPECT_EQ(w_.Do(Claim(2, kShenzhenAi, kShenzhenOpen, Yuan(100'000))).code,
            Code::kPurposeNotFunded);
  EXPECT_EQ(Subsidy(Claim(3, kShenzhenAi, kShenzhenOpen, Yuan(100'000), Purpose::kTraining)),
            Yuan(50'000));
}

// Dongguan: providers inside or outside the city, but only those connected
// to its platform (1); the provider's registration decides.
TEST_F(GbaTest, DongguanPaysOutsideTheCityAtProvidersOnItsPlatform) {
  ASSERT_TRUE(w_.Grant(1, kDongguan, kSongshan, Yuan(100'000)).ok());
  EXPECT_EQ(Subsidy(Claim(1, kSongshan, kShaoguan, Yuan(10'000))), Yuan(5'000));
  const Outcome off = w_.Do(Claim(2, kSongshan, kGuangzhouDd, Yuan(10'000)));
  EXPECT_EQ(off.code, Code::kProviderNotAllowed);
  EXPECT_NE(off.message.find("pays only at providers on platform 1; provider 2 is on platform 2"),
            std::string::npos)
      << off.message;
}

// Huangpu: ≤10,000,000 per enterprise (a year, assumed); a district
// programme pays a district enterprise.
TEST_F(GbaTest, HuangpuCapsAnEnterpriseAtTenMillionAYear) {
  ASSERT_TRUE(w_.Grant(1, kHuangpu, kHuangpuBio, Yuan(10'000'000)).ok());
  ASSERT_TRUE(w_.Do(Apply(2, kHuangpu, kHuangpuBio, Yuan(1))).ok());
  EXPECT_EQ(w_.Do(Review(2, Step::kSubmit)).code, Code::kOverEntityYearCap);
}

// Zhuhai: a little giant's cap is 10,000,000, others' 2,000,000; the
// budget pays directly and the usage counts in the year of the spend.
TEST_F(GbaTest, ZhuhaiAutomaticGrantHonoursTheLittleGiantCap) {
  EXPECT_EQ(Subsidy(Claim(1, kXiangzhou, kHengqin, Yuan(30'000'000))), Yuan(10'000'000));
  EXPECT_EQ(w_.book.UsedBy(kZhuhai, kXiangzhou, 2025), Yuan(10'000'000));
  const ledger::Account* budget = w_.ledger.FindAccount(BudgetAccount(kZhuhai));
  EXPECT_EQ(budget->debits_pending, Yuan(10'000'000).fen());
}

// A quote is the claim's calculation without the claim: same figures,
// nothing changed.
TEST_F(GbaTest, AQuoteAgreesWithTheClaimAndChangesNothing) {
  ASSERT_TRUE(w_.Grant(1, kShenzhen, kGuangmingLab, Yuan(500'000)).ok());
  ASSERT_TRUE(w_.Grant(2, kGuangming, kGuangmingLab, Yuan(500'000)).ok());
  const Redeem r = Claim(1, kGuangmingLab, kShenzhenOpen, Yuan(800'000), Purpose::kTraining);
  const std::vector<uint8_t> before = w_.Bytes();
  const Outcome quote = w_.book.Quote(r, w_.registry, w_.now, w_.ledger);
  EXPECT_EQ(w_.Bytes(), before);
  ASSERT_EQ(quote.code, Code::kOk) << quote.message;
  const Outcome claim = w_.Do(r);
  ASSERT_EQ(claim.code, Code::kOk);
  EXPECT_EQ(quote.subsidy->subsidy, claim.subsidy->subsidy);
  EXPECT_EQ(quote.subsidy->subsidy, Yuan(480'000));  // 60% combined ceiling
}

// Shenzhen 训力券 lapses (assumed); Dongguan returns expired balances to the
// budget (assumed). Expiry counts 365 days from issue.
TEST_F(GbaTest, ExpiryLapsesOrReturnsPerTheProgramme) {
  ASSERT_TRUE(w_.Grant(1, kShenzhen, kShenzhenAi, Yuan(1'000)).ok());
  ASSERT_TRUE(w_.Grant(2, kDongguan, kSongshan, Yuan(2'000)).ok());
  const Money dongguan_before = Book::Available(w_.ledger, BudgetAccount(kDongguan));
  w_.SetTime(Day(2026, 6, 30));
  EXPECT_EQ(w_.Do(ExpireVouchers{}).swept, 0u);
  w_.SetTime(Day(2026, 7, 2));
  EXPECT_EQ(w_.Do(ExpireVouchers{}).swept, 2u);
  EXPECT_EQ(w_.ledger.FindAccount(LapsedAccount(kShenzhen))->credits_posted, Yuan(1'000).fen());
  EXPECT_EQ(Book::Available(w_.ledger, BudgetAccount(kDongguan)),
            Money::Fen(dongguan_before.fen() + Yuan(2'000).fen()));
  EXPECT_EQ(w_.Reconciled(), "");
}

// Yearly caps count in China Standard Time: 2025-12-31 16:00 UTC is 2026.
TEST(BookYearTest, YearsAreChinaStandardTime) {
  EXPECT_EQ(YearOf(Day(2025, 12, 31) + 15 * 3600 * kNanosPerSecond), 2025);
  EXPECT_EQ(YearOf(Day(2025, 12, 31) + 16 * 3600 * kNanosPerSecond), 2026);
}

}  // namespace
}  // namespace bg::programme
