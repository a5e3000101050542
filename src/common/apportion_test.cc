#include "common/apportion.h"

#include <numeric>

#include <gtest/gtest.h>

namespace bg {
namespace {

int64_t Sum(const std::vector<int64_t>& v) {
  return std::accumulate(v.begin(), v.end(), int64_t{0});
}

TEST(ApportionTest, PartsAreWholeAndAddUpExactly) {
  EXPECT_EQ(Apportion(100, {1, 1, 1}), (std::vector<int64_t>{34, 33, 33}));
  EXPECT_EQ(Apportion(7, {50000, 20000}), (std::vector<int64_t>{5, 2}));
  for (int64_t total : {1, 2, 99, 3600, 123457}) {
    EXPECT_EQ(Sum(Apportion(total, {3, 5, 7, 11})), total) << total;
  }
}

TEST(ApportionTest, NoWeightGivesNothing) {
  EXPECT_EQ(Apportion(10, {0, 0}), (std::vector<int64_t>{0, 0}));
  EXPECT_EQ(Apportion(10, {}), (std::vector<int64_t>{}));
}

}  // namespace
}  // namespace bg
