#include "programme/codec.h"

#include <gtest/gtest.h>

#include "world/world.h"

namespace bg::programme {
namespace {

template <typename T>
void ExpectRoundTrip(const T& value, void (*encode)(Writer&, const T&),
                     bool (*decode)(Reader&, T*)) {
  std::vector<uint8_t> bytes;
  Writer w(&bytes);
  encode(w, value);
  Reader r(bytes);
  T back{};
  ASSERT_TRUE(decode(r, &back));
  EXPECT_TRUE(r.done());
  EXPECT_TRUE(back == value);
  // Every truncation is refused, never read past the end.
  for (size_t n = 0; n < bytes.size(); ++n) {
    Reader cut(std::span<const uint8_t>(bytes.data(), n));
    T partial{};
    EXPECT_FALSE(decode(cut, &partial)) << "truncated at " << n;
  }
}

TEST(ProgrammeCodecTest, EveryRecordOfTheGbaScenarioRoundTrips) {
  Result<world::World> s = world::LoadWorldFile(std::string(BG_SOURCE_DIR) + "/scenarios/gba.toml");
  ASSERT_TRUE(s.ok()) << s.status();
  for (const auto& j : s->jurisdictions) ExpectRoundTrip(j, EncodeJurisdiction, DecodeJurisdiction);
  for (const auto& e : s->enterprises) ExpectRoundTrip(e, EncodeEnterprise, DecodeEnterprise);
  for (const auto& p : s->providers) ExpectRoundTrip(p, EncodeProvider, DecodeProvider);
  for (const auto& p : s->programmes) ExpectRoundTrip(p, EncodeProgramme, DecodeProgramme);
}

TEST(ProgrammeCodecTest, OutOfRangeEnumsAreRefused) {
  Jurisdiction j{.id = JurisdictionId(1), .code = "x", .name = "X", .name_zh = "X"};
  std::vector<uint8_t> bytes;
  Writer w(&bytes);
  EncodeJurisdiction(w, j);
  // The level byte follows the id (8) and three strings (4 + 1 each).
  bytes[8 + 3 * 5] = 99;
  Reader r(bytes);
  Jurisdiction back;
  EXPECT_FALSE(DecodeJurisdiction(r, &back));
}

}  // namespace
}  // namespace bg::programme
