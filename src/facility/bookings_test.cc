// Direct booking: first come within capacity, open hours and the weekly
// quota; check-in, check-out and the fee; cancellation; no-shows and uses
// ended by the clock; the wire form rebuilding the calendar; rollback; and
// a seeded property test that no hour is ever held past capacity.
#include "facility/bookings.h"

#include <gtest/gtest.h>

#include "common/rng.h"

namespace bg::facility {
namespace {

// 2026-03-02 00:00 UTC, a Monday: 08:00 in Shenzhen.
constexpr Timestamp kMonday = 1'772'409'600 * kNanosPerSecond;
constexpr Timestamp kHour = kNanosPerHour;
constexpr Timestamp kMinute = 60 * kNanosPerSecond;

Facility Spectrometer() {
  return {.id = FacilityId(7),
          .name = "高分辨质谱 Orbitrap",
          .institution = ProviderId(3),
          .kind = FacilityKind::kMassSpectrometer,
          .capacity = 2,
          .hours = {.days = 0x1f, .from_hour = 8, .to_hour = 20},  // Mon-Fri 08-20 CST
          .fees = {.own = Money::Fen(20'000),
                   .academic = Money::Fen(45'000),
                   .industry = Money::Fen(90'000)},
          .booking_quota_hours = 10,
          .no_show_grace_minutes = 30};
}

programme::Provider Owner() {
  return {.id = ProviderId(3), .name = "南方科技大学", .credit_code = "12440300MB2C73561H"};
}

programme::Enterprise Firm(uint64_t id) {
  return {
      .id = EnterpriseId(id),
      .credit_code = "91441900MA4W0000" + std::to_string(id % 10) + "X",
      .name = "松山湖机器人 " + std::to_string(id),
      .applicant = {.id = EnterpriseId(id), .category = programme::ApplicantCategory::kStartUp}};
}

class BookingsTest : public ::testing::Test {
 protected:
  BookingOutcome Book(uint64_t id, Timestamp start, uint32_t hours, uint64_t user = 21) {
    const programme::Enterprise e = user == 21 ? firm_ : Firm(user);
    return bookings_.Apply(BookFacility{.id = OrderId(id),
                                        .facility = f_.id,
                                        .user = EnterpriseId(user),
                                        .start = start,
                                        .hours = hours,
                                        .actor = "desk"},
                           BookingWorld{.facility = &f_, .user = &e, .owner = &owner_}, now_);
  }
  BookingOutcome Use(uint64_t id, UseStep step, uint32_t minutes = 0) {
    return bookings_.Apply(UseFacility{.id = OrderId(id), .step = step, .minutes = minutes}, now_);
  }

  Facility f_ = Spectrometer();
  programme::Provider owner_ = Owner();
  programme::Enterprise firm_ = Firm(21);
  Bookings bookings_;
  Timestamp now_ = kMonday - kNanosPerDay;  // Sunday 08:00 CST
};

TEST_F(BookingsTest, FirstComeWithinCapacity) {
  ASSERT_EQ(Book(1, kMonday + 2 * kHour, 3).code, BookingCode::kOk);
  ASSERT_EQ(Book(2, kMonday + 3 * kHour, 2, 22).code, BookingCode::kOk);
  EXPECT_EQ(bookings_.Taken(f_.id, kMonday + 3 * kHour), 2U);
  const BookingOutcome full = Book(3, kMonday + 4 * kHour, 1, 23);
  EXPECT_EQ(full.code, BookingCode::kFull);
  EXPECT_NE(full.message.find("2026-03-02 12:00 CST"), std::string::npos) << full.message;
  // The same booking again is answered as the first time; another body is not.
  EXPECT_EQ(Book(1, kMonday + 2 * kHour, 3).code, BookingCode::kExists);
  EXPECT_EQ(Book(1, kMonday + 2 * kHour, 4).code, BookingCode::kExistsWithDifferentBody);
  // A cancellation frees the hours for the next one.
  ASSERT_EQ(Use(2, UseStep::kCancel).code, BookingCode::kOk);
  EXPECT_EQ(Book(3, kMonday + 4 * kHour, 1, 23).code, BookingCode::kOk);
}

TEST_F(BookingsTest, RefusalsNameTheRule) {
  EXPECT_EQ(Book(0, kMonday, 1).code, BookingCode::kIdMustNotBeZero);
  EXPECT_EQ(Book(kMaxBookingId, kMonday, 1).code, BookingCode::kIdTooLarge);
  // Closed: 20:00 CST on Monday, and Saturday.
  const BookingOutcome closed = Book(1, kMonday + 11 * kHour, 2);
  EXPECT_EQ(closed.code, BookingCode::kClosed);
  EXPECT_NE(closed.message.find("closed at 2026-03-02 20:00 CST"), std::string::npos)
      << closed.message;
  EXPECT_EQ(Book(1, kMonday + 5 * kNanosPerDay + 2 * kHour, 1).code, BookingCode::kClosed);
  EXPECT_EQ(Book(1, kMonday + kMinute, 1).code, BookingCode::kInvalidTime);  // not on the hour
  EXPECT_EQ(Book(1, kMonday - 2 * kNanosPerDay, 1).code, BookingCode::kInvalidTime);  // past
  EXPECT_EQ(Book(1, kMonday + 100 * kNanosPerDay, 1).code, BookingCode::kInvalidTime);
  EXPECT_EQ(Book(1, kMonday, 0).code, BookingCode::kInvalidTime);
  // The weekly quota: 10 hours; 8 + 3 passes it, in another day of the week too.
  ASSERT_EQ(Book(1, kMonday, 8).code, BookingCode::kOk);
  const BookingOutcome over = Book(2, kMonday + kNanosPerDay, 3);
  EXPECT_EQ(over.code, BookingCode::kOverQuota);
  EXPECT_NE(over.message.find("holds 8 hours"), std::string::npos) << over.message;
  EXPECT_EQ(Book(2, kMonday + kNanosPerDay, 2).code, BookingCode::kOk);
  // The next week's quota is its own.
  EXPECT_EQ(Book(3, kMonday + 7 * kNanosPerDay, 3).code, BookingCode::kOk);
  // A beamline is allocated by rounds only.
  f_.booking_quota_hours = 0;
  EXPECT_EQ(Book(4, kMonday + 7 * kNanosPerDay + 5 * kHour, 1).code, BookingCode::kProposalsOnly);
}

// A walk-in books the hour in progress; its no-show grace runs from when it
// booked. An hour that has ended is past.
TEST_F(BookingsTest, AWalkInBooksTheHourInProgress) {
  now_ = kMonday + 2 * kHour + 40 * kMinute;
  ASSERT_EQ(Book(1, kMonday + 2 * kHour, 2).code, BookingCode::kOk);
  EXPECT_EQ(bookings_.NextDue(), now_ + 30 * kMinute);
  EXPECT_EQ(Book(2, kMonday + kHour, 1).code, BookingCode::kInvalidTime);
  ASSERT_EQ(Use(1, UseStep::kCheckIn).code, BookingCode::kOk);
}

TEST_F(BookingsTest, CheckInCheckOutChargesTheTimeUsed) {
  ASSERT_EQ(Book(1, kMonday + 2 * kHour, 3).code, BookingCode::kOk);
  EXPECT_EQ(Use(1, UseStep::kCheckIn).code, BookingCode::kInvalidStep);  // before its start
  now_ = kMonday + 2 * kHour + 5 * kMinute;
  ASSERT_EQ(Use(1, UseStep::kCheckIn).code, BookingCode::kOk);
  EXPECT_EQ(Use(1, UseStep::kCancel).code, BookingCode::kInvalidStep);
  now_ += 100 * kMinute;
  EXPECT_EQ(Use(1, UseStep::kCheckOut, 181).code, BookingCode::kInvalidStep);  // above 3 hours
  const BookingOutcome out = Use(1, UseStep::kCheckOut, 101);
  ASSERT_EQ(out.code, BookingCode::kOk) << out.message;
  EXPECT_TRUE(out.ended_use);
  const Booking& b = *bookings_.Find(OrderId(1));
  EXPECT_EQ(b.status, BookingStatus::kUsed);
  EXPECT_EQ(b.user_class, UserClass::kIndustry);
  // 900.00 yuan an hour for 101 minutes: 1,515.00 yuan.
  EXPECT_EQ(b.fee, Money::Fen(151'500));
  // Checked out at 11:45 CST: the hour begun stays held, the last is free.
  EXPECT_EQ(bookings_.Taken(f_.id, kMonday + 3 * kHour), 1U);
  EXPECT_EQ(bookings_.Taken(f_.id, kMonday + 4 * kHour), 0U);
  EXPECT_FALSE(bookings_.NextDue().has_value());
}

TEST_F(BookingsTest, NoShowReleasesTheRestAndChargesNothing) {
  ASSERT_EQ(Book(1, kMonday + 2 * kHour, 4).code, BookingCode::kOk);
  EXPECT_EQ(bookings_.NextDue(), kMonday + 2 * kHour + 30 * kMinute);
  EXPECT_EQ(bookings_.ApplyTime(kMonday + 2 * kHour + 29 * kMinute, 64).ended, 0U);
  const Bookings::TimeWork work = bookings_.ApplyTime(kMonday + 2 * kHour + 30 * kMinute, 64);
  EXPECT_EQ(work.ended, 1U);
  EXPECT_TRUE(work.used.empty());
  const Booking& b = *bookings_.Find(OrderId(1));
  EXPECT_EQ(b.status, BookingStatus::kNoShow);
  EXPECT_EQ(b.fee, Money{});
  EXPECT_EQ(bookings_.Taken(f_.id, kMonday + 3 * kHour), 0U);
  now_ = kMonday + 2 * kHour + 40 * kMinute;
  EXPECT_EQ(Use(1, UseStep::kCheckIn).code, BookingCode::kInvalidStep);
}

TEST_F(BookingsTest, AUseStillOpenAtItsEndIsCheckedOutForTheTimeBooked) {
  ASSERT_EQ(Book(1, kMonday + 2 * kHour, 2).code, BookingCode::kOk);
  now_ = kMonday + 2 * kHour;
  ASSERT_EQ(Use(1, UseStep::kCheckIn).code, BookingCode::kOk);
  EXPECT_EQ(bookings_.NextDue(), kMonday + 4 * kHour);
  const Bookings::TimeWork work = bookings_.ApplyTime(kMonday + 5 * kHour, 64);
  ASSERT_EQ(work.used, std::vector<OrderId>{OrderId(1)});
  const Booking& b = *bookings_.Find(OrderId(1));
  EXPECT_EQ(b.minutes, 120U);
  EXPECT_EQ(b.ended_at, kMonday + 4 * kHour);
  EXPECT_EQ(b.fee, Money::Fen(180'000));
}

TEST_F(BookingsTest, UserClassAndFee) {
  programme::Enterprise own = Firm(30);
  own.credit_code = owner_.credit_code;
  EXPECT_EQ(ClassOf(own, owner_), UserClass::kOwn);
  programme::Enterprise lab = Firm(31);
  lab.applicant.category = programme::ApplicantCategory::kResearchInstitute;
  EXPECT_EQ(ClassOf(lab, owner_), UserClass::kAcademic);
  EXPECT_EQ(ClassOf(firm_, owner_), UserClass::kIndustry);
  EXPECT_EQ(RateFor(f_.fees, UserClass::kAcademic), Money::Fen(45'000));
  // Half a fen rounds up; a third of one rounds down.
  EXPECT_EQ(FeeFor(Money::Fen(1), 30), Money::Fen(1));
  EXPECT_EQ(FeeFor(Money::Fen(1), 20), Money::Fen(0));
  EXPECT_EQ(FeeFor(Money::Fen(INT64_MAX / 2), 60), std::nullopt);
}

TEST_F(BookingsTest, RollbackRestoresTheCalendar) {
  ASSERT_EQ(Book(1, kMonday + 2 * kHour, 2).code, BookingCode::kOk);
  bookings_.BeginBatch();
  ASSERT_EQ(Book(2, kMonday + 2 * kHour, 2, 22).code, BookingCode::kOk);
  ASSERT_EQ(Use(1, UseStep::kCancel).code, BookingCode::kOk);
  bookings_.RollbackBatch();
  EXPECT_EQ(bookings_.Find(OrderId(2)), nullptr);
  EXPECT_EQ(bookings_.Find(OrderId(1))->status, BookingStatus::kBooked);
  EXPECT_EQ(bookings_.Taken(f_.id, kMonday + 2 * kHour), 1U);
  EXPECT_EQ(bookings_.NextDue(), kMonday + 2 * kHour + 30 * kMinute);
  // The quota it counted is back to one booking's.
  EXPECT_EQ(Book(3, kMonday + kNanosPerDay, 9).code, BookingCode::kOverQuota);
}

TEST_F(BookingsTest, WireFormRebuildsTheCalendar) {
  ASSERT_EQ(Book(1, kMonday + 2 * kHour, 3).code, BookingCode::kOk);
  ASSERT_EQ(Book(2, kMonday + 2 * kHour, 2, 22).code, BookingCode::kOk);
  ASSERT_EQ(Book(3, kMonday + 6 * kHour, 1, 23).code, BookingCode::kOk);
  ASSERT_EQ(Use(3, UseStep::kCancel).code, BookingCode::kOk);
  now_ = kMonday + 2 * kHour;
  ASSERT_EQ(Use(1, UseStep::kCheckIn).code, BookingCode::kOk);
  now_ += 70 * kMinute;
  ASSERT_EQ(Use(1, UseStep::kCheckOut, 70).code, BookingCode::kOk);
  std::vector<uint8_t> bytes;
  Writer w(&bytes);
  bookings_.Encode(w);
  Reader r(bytes);
  Bookings back;
  ASSERT_TRUE(Bookings::Decode(r, &back));
  EXPECT_TRUE(r.done());
  EXPECT_TRUE(back == bookings_);
  for (Timestamp h = kMonday; h < kMonday + 12 * kHour; h += kHour) {
    EXPECT_EQ(back.Taken(f_.id, h), bookings_.Taken(f_.id, h)) << (h - kMonday) / kHour;
  }
  EXPECT_EQ(back.NextDue(), bookings_.NextDue());
  // Truncated, it is refused.
  bytes.pop_back();
  Reader cut(bytes);
  Bookings none;
  EXPECT_FALSE(Bookings::Decode(cut, &none));
}

// Random bookings, cancellations, check-ins and check-outs, and the clock:
// no hour is ever held by more than the capacity, and what the calendar
// says is held is what the records hold.
TEST(BookingsPropertyTest, NoHourPastCapacityAndTheCalendarMatchesTheRecords) {
  for (uint64_t seed = 1; seed <= 40; ++seed) {
    Rng rng(seed);
    Facility f = Spectrometer();
    f.booking_quota_hours = 40;
    const programme::Provider owner = Owner();
    Bookings b;
    Timestamp now = kMonday - kNanosPerDay;
    for (uint64_t step = 1; step <= 300; ++step) {
      const uint64_t user = 21 + rng.Uniform(5);
      const programme::Enterprise e = Firm(user);
      switch (rng.Uniform(4)) {
        case 0:
        case 1: {
          const Timestamp start = (now / kHour + 1 + rng.Uniform(72)) * kHour;
          b.Apply(BookFacility{.id = OrderId(step),
                               .facility = f.id,
                               .user = e.id,
                               .start = start,
                               .hours = static_cast<uint32_t>(1 + rng.Uniform(4))},
                  BookingWorld{.facility = &f, .user = &e, .owner = &owner}, now);
          break;
        }
        case 2: {
          const auto step_kind = static_cast<UseStep>(rng.Uniform(3));
          b.Apply(UseFacility{.id = OrderId(1 + rng.Uniform(step)),
                              .step = step_kind,
                              .minutes = static_cast<uint32_t>(1 + rng.Uniform(60))},
                  now);
          break;
        }
        default:
          now += rng.Uniform(90) * kMinute;
          b.ApplyTime(now, 64);
      }
    }
    std::map<Timestamp, uint32_t> held;
    for (const auto& [id, x] : b.bookings()) {
      if (x.status == BookingStatus::kCancelled) continue;
      const Timestamp end = x.request.start + x.request.hours * kHour;
      const bool open = x.status == BookingStatus::kBooked || x.status == BookingStatus::kInUse;
      const Timestamp until =
          open ? end
               : std::min(end, std::max(x.request.start, (x.ended_at + kHour - 1) / kHour * kHour));
      for (Timestamp h = x.request.start; h < until; h += kHour) ++held[h];
      if (x.status == BookingStatus::kUsed) {
        EXPECT_EQ(x.fee, *FeeFor(x.rate, x.minutes)) << "seed " << seed << " booking " << id;
      }
    }
    for (Timestamp h = kMonday - kNanosPerDay; h < now + 80 * kHour; h += kHour) {
      const uint32_t want = held.count(h) == 0 ? 0 : held[h];
      ASSERT_EQ(b.Taken(f.id, h), want) << "seed " << seed << " hour " << h;
      ASSERT_LE(want, f.capacity) << "seed " << seed;
    }
  }
}

}  // namespace
}  // namespace bg::facility
