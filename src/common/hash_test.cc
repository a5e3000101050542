#include "common/hash.h"

#include <gtest/gtest.h>

namespace bg {
namespace {

TEST(HashTest, Blake2b256OfEmptyInputMatchesTheSpec) {
  // BLAKE2b-256("") from RFC 7693's reference implementation.
  EXPECT_EQ(ToHex(HashBytes({})),
            "0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8");
}

TEST(HashTest, HmacSha256MatchesRfc4231) {
  // RFC 4231, test case 2.
  EXPECT_EQ(ToHex(HmacSha256("Jefe", "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(HashTest, IncrementalEqualsOneShotAndHexRoundTrips) {
  Hasher h;
  h.Update(std::string_view("bay"));
  h.Update(std::string_view("grid"));
  std::string_view whole = "baygrid";
  Hash256 one = HashBytes({reinterpret_cast<const uint8_t*>(whole.data()), whole.size()});
  Hash256 inc = h.Finish();
  EXPECT_EQ(one, inc);
  Hash256 back{};
  ASSERT_TRUE(FromHex(ToHex(one), &back));
  EXPECT_EQ(back, one);
  EXPECT_FALSE(FromHex("zz", &back));
}

TEST(HashTest, ProcessKeyedHashIsStableWithinTheProcessAndSpreads) {
  EXPECT_EQ(ProcessKeyedHash64("key-1"), ProcessKeyedHash64(std::string("key-1")));
  EXPECT_NE(ProcessKeyedHash64("key-1"), ProcessKeyedHash64("key-2"));
  EXPECT_NE(ProcessKeyedHash64(""), ProcessKeyedHash64(std::string_view("\0", 1)));
}

}  // namespace
}  // namespace bg
