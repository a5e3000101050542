// The facility registry: a facility's checks, its calendar in China
// Standard Time less maintenance, its slots for a round, registration
// (again, differently, for an unknown institution) and its wire form.
#include "facility/registry.h"

#include <gtest/gtest.h>

namespace bg::facility {
namespace {

using programme::RegistryResult;

// 2026-03-02 00:00 UTC, a Monday: 08:00 in Shenzhen.
constexpr Timestamp kMonday = 1'772'409'600 * kNanosPerSecond;
constexpr Timestamp kHour = kNanosPerHour;

Facility Microscope() {
  return {.id = FacilityId(4),
          .name = "冷冻电镜 Krios 1",
          .name_en = "cryo-EM Krios 1",
          .institution = ProviderId(6),
          .kind = FacilityKind::kCryoEm,
          .capacity = 1,
          .hours = {.days = 0x1f, .from_hour = 8, .to_hour = 20},  // Mon-Fri 08-20 CST
          .maintenance = {{.from = kMonday + 2 * kNanosPerDay,
                           .to = kMonday + 3 * kNanosPerDay,
                           .why = "autoloader service"}},
          .fees = {.own = Money::Fen(30'000),
                   .academic = Money::Fen(100'000),
                   .industry = Money::Fen(250'000)},
          .training = "cryo-EM operation"};
}

TEST(FacilityCalendarTest, OpenHoursAreChinaStandardTimeLessMaintenance) {
  const Facility f = Microscope();
  EXPECT_TRUE(OpenAt(f, kMonday));                              // Monday 08:00 CST
  EXPECT_FALSE(OpenAt(f, kMonday - kHour));                     // 07:00 CST
  EXPECT_TRUE(OpenAt(f, kMonday + 11 * kHour));                 // 19:00 CST
  EXPECT_FALSE(OpenAt(f, kMonday + 12 * kHour));                // 20:00 CST
  EXPECT_FALSE(OpenAt(f, kMonday + 2 * kNanosPerDay + kHour));  // Wednesday: maintenance
  EXPECT_TRUE(OpenAt(f, kMonday + 3 * kNanosPerDay));           // Thursday
  EXPECT_FALSE(OpenAt(f, kMonday + 5 * kNanosPerDay + kHour));  // Saturday
}

// A week of 4-hour slots from Monday 08:00 CST: 6 a day; open are the
// first three of each weekday (08-12, 12-16, 16-20), but not Wednesday's
// (the maintenance day runs 08:00 Wednesday to 08:00 Thursday CST).
TEST(FacilityCalendarTest, OpenSlotsAreThoseOpenThroughout) {
  const SlotFacility s = OpenSlots(Microscope(), kMonday, 4 * kHour, 42);
  EXPECT_EQ(s.id, 4u);
  EXPECT_EQ(s.capacity, 1u);
  EXPECT_EQ(s.open, (std::vector<uint32_t>{0, 1, 2, 6, 7, 8, 18, 19, 20, 24, 25, 26}));
}

TEST(FacilityRegistryTest, ARegistrationIsCheckedRecordedOnceAndComparedAgain) {
  Facilities facilities;
  std::string why;
  EXPECT_EQ(facilities.Apply({Microscope()}, false, &why), RegistryResult::kUnknownProvider);
  EXPECT_EQ(why, "'institution': no provider 6");
  EXPECT_EQ(facilities.Apply({Microscope()}, true, &why), RegistryResult::kOk);
  EXPECT_EQ(facilities.Apply({Microscope()}, true, &why), RegistryResult::kExists);
  Facility other = Microscope();
  other.capacity = 2;
  EXPECT_EQ(facilities.Apply({other}, true, &why), RegistryResult::kExistsWithDifferentBody);
  ASSERT_NE(facilities.Find(FacilityId(4)), nullptr);
  EXPECT_EQ(facilities.Find(FacilityId(4))->capacity, 1u);

  Facility bad = Microscope();
  bad.id = FacilityId(5);
  bad.hours.from_hour = 20;
  EXPECT_EQ(facilities.Apply({bad}, true, &why), RegistryResult::kInvalidFacility);
  EXPECT_EQ(why, "'hours' must run from an hour before 'to_hour', at most 24 (20 to 20 given)");
  bad = Microscope();
  bad.id = FacilityId(5);
  bad.fees.industry = Money::Fen(-1);
  EXPECT_EQ(facilities.Apply({bad}, true, &why), RegistryResult::kInvalidFacility);
  EXPECT_EQ(why, "'fees.industry' must not be negative");
  EXPECT_EQ(facilities.facilities().size(), 1u);
}

TEST(FacilityRegistryTest, ABatchRolledBackLeavesNoFacility) {
  Facilities facilities;
  std::string why;
  facilities.BeginBatch();
  ASSERT_EQ(facilities.Apply({Microscope()}, true, &why), RegistryResult::kOk);
  facilities.RollbackBatch();
  EXPECT_EQ(facilities.Find(FacilityId(4)), nullptr);
}

TEST(FacilityRegistryTest, TheWireFormComesBackWholeAndATruncationIsRefused) {
  Facilities facilities;
  std::string why;
  ASSERT_EQ(facilities.Apply({Microscope()}, true, &why), RegistryResult::kOk);
  std::vector<uint8_t> bytes;
  Writer w(&bytes);
  facilities.Encode(w);
  Reader r(bytes);
  Facilities back;
  ASSERT_TRUE(Facilities::Decode(r, &back));
  EXPECT_TRUE(r.done());
  EXPECT_TRUE(back == facilities);
  for (size_t cut = 0; cut < bytes.size(); ++cut) {
    Reader part(std::span<const uint8_t>(bytes.data(), cut));
    Facilities partial;
    EXPECT_FALSE(Facilities::Decode(part, &partial) && part.done()) << "cut at " << cut;
  }
}

TEST(FacilityKindTest, NamesGoBothWays) {
  EXPECT_STREQ(FacilityKindName(FacilityKind::kNeutronStation), "neutron_station");
  EXPECT_EQ(FacilityKindFromName("cryo_em"), FacilityKind::kCryoEm);
  EXPECT_EQ(FacilityKindFromName("synchrotron"), std::nullopt);
}

}  // namespace
}  // namespace bg::facility
