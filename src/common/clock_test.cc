#include "common/clock.h"

#include <gtest/gtest.h>

namespace bg {
namespace {

constexpr Timestamp kDay = 86'400 * kNanosPerSecond;

TEST(ClockTest, DatesAndTimesParseAsUtc) {
  EXPECT_EQ(ParseUtcTime("1970-01-01"), Timestamp{0});
  EXPECT_EQ(ParseUtcTime("1970-01-02"), kDay);
  // 2025-01-01 is 20,089 days after the epoch.
  EXPECT_EQ(ParseUtcTime("2025-01-01"), 20'089 * kDay);
  EXPECT_EQ(ParseUtcTime("2025-01-01T08:30:15Z"),
            20'089 * kDay + (8 * 3600 + 30 * 60 + 15) * kNanosPerSecond);
  EXPECT_EQ(ParseUtcTime("2024-02-29"), *ParseUtcTime("2024-03-01") - kDay);
}

TEST(ClockTest, WhatIsNotADateIsRefused) {
  for (const char* bad : {"", "2025-1-01", "2025-13-01", "2025-02-29", "2100-02-29", "1969-12-31",
                          "2025-01-32", "2025-01-01T24:00:00Z", "2025-01-01T08:30:15",
                          "2025-01-01 08:30:15Z", "20a5-01-01", "2025-04-31"}) {
    EXPECT_FALSE(ParseUtcTime(bad).has_value()) << bad;
  }
  EXPECT_TRUE(ParseUtcTime("2000-02-29").has_value());
}

}  // namespace
}  // namespace bg
