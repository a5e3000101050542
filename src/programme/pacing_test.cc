// RunsOutAt: the day a budget runs out at a pace, in days before
// nanoseconds so that a slow pace never wraps past 2^64.
#include "programme/pacing.h"

#include <gtest/gtest.h>

namespace bg::programme {
namespace {

constexpr Timestamp kNow = 1'764'000'000 * kNanosPerSecond;  // 2025-11-24
constexpr Timestamp kEnd = kNow + 3 * 365 * kNanosPerDay;

TEST(RunsOutAtTest, AFastPaceRunsOutOnTheDayItsDaysAddUpTo) {
  const auto at = RunsOutAt(kNow, Money::Fen(1'000'000), Money::Fen(10'000), kEnd);
  ASSERT_TRUE(at.has_value());
  EXPECT_EQ(*at, kNow + 100 * kNanosPerDay);
  EXPECT_EQ(RunsOutAt(kNow, Money::Fen(0), Money::Fen(10'000), kEnd), kNow);
  EXPECT_EQ(RunsOutAt(kNow, Money::Fen(-5), Money::Fen(10'000), kEnd), kNow);
}

// The dashboard's case: 49.86 million yuan left at 255.55 yuan a day is
// 195,108 days; times 8.64e13 ns it passes 2^64 and used to wrap to
// 1976-07-18.
TEST(RunsOutAtTest, ASlowPaceOnALargeBudgetOutlastsTheProgrammeRatherThanWrapping) {
  EXPECT_EQ(RunsOutAt(kNow, Money::Fen(4'986'000'000), Money::Fen(25'555), kEnd), std::nullopt);
  EXPECT_EQ(RunsOutAt(kNow, Money::Fen(INT64_MAX), Money::Fen(1), kEnd), std::nullopt);
}

TEST(RunsOutAtTest, NoPaceOrAnEndAlreadyPassedGivesNoDate) {
  EXPECT_EQ(RunsOutAt(kNow, Money::Fen(1'000), Money::Fen(0), kEnd), std::nullopt);
  EXPECT_EQ(RunsOutAt(kNow, Money::Fen(1'000), Money::Fen(-3), kEnd), std::nullopt);
  EXPECT_EQ(RunsOutAt(kNow, Money::Fen(1'000), Money::Fen(10), kNow - kNanosPerDay), std::nullopt);
  // Runs out on the last day before the end: a date; on the end: none.
  EXPECT_EQ(RunsOutAt(kNow, Money::Fen(99), Money::Fen(100), kNow + kNanosPerDay), kNow);
  EXPECT_EQ(RunsOutAt(kNow, Money::Fen(100), Money::Fen(100), kNow + kNanosPerDay), std::nullopt);
}

}  // namespace
}  // namespace bg::programme
