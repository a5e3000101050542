#include "programme/credit_code.h"

#include <cstdint>
#include <string>
#include <string_view>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/rng.h"

namespace bg::programme {
namespace {

using ::testing::HasSubstr;

constexpr std::string_view kAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
constexpr std::string_view kAuthorities = "123456789ANY";

// Check characters worked out from the weights 3^(i-1) mod 31.
TEST(CreditCodeTest, AcceptsKnownValidCodes) {
  for (std::string_view code : {
           "91350100M000100Y43",  // the example widely cited in guides
           "914403001922038216",  // all-digit organisation identifier
           "91440300708461136T",  // letter check character
           "Y1000000000000000X",  // Y=30: 30*1 + 1*3 = 33 = 2 mod 31; 31-2 = 29 -> X
           "A1000000000000000J",  // A=10: 10 + 3 = 13; 31-13 = 18 -> J
           "N10000000000000006",  // N=22: 22 + 3 = 25; 31-25 = 6
           "1000000000000000M0",  // M=21: 1 + 21*28 = 589 = 19*31; 31 maps to 0
       }) {
    SCOPED_TRACE(code);
    EXPECT_EQ(CreditCodeCheckCharacter(code.substr(0, 17)), code[17]);
    EXPECT_TRUE(ValidateCreditCode(code).ok()) << ValidateCreditCode(code);
  }
}

TEST(CreditCodeTest, CheckCharacterIsZeroWhenTheWeightedSumIsAMultipleOf31) {
  // 31 - 0 = 31, which maps to 0 rather than indexing past the alphabet.
  EXPECT_EQ(CreditCodeCheckCharacter("00000000000000000"), '0');
}

struct InvalidCase {
  std::string_view name;
  std::string code;
  std::string_view message;
};

TEST(CreditCodeTest, RefusesMalformedCodesSayingWhatIsWrong) {
  const InvalidCase cases[] = {
      {"empty", "", "unified social credit code must be 18 characters, got 0"},
      {"one short", "91350100M000100Y4",
       "unified social credit code must be 18 characters, got 17"},
      {"one long", "91350100M000100Y433",
       "unified social credit code must be 18 characters, got 19"},
      {"letter I", "9135I100M000100Y43",
       "character 'I' at position 5 is not allowed (GB 32100-2015 uses 0-9 and A-Z without I, O, "
       "S, V, Z)"},
      {"letter O", "91350100O000100Y43", "character 'O' at position 9 is not allowed"},
      {"letter S", "91350100M000100S43", "character 'S' at position 16 is not allowed"},
      {"letter V", "V1350100M000100Y43", "character 'V' at position 1 is not allowed"},
      {"letter Z", "91350100M000100Y4Z", "character 'Z' at position 18 is not allowed"},
      {"hyphen", "91350100-000100Y43", "character '-' at position 9 is not allowed"},
      {"space", "91350100M000100Y4 ", "character ' ' at position 18 is not allowed"},
      {"non-ASCII byte",
       "91350100\xE4"
       "000100Y43",
       "character byte 0xE4 at position 9"},
      {"lower case", "91350100m000100y43",
       "character 'm' at position 9 is lower case; write the code in upper case ('M')"},
      {"lower case with no upper-case form in the alphabet", "91350100M000100i43",
       "character 'i' at position 16 is not allowed"},
      {"authority X", "X1350100M000100Y43",
       "registration authority code 'X' at position 1 is not one of 1-9, A, N, Y"},
      {"authority 0", "01350100M000100Y43",
       "registration authority code '0' at position 1 is not one of 1-9, A, N, Y"},
      {"letter in division code", "9135010AM000100Y43",
       "positions 3-8 must be an administrative division code of 6 digits, got 'A' at position 8"},
      {"letter at start of division code", "91B50100M000100Y43",
       "positions 3-8 must be an administrative division code of 6 digits, got 'B' at position 3"},
      {"wrong check digit", "91350100M000100Y4Y",
       "check digit at position 18 is 'Y' but should be '3'"},
      {"transposed digits", "91351000M000100Y43",
       "check digit at position 18 is '3' but should be"},
  };
  for (const InvalidCase& c : cases) {
    SCOPED_TRACE(c.name);
    const Status status = ValidateCreditCode(c.code);
    EXPECT_EQ(status.code(), StatusCode::kInvalidArgument) << status;
    EXPECT_THAT(status.message(), HasSubstr(c.message));
  }
}

std::string RandomPrefix(Rng& rng) {
  std::string prefix;
  prefix += kAuthorities[rng.Uniform(kAuthorities.size())];
  prefix += kAlphabet[rng.Uniform(kAlphabet.size())];
  for (int i = 0; i < 6; ++i) prefix += kAlphabet[rng.Uniform(10)];
  for (int i = 0; i < 9; ++i) prefix += kAlphabet[rng.Uniform(kAlphabet.size())];
  return prefix;
}

TEST(CreditCodeTest, ExactlyOneCheckCharacterCompletesEachRandomPrefix) {
  Rng rng(20151001);
  for (int n = 0; n < 1000; ++n) {
    const std::string prefix = RandomPrefix(rng);
    const char check = CreditCodeCheckCharacter(prefix);
    for (char c : kAlphabet) {
      const std::string code = prefix + c;
      const Status status = ValidateCreditCode(code);
      if (c == check) {
        EXPECT_TRUE(status.ok()) << code << ": " << status;
      } else {
        EXPECT_THAT(status.message(),
                    HasSubstr("check digit at position 18 is '" + std::string(1, c) +
                              "' but should be '" + std::string(1, check) + "'"))
            << code;
      }
    }
  }
}

TEST(CreditCodeTest, EverySingleCharacterSubstitutionIsRefused) {
  // 31 is prime and no weight is 0 mod 31, so changing one character always
  // changes the weighted sum mod 31.
  Rng rng(32100);
  for (int n = 0; n < 200; ++n) {
    std::string code = RandomPrefix(rng);
    code += CreditCodeCheckCharacter(code);
    for (size_t i = 0; i < 17; ++i) {
      const char original = code[i];
      for (char c : kAlphabet) {
        if (c == original) continue;
        code[i] = c;
        EXPECT_FALSE(ValidateCreditCode(code).ok()) << code;
      }
      code[i] = original;
    }
  }
}

TEST(CreditCodeDeathTest, CheckCharacterRequiresSeventeenAlphabetCharacters) {
  EXPECT_DEATH(CreditCodeCheckCharacter("9135010"), "first17.size");
  EXPECT_DEATH(CreditCodeCheckCharacter("91350100I000100Y4"), "character 'I'");
}

}  // namespace
}  // namespace bg::programme
