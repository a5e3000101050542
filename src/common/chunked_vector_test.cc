#include "common/chunked_vector.h"

#include <gtest/gtest.h>

namespace bg {
namespace {

TEST(ChunkedVectorTest, IndexesAcrossChunksAndElementsNeverMove) {
  ChunkedVector<uint64_t, 4> v;
  std::vector<const uint64_t*> addresses;
  for (uint64_t i = 0; i < 10; ++i) {
    v.push_back(i * 10);
    addresses.push_back(&v[i]);
  }
  ASSERT_EQ(v.size(), 10u);
  for (uint64_t i = 0; i < 10; ++i) {
    EXPECT_EQ(v[i], i * 10);
    EXPECT_EQ(&v[i], addresses[i]) << "element " << i << " moved";
  }
  EXPECT_EQ(v.back(), 90u);
  v.pop_back();
  v.pop_back();
  EXPECT_EQ(v.size(), 8u);
  EXPECT_EQ(v.back(), 70u);
  v.push_back(7);  // reuses the freed slot
  EXPECT_EQ(v[8], 7u);
}

TEST(ChunkedVectorTest, CopiesAreDeepAndIterationIsInOrder) {
  ChunkedVector<int, 3> a;
  for (int i = 0; i < 7; ++i) a.push_back(i);
  ChunkedVector<int, 3> b = a;
  b[0] = 100;
  EXPECT_EQ(a[0], 0);
  std::vector<int> seen;
  for (int x : b) seen.push_back(x);
  EXPECT_EQ(seen, (std::vector<int>{100, 1, 2, 3, 4, 5, 6}));
  ChunkedVector<int, 3> moved = std::move(b);
  EXPECT_EQ(moved.size(), 7u);
  EXPECT_EQ(b.size(), 0u);  // NOLINT(bugprone-use-after-move): the moved-from state is the point
  b.push_back(1);           // and it is usable again
  EXPECT_EQ(b[0], 1);
}

TEST(ChunkedVectorDeathTest, PopOfAnEmptyVectorAborts) {
  ChunkedVector<int> v;
  EXPECT_DEATH(v.pop_back(), "pop_back of an empty ChunkedVector");
}

}  // namespace
}  // namespace bg
