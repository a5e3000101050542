#include "common/id_ranges.h"

#include <set>
#include <vector>

#include <gtest/gtest.h>

#include "common/rng.h"

namespace bg {
namespace {

TEST(IdRangesTest, IdsInOrderAreOneRange) {
  IdRanges ids;
  for (uint64_t id = 1; id <= 1000; ++id) EXPECT_TRUE(ids.Insert(id));
  EXPECT_FALSE(ids.Insert(500));
  EXPECT_EQ(ids.size(), 1000U);
  EXPECT_EQ(ids.ranges(), 1U);
  EXPECT_TRUE(ids.Contains(1));
  EXPECT_TRUE(ids.Contains(1000));
  EXPECT_FALSE(ids.Contains(0));
  EXPECT_FALSE(ids.Contains(1001));
}

TEST(IdRangesTest, ErasingSplitsAndInsertingJoins) {
  IdRanges ids;
  for (uint64_t id : {1U, 2U, 3U, 5U, 6U}) ids.Insert(id);
  EXPECT_EQ(ids.ranges(), 2U);
  ids.Insert(4);
  EXPECT_EQ(ids.ranges(), 1U);
  EXPECT_TRUE(ids.Erase(3));
  EXPECT_FALSE(ids.Erase(3));
  EXPECT_EQ(ids.ranges(), 2U);
  EXPECT_FALSE(ids.Contains(3));
  EXPECT_TRUE(ids.Contains(2));
  EXPECT_TRUE(ids.Contains(4));
  EXPECT_EQ(ids.size(), 5U);
}

TEST(IdRangesTest, TheExtremesOfTheIdSpace) {
  IdRanges ids;
  EXPECT_TRUE(ids.Insert(UINT64_MAX));
  EXPECT_TRUE(ids.Insert(0));
  EXPECT_TRUE(ids.Insert(UINT64_MAX - 1));
  EXPECT_EQ(ids.ranges(), 2U);
  EXPECT_TRUE(ids.Contains(UINT64_MAX));
  EXPECT_TRUE(ids.Erase(UINT64_MAX));
  EXPECT_TRUE(ids.Contains(UINT64_MAX - 1));
  EXPECT_FALSE(ids.Contains(UINT64_MAX));
}

// Random inserts and erases agree with std::set, and the encoding of the
// same set is the same whatever the order it was built in.
TEST(IdRangesTest, AgreesWithASetAndEncodesCanonically) {
  Rng rng(11);
  IdRanges ids;
  std::set<uint64_t> model;
  for (int step = 0; step < 20000; ++step) {
    const uint64_t id = rng.Uniform(300);
    if (rng.Percent(70)) {
      EXPECT_EQ(ids.Insert(id), model.insert(id).second);
    } else {
      EXPECT_EQ(ids.Erase(id), model.erase(id) == 1);
    }
    ASSERT_EQ(ids.size(), model.size());
  }
  for (uint64_t id = 0; id < 300; ++id) EXPECT_EQ(ids.Contains(id), model.count(id) == 1) << id;
  IdRanges again;
  for (auto it = model.rbegin(); it != model.rend(); ++it) again.Insert(*it);
  std::vector<uint8_t> a;
  std::vector<uint8_t> b;
  Writer wa(&a);
  Writer wb(&b);
  ids.Encode(wa);
  again.Encode(wb);
  EXPECT_EQ(a, b);
  Reader r(a);
  IdRanges back;
  ASSERT_TRUE(IdRanges::Decode(r, &back));
  EXPECT_TRUE(r.done());
  EXPECT_EQ(back, ids);
}

TEST(IdRangesTest, DecodeRefusesRangesThatAreNotCanonical) {
  for (const std::vector<uint64_t>& words :
       {std::vector<uint64_t>{2, 1, 5, 5, 9}, std::vector<uint64_t>{2, 1, 5, 6, 9},
        std::vector<uint64_t>{1, 5, 1}, std::vector<uint64_t>{3, 1, 2},
        std::vector<uint64_t>{2, 1, UINT64_MAX, 0, 3}}) {
    std::vector<uint8_t> bytes;
    Writer w(&bytes);
    for (uint64_t x : words) w.U64(x);
    Reader r(bytes);
    IdRanges out;
    EXPECT_FALSE(IdRanges::Decode(r, &out)) << words.size();
  }
}

}  // namespace
}  // namespace bg
