#include "common/money.h"

#include <limits>

#include <gtest/gtest.h>

namespace bg {
namespace {

constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
constexpr int64_t kMin = std::numeric_limits<int64_t>::min();

TEST(MoneyTest, ArithmeticIsExactInFen) {
  EXPECT_EQ(Money::Fen(105).Add(Money::Fen(95))->fen(), 200);
  EXPECT_EQ(Money::Fen(105).Sub(Money::Fen(205))->fen(), -100);
  EXPECT_EQ(Money::Fen(-7).Mul(3)->fen(), -21);
  EXPECT_EQ(Money::Yuan(50'000'000)->fen(), 5'000'000'000);
}

TEST(MoneyTest, OverflowIsReportedNotWrapped) {
  EXPECT_FALSE(Money::Fen(kMax).Add(Money::Fen(1)).has_value());
  EXPECT_FALSE(Money::Fen(kMin).Sub(Money::Fen(1)).has_value());
  EXPECT_FALSE(Money::Fen(kMax / 2 + 1).Mul(2).has_value());
  EXPECT_FALSE(Money::Yuan(kMax / 10).has_value());
}

TEST(MoneyTest, PrintsYuanWithTwoDecimals) {
  EXPECT_EQ(Money::Fen(123405).ToYuanString(), "1234.05");
  EXPECT_EQ(Money::Fen(-5).ToYuanString(), "-0.05");
  EXPECT_EQ(Money::Fen(kMin).ToYuanString(), "-92233720368547758.08");
}

}  // namespace
}  // namespace bg
