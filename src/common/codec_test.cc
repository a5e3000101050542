#include "common/codec.h"

#include <gtest/gtest.h>

namespace bg {
namespace {

TEST(CodecTest, RoundTripsAndRefusesTruncation) {
  std::vector<uint8_t> bytes;
  Writer w(&bytes);
  w.U8(7);
  w.U32(0xdeadbeef);
  w.I64(-5);
  w.Str("算力券");
  Reader r(bytes);
  uint8_t a = 0;
  uint32_t b = 0;
  int64_t c = 0;
  std::string d;
  ASSERT_TRUE(r.U8(&a) && r.U32(&b) && r.I64(&c) && r.Str(&d));
  EXPECT_EQ(a, 7);
  EXPECT_EQ(b, 0xdeadbeefu);
  EXPECT_EQ(c, -5);
  EXPECT_EQ(d, "算力券");
  EXPECT_TRUE(r.done());

  bytes.pop_back();
  Reader truncated(bytes);
  ASSERT_TRUE(truncated.U8(&a) && truncated.U32(&b) && truncated.I64(&c));
  EXPECT_FALSE(truncated.Str(&d));
}

}  // namespace
}  // namespace bg
