#include "storage/idempotency_store.h"

#include <filesystem>

#include <gtest/gtest.h>

namespace bg::storage {
namespace {

namespace fs = std::filesystem;

RememberedAnswer Answer(uint8_t tag, Timestamp at) {
  RememberedAnswer a;
  a.request.fill(tag);
  a.answer = {tag, 1, 2, 3};
  a.at = at;
  return a;
}

TEST(IdempotencyStoreTest, TheFirstAnswerIsKeptAcrossAReopen) {
  std::string dir = (fs::temp_directory_path() / "bg_idem_XXXXXX").string();
  ASSERT_NE(mkdtemp(dir.data()), nullptr);
  const std::string path = dir + "/keys.db";
  {
    auto store = IdempotencyStore::Open(path);
    ASSERT_TRUE(store.ok()) << store.status();
    ASSERT_TRUE((*store)->Remember("enterprise/1", "k-1", Answer(7, 100)).ok());
    // A second answer for the same caller and key does not replace the first.
    ASSERT_TRUE((*store)->Remember("enterprise/1", "k-1", Answer(8, 200)).ok());
    ASSERT_TRUE((*store)->Remember("enterprise/2", "k-1", Answer(9, 300)).ok());
  }
  auto store = IdempotencyStore::Open(path);
  ASSERT_TRUE(store.ok()) << store.status();
  auto found = (*store)->Find("enterprise/1", "k-1");
  ASSERT_TRUE(found.ok());
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->request, Answer(7, 100).request);
  EXPECT_EQ((*found)->answer, Answer(7, 100).answer);
  EXPECT_EQ((*found)->at, 100u);
  auto other = (*store)->Find("enterprise/2", "k-1");
  ASSERT_TRUE(other.ok() && other->has_value());
  EXPECT_EQ((*other)->at, 300u);
  auto none = (*store)->Find("enterprise/1", "k-2");
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
  fs::remove_all(dir);
}

TEST(IdempotencyStoreTest, OldAnswersAreForgotten) {
  auto store = IdempotencyStore::Open("");  // in memory
  ASSERT_TRUE(store.ok());
  for (uint8_t i = 1; i <= 5; ++i) {
    ASSERT_TRUE((*store)->Remember("admin/0", "k" + std::to_string(i), Answer(i, i * 10)).ok());
  }
  auto forgotten = (*store)->ForgetBefore(30);
  ASSERT_TRUE(forgotten.ok());
  EXPECT_EQ(*forgotten, 2u);
  EXPECT_FALSE((*store)->Find("admin/0", "k2")->has_value());
  EXPECT_TRUE((*store)->Find("admin/0", "k3")->has_value());
}

}  // namespace
}  // namespace bg::storage
