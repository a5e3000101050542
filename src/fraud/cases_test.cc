#include "fraud/cases.h"

#include <gtest/gtest.h>

namespace bg::fraud {
namespace {

TEST(PeakCardsTest, AdjacentIntervalsDoNotOverlapAndOverlapsAdd) {
  EXPECT_EQ(PeakCards({}).first, 0u);
  EXPECT_EQ(PeakCards({{0, 60, 4}, {60, 120, 4}}).first, 4u);
  const auto [peak, at] = PeakCards({{0, 60, 4}, {30, 90, 3}, {59, 61, 2}});
  EXPECT_EQ(peak, 9u);
  EXPECT_EQ(at, 59u);
}

TEST(CasesTest, AFindingOpensOneCaseWhichClosesOnceWithAResolution) {
  Cases cases;
  const Finding f{Kind::kDoubleClaim, 77, "order 77 is claimed 2 times"};
  EXPECT_EQ(cases.Open({f, f}, 10), 1u);
  EXPECT_EQ(cases.Open({f}, 20), 0u);
  ASSERT_EQ(cases.cases().size(), 1u);
  EXPECT_EQ(cases.Apply(CloseAuditCase{.id = 2, .actor = "a", .resolution = "x"}, 30).code,
            Code::kUnknownCase);
  EXPECT_EQ(cases.Apply(CloseAuditCase{.id = 1, .actor = "auditor"}, 30).code,
            Code::kResolutionRequired);
  EXPECT_EQ(
      cases.Apply(CloseAuditCase{.id = 1, .actor = "auditor", .resolution = "refunded"}, 30).code,
      Code::kOk);
  EXPECT_EQ(
      cases.Apply(CloseAuditCase{.id = 1, .actor = "auditor", .resolution = "again"}, 40).code,
      Code::kAlreadyClosed);
  // Round trip.
  std::vector<uint8_t> bytes;
  Writer w(&bytes);
  cases.Encode(w);
  Reader r(bytes);
  Cases back;
  ASSERT_TRUE(Cases::Decode(r, &back));
  EXPECT_TRUE(back == cases);
  EXPECT_EQ(back.Open({f}, 50), 0u);  // the subject index came back too
}

}  // namespace
}  // namespace bg::fraud
