// Claims leaving memory (Book::RetireClaim): what reconciliation, pacing and
// usage count of a settled claim stays when the claim leaves, a rollback
// puts every byte back, the encoding carries the sums, and a clawback of a
// claim that left brings it back only with the claim as it left.
#include <gtest/gtest.h>

#include "programme/book.h"
#include "programme/book_test_world.h"
#include "programme/pacing.h"
#include "programme/reconcile.h"

namespace bg::programme {
namespace {

using testing::Day;
using testing::World;

constexpr const char* kGba = "scenarios/gba.toml";
constexpr ProgrammeId kDongguan(1), kZhuhai(2);
constexpr EnterpriseId kSongshan(1), kXiangzhou(3);
constexpr ProviderId kShaoguan(1), kHengqin(5);

Money Yuan(int64_t y) { return Money::Fen(y * 100); }

Redeem Claim(uint64_t id, EnterpriseId e, ProviderId p, Money amount) {
  return Redeem{
      .id = ClaimId(id), .order = OrderId(id), .enterprise = e, .provider = p, .amount = amount};
}

std::vector<uint8_t> Encoded(const programme::Claim& claim) {
  std::vector<uint8_t> out;
  Writer w(&out);
  EncodeClaim(w, claim);
  return out;
}

class ClaimRetireTest : public ::testing::Test {
 protected:
  // A Dongguan voucher claim captured (1), a Zhuhai 免申即享 claim captured
  // (2), a voucher claim voided (3), one still held (4).
  void SetUp() override {
    w_.Load(kGba);
    w_.SetTime(Day(2025, 7, 1));
    ASSERT_TRUE(w_.Grant(1, kDongguan, kSongshan, Yuan(500'000)).ok());
    ASSERT_TRUE(w_.Do(Claim(1, kSongshan, kShaoguan, Yuan(10'000))).ok());
    ASSERT_TRUE(w_.Do(SettleClaim{.id = ClaimId(1)}).ok());
    w_.SetTime(Day(2025, 7, 2));
    ASSERT_TRUE(w_.Do(Claim(2, kXiangzhou, kHengqin, Yuan(30'000))).ok());
    ASSERT_TRUE(w_.Do(SettleClaim{.id = ClaimId(2)}).ok());
    ASSERT_TRUE(w_.Do(Claim(3, kSongshan, kShaoguan, Yuan(1'000))).ok());
    ASSERT_TRUE(w_.Do(SettleClaim{.id = ClaimId(3), .capture = false}).ok());
    ASSERT_TRUE(w_.Do(Claim(4, kSongshan, kShaoguan, Yuan(2'000))).ok());
    ASSERT_EQ(w_.Reconciled(), "");
  }

  std::vector<Pacing> Paces() const {
    std::vector<Pacing> out;
    for (const auto& [id, rules] : w_.registry.programmes()) {
      out.push_back(*PacingOf(w_.book, w_.registry, w_.ledger, id, w_.now));
    }
    return out;
  }

  // Retires claims 1 to 4 (4 is held: it stays).
  std::vector<programme::Claim> RetireAll() {
    std::vector<programme::Claim> out;
    for (uint64_t id : {uint64_t{1}, uint64_t{2}, uint64_t{3}}) {
      EXPECT_TRUE(w_.book.RetireClaim(ClaimId(id), &out)) << id;
    }
    EXPECT_FALSE(w_.book.RetireClaim(ClaimId(4), &out));
    EXPECT_FALSE(w_.book.RetireClaim(ClaimId(99), &out));
    return out;
  }

  Outcome ClawBackArchived(uint64_t id, std::vector<uint8_t> archived) {
    return w_.book.ClawBackArchived(Clawback{.claim = ClaimId(id),
                                             .actor = "audit",
                                             .reason = "double billing",
                                             .archived = std::move(archived)},
                                    w_.registry, w_.Next(kClawbackEvents), w_.ledger);
  }

  World w_;
};

TEST_F(ClaimRetireTest, ASettledClaimLeavesAndWhatItCountsStays) {
  const std::vector<ProgrammeTotals> totals = Totals(w_.book, w_.registry, w_.ledger);
  const std::vector<Pacing> paces = Paces();
  const Money used = w_.book.UsedBy(kDongguan, kSongshan, 2025);
  const std::vector<uint8_t> before = w_.Bytes();

  // A rollback puts every byte back.
  w_.book.BeginBatch();
  EXPECT_EQ(RetireAll().size(), 3u);
  w_.book.RollbackBatch();
  EXPECT_EQ(w_.Bytes(), before);

  const std::vector<programme::Claim> left = RetireAll();
  ASSERT_EQ(left.size(), 3u);
  EXPECT_EQ(left[0].status, ClaimStatus::kCaptured);
  EXPECT_EQ(w_.book.FindClaim(ClaimId(1)), nullptr);
  EXPECT_FALSE(w_.book.HasClaimsOn(OrderId(1)));
  ASSERT_NE(w_.book.FindClaim(ClaimId(4)), nullptr);
  EXPECT_EQ(w_.book.claims().size(), 1u);
  // The voided claim counted nothing and adds nothing; the two captured
  // ones are summed by programme and day, by party, by the mix that paid.
  const RetiredClaims& sums = w_.book.retired_claims();
  EXPECT_EQ(sums.days.size(), 2u);
  EXPECT_EQ(sums.parties.size(), 2u);
  EXPECT_EQ(sums.mixes.size(), 2u);
  EXPECT_EQ(sums.days.at({kZhuhai, CstDayOf(left[1].at)}).automatic, left[1].subsidy);
  EXPECT_EQ(sums.days.at({kDongguan, CstDayOf(left[0].at)}).vouchered, left[0].subsidy);

  // Every reader counts the same.
  EXPECT_EQ(w_.Reconciled(), "");
  EXPECT_EQ(Totals(w_.book, w_.registry, w_.ledger), totals);
  EXPECT_EQ(Paces(), paces);
  EXPECT_EQ(w_.book.UsedBy(kDongguan, kSongshan, 2025), used);

  // The encoding carries the sums.
  std::vector<uint8_t> bytes;
  Writer w(&bytes);
  w_.book.Encode(w);
  Reader r(bytes);
  Book back;
  ASSERT_TRUE(Book::Decode(r, &back));
  EXPECT_TRUE(r.done());
  EXPECT_TRUE(back == w_.book);
}

TEST_F(ClaimRetireTest, AClaimThatLeftIsClawedBackOnlyWithTheClaimAsItLeft) {
  const std::vector<programme::Claim> left = RetireAll();
  const Money spent = Totals(w_.book, w_.registry, w_.ledger)[0].spent;
  const std::vector<uint8_t> before = w_.Bytes();
  // Nothing carried, another claim, a claim altered, bytes that are no
  // claim: refused, nothing changed.
  programme::Claim altered = left[0];
  altered.holds[0].amount = Money::Fen(altered.holds[0].amount.fen() + 1);
  for (const auto& [id, carried] : std::vector<std::pair<uint64_t, std::vector<uint8_t>>>{
           {1, {}}, {1, Encoded(left[1])}, {1, Encoded(altered)}, {1, {1, 2, 3}}}) {
    const Outcome out = ClawBackArchived(id, carried);
    EXPECT_EQ(out.code, Code::kArchivedClaimMismatch) << out.message;
    EXPECT_FALSE(out.message.empty());
    EXPECT_EQ(w_.Bytes(), before);
  }
  // A voided claim that left is no captured subsidy.
  EXPECT_EQ(ClawBackArchived(3, Encoded(left[2])).code, Code::kClaimNotCaptured);
  EXPECT_EQ(w_.Bytes(), before);

  // The claim as it left: clawed back, in memory again, out of the sums.
  const Outcome out = ClawBackArchived(1, Encoded(left[0]));
  ASSERT_EQ(out.code, Code::kOk) << out.message;
  const programme::Claim* back = w_.book.FindClaim(ClaimId(1));
  ASSERT_NE(back, nullptr);
  EXPECT_EQ(back->status, ClaimStatus::kClawedBack);
  EXPECT_EQ(back->reason, "audit: double billing");
  EXPECT_TRUE(w_.book.HasClaimsOn(OrderId(1)));
  EXPECT_EQ(w_.book.retired_claims().days.count({kDongguan, CstDayOf(left[0].at)}), 0u);
  EXPECT_EQ(w_.Reconciled(), "");
  const ProgrammeTotals dongguan = Totals(w_.book, w_.registry, w_.ledger)[0];
  EXPECT_EQ(dongguan.spent, spent);  // a clawed-back claim still counts as spent
  EXPECT_EQ(dongguan.clawed_back, left[0].subsidy);
  // Once back, it is clawed back once.
  EXPECT_EQ(w_.Do(Clawback{.claim = ClaimId(1), .reason = "again"}).code, Code::kClaimNotCaptured);
}

TEST(CstDayTest, DaysStartAtMidnightChinaStandardTime) {
  // 2025-07-01 00:00 CST is 2025-06-30 16:00 UTC.
  const Timestamp midnight = Day(2025, 6, 30) + 16 * kNanosPerHour;
  EXPECT_EQ(CstDayStart(CstDayOf(midnight)), midnight);
  EXPECT_EQ(CstDayOf(midnight - 1), CstDayOf(midnight) - 1);
  EXPECT_EQ(CstDayOf(midnight + 24 * kNanosPerHour - 1), CstDayOf(midnight));
  EXPECT_EQ(CstDayStart(CstDayOf(midnight + 5 * kNanosPerHour)), midnight);
}

}  // namespace
}  // namespace bg::programme

namespace bg::programme {
namespace {

// A claim made in a batch that fails leaves no trace, not even an empty
// entry in the order index (HasClaimsOn would then refuse a job on that
// order id, and a replay would not).
TEST(ClaimIndexTest, ARolledBackClaimLeavesTheOrderUnclaimed) {
  World w;
  w.Load(kGba);
  w.SetTime(Day(2025, 7, 1));
  ASSERT_TRUE(w.Grant(1, kDongguan, kSongshan, Yuan(500'000)).ok());
  const std::vector<uint8_t> before = w.Bytes();
  w.ledger.BeginBatch();
  w.book.BeginBatch();
  ASSERT_TRUE(w.Do(Claim(7, kSongshan, kShaoguan, Yuan(1'000))).ok());
  EXPECT_TRUE(w.book.HasClaimsOn(OrderId(7)));
  w.book.RollbackBatch();
  w.ledger.RollbackBatch();
  EXPECT_FALSE(w.book.HasClaimsOn(OrderId(7)));
  EXPECT_EQ(w.Bytes(), before);
}

}  // namespace
}  // namespace bg::programme
