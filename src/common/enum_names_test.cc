#include "common/enum_names.h"

#include <gtest/gtest.h>

namespace bg {
namespace {

// In an anonymous namespace on purpose: its enumerators print as
// "(anonymous namespace)::Colour::kRed", which must still count as named.
enum class Colour : uint8_t { kRed = 0, kGreen, kBlue2 };

constexpr std::array<EnumName<Colour>, 3> kColours = {{
    {"red", Colour::kRed},
    {"green", Colour::kGreen},
    {"blue", Colour::kBlue2},
}};
static_assert(IsNameTable(kColours));

// What the check beside a table refuses.
constexpr std::array<EnumName<Colour>, 2> kMissingLast = {{
    {"red", Colour::kRed},
    {"green", Colour::kGreen},
}};
constexpr std::array<EnumName<Colour>, 2> kMissingMiddle = {{
    {"red", Colour::kRed},
    {"blue", Colour::kBlue2},
}};
constexpr std::array<EnumName<Colour>, 3> kReordered = {{
    {"green", Colour::kGreen},
    {"red", Colour::kRed},
    {"blue", Colour::kBlue2},
}};
constexpr std::array<EnumName<Colour>, 3> kTwice = {{
    {"red", Colour::kRed},
    {"green", Colour::kGreen},
    {"green", Colour::kBlue2},
}};
static_assert(!IsDense(kMissingLast) && !CoversEnum(kMissingLast));
static_assert(!IsDense(kMissingMiddle) && !CoversEnum(kMissingMiddle));
static_assert(!IsDense(kReordered) && CoversEnum(kReordered));
static_assert(IsDense(kTwice) && !HasUniqueNames(kTwice) && !IsNameTable(kTwice));

constexpr std::string_view kRedGreen = "redgreen";
constexpr std::array<EnumName<Colour>, 3> kNotWholeLiterals = {{
    {kRedGreen.substr(0, 3), Colour::kRed},
    {"green", Colour::kGreen},
    {"blue", Colour::kBlue2},
}};
constexpr std::array<EnumName<Colour>, 3> kEmptyName = {{
    {"red", Colour::kRed},
    {"", Colour::kGreen},
    {"blue", Colour::kBlue2},
}};
static_assert(!HasUniqueNames(kNotWholeLiterals) && !HasUniqueNames(kEmptyName));

// An enum not numbered from 0 in steps of 1 (flags) still gets unique names.
constexpr std::array<EnumName<uint32_t>, 2> kFlags = {{{"a", 1}, {"b", 4}}};
static_assert(HasUniqueNames(kFlags));

TEST(EnumNamesTest, NameAndValueRoundTrip) {
  for (const EnumName<Colour>& e : kColours) {
    EXPECT_EQ(NameOf(kColours, e.value), e.name);
    EXPECT_EQ(FromName(kColours, e.name), e.value);
  }
  EXPECT_STREQ(NameOf(kColours, Colour::kBlue2).data(), "blue");
}

TEST(EnumNamesTest, AnyOtherWordHasNoValue) {
  EXPECT_EQ(FromName(kColours, "Red"), std::nullopt);
  EXPECT_EQ(FromName(kColours, ""), std::nullopt);
  EXPECT_EQ(FromName(kColours, "redd"), std::nullopt);
}

TEST(EnumNamesTest, ListsTheNamesInTableOrder) {
  EXPECT_EQ(AllowedNames(kColours), "red, green, blue");
  EXPECT_EQ(AllowedNames(kReordered), "green, red, blue");
  constexpr std::array<std::string_view, 3> kWords = Names(kColours);
  EXPECT_EQ(kWords[2], "blue");
}

TEST(EnumNamesDeathTest, AValueWithoutANameIsABrokenInvariant) {
  EXPECT_DEATH((void)NameOf(kMissingLast, Colour::kBlue2), "no name for value 2");
  EXPECT_DEATH((void)NameOf(kFlags, uint32_t{2}), "no name for value 2");
}

}  // namespace
}  // namespace bg
