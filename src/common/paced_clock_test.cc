#include "common/paced_clock.h"

#include <gtest/gtest.h>

namespace bg {
namespace {

constexpr Timestamp kS = kNanosPerSecond;

TEST(PacedClock, ReadsTheWallTimesItsSpeedFromItsOrigin) {
  const PacedClock c(1'000 * kS, 720, 50 * kS);
  EXPECT_EQ(c.At(50 * kS), 1'000 * kS);
  EXPECT_EQ(c.At(51 * kS), 1'720 * kS);
  EXPECT_EQ(c.At(50 * kS + 500'000), 1'000 * kS + 360'000'000);
  // Before its origin it reads earlier, and never wraps below zero.
  EXPECT_EQ(c.At(49 * kS), 280 * kS);
  EXPECT_EQ(c.At(0), 0u);
  EXPECT_GE(c.Now(), 1'000 * kS);
  EXPECT_EQ(c.speed(), 720u);
}

TEST(PacedClock, TheWallAtSpeedOneReadsWhatTheSystemClockReads) {
  const PacedClock wall = PacedClock::Wall();
  EXPECT_EQ(wall.At(123 * kS), 123 * kS);
  const Timestamp before = SystemClock().Now();
  const Timestamp read = wall.Now();
  EXPECT_GE(read, before);
  EXPECT_LE(read, SystemClock().Now());
}

}  // namespace
}  // namespace bg
