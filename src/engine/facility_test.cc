// The alliance's facilities through the engine (scenarios/alliance.toml,
// issue 19): a Dongguan innovation voucher (科技创新券) pays its share of a
// Dongguan firm's test at a Shenzhen lab, through the same claims,
// statements and flow matrix as compute (the flow Dongguan → Shenzhen); a
// direct booking whose user does not come is released by the clock; a
// booking past a facility's capacity is refused; a university at its own
// facility pays the own rate and no voucher; vouchers pay only what they
// cover. Then a seeded property test: voucher + self-pay = fee to the fen,
// no hour past capacity, every programme reconciled, and a replay of the
// journal rebuilds the same state.
#include <gtest/gtest.h>

#include "common/rng.h"
#include "engine/alliance_test_fixture.h"
#include "programme/reconcile.h"

namespace bg::engine {

using facility::BookingCode;
using facility::BookingStatus;
using facility::UseStep;
using state::BookFacility;
using state::CommandBody;
using state::State;
using state::UseFacility;
namespace {

constexpr Timestamp kMinute = 60 * kNanosPerSecond;
constexpr Timestamp kHour = kNanosPerHour;
// Monday 2026-03-02 00:00 CST (2026-03-01T16:00Z); the voucher programmes
// are in force from 2026-01-01.
constexpr Timestamp kMonday = 1'772'380'800 * kNanosPerSecond;
constexpr Timestamp kStart = kMonday - 3 * kNanosPerDay;

// The alliance's users, in the world file's order.
constexpr EnterpriseId kSustech(1);
constexpr EnterpriseId kReducers(3);  // Songshan Lake Precision Reducers (Dongguan)
constexpr EnterpriseId kRobotics(5);  // Songshan Lake Robotics (Dongguan)
constexpr ProgrammeId kDongguanVouchers(1);

class FacilityEngineTest : public AllianceEngineTest {
 protected:
  FacilityEngineTest() : AllianceEngineTest(kStart) {}

  // An innovation voucher of `yuan` for `who`, issued.
  void Voucher(uint64_t id, EnterpriseId who, ProgrammeId programme, int64_t yuan) {
    ASSERT_EQ(Code(state::FileApplication{.id = ApplicationId(id),
                                          .programme = programme,
                                          .enterprise = who,
                                          .amount = Money::Fen(yuan * 100)}),
              programme::Code::kOk);
    for (programme::Step step : {programme::Step::kSubmit, programme::Step::kStartReview,
                                 programme::Step::kApprove, programme::Step::kIssue}) {
      ASSERT_EQ(Code(state::ReviewApplication{.id = ApplicationId(id), .step = step}),
                programme::Code::kOk);
    }
  }
  programme::Code Code(CommandBody c) {
    auto r = e_->Execute(std::move(c));
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? std::get<programme::Outcome>(*r).code : programme::Code::kInvalidTransition;
  }

  facility::BookingOutcome Do(CommandBody c) {
    auto r = e_->Execute(std::move(c));
    EXPECT_TRUE(r.ok()) << r.status();
    if (!r.ok()) return {.code = BookingCode::kInvalidStep};
    return std::get<facility::BookingOutcome>(*r);
  }
  facility::BookingOutcome Book(uint64_t id, FacilityId f, EnterpriseId who, Timestamp start,
                                uint32_t hours) {
    return Do(BookFacility{
        .id = OrderId(id), .facility = f, .user = who, .start = start, .hours = hours});
  }
  facility::BookingOutcome Use(uint64_t id, UseStep step, uint32_t minutes = 0) {
    return Do(UseFacility{.id = OrderId(id), .step = step, .minutes = minutes});
  }
  facility::Booking BookingOf(uint64_t id) {
    return e_->Read([&](const State& s) { return *s.bookings().Find(OrderId(id)); });
  }
  void ExpectReconciledAndReplayed() {
    e_->Read([](const State& s) {
      EXPECT_EQ(programme::CheckReconciled(s.book(), s.registry(), s.ledger()), "");
      EXPECT_EQ(s.ledger().CheckInvariants(), "");
      return 0;
    });
    ExpectReplayed();
  }
};

// A Dongguan firm tests a robot joint reducer at the Shenzhen metrology
// institute's bench: 2.5 hours at 600 yuan = 1,500 yuan; the Dongguan
// voucher pays 50% (750), the firm 750; the quarter's flow matrix shows
// Dongguan's money spent in Shenzhen.
TEST_F(FacilityEngineTest, ADongguanVoucherPaysForAShenzhenTestAndTheFlowShowsIt) {
  Voucher(1, kReducers, kDongguanVouchers, 20'000);
  const FacilityId bench = Find("SIMQI robot joint reliability test bench");
  const Timestamp ten = kMonday + 10 * kHour;  // 10:00 CST
  const auto booked = Book(100, bench, kReducers, ten, 3);
  ASSERT_EQ(booked.code, BookingCode::kOk) << booked.message;
  At(ten + 5 * kMinute);
  ASSERT_EQ(Use(100, UseStep::kCheckIn).code, BookingCode::kOk);
  At(ten + 155 * kMinute);
  const auto out = Use(100, UseStep::kCheckOut, 150);
  ASSERT_EQ(out.code, BookingCode::kOk) << out.message;
  EXPECT_NE(out.message.find("voucher 750.00, self-pay 750.00"), std::string::npos) << out.message;

  const facility::Booking b = BookingOf(100);
  EXPECT_EQ(b.status, BookingStatus::kUsed);
  EXPECT_EQ(b.user_class, facility::UserClass::kIndustry);
  EXPECT_EQ(b.fee, Money::Fen(150'000));
  EXPECT_EQ(b.subsidy, Money::Fen(75'000));
  e_->Read([&](const State& s) {
    const programme::Claim* claim = s.book().FindClaim(ClaimId(facility::kBookingClaimBit | 100));
    EXPECT_NE(claim, nullptr);
    if (claim == nullptr) return 0;
    EXPECT_EQ(claim->status, programme::ClaimStatus::kCaptured);
    EXPECT_EQ(claim->request.facility, bench);
    EXPECT_EQ(claim->request.facility_kind, "test_lab");
    // The charge line: fee = voucher + self-pay, in Shenzhen.
    const settlement::ChargeLine& line = s.settlement().lines().back();
    EXPECT_EQ(line.order, OrderId(100));
    EXPECT_EQ(line.charge, Money::Fen(150'000));
    EXPECT_EQ(line.copay, Money::Fen(75'000));
    const programme::Jurisdiction* shenzhen = s.registry().FindJurisdiction(line.city);
    EXPECT_EQ(shenzhen->code, "shenzhen");
    // The flow matrix of the quarter: Dongguan → Shenzhen, 750 yuan, one order.
    bool found = false;
    const auto flows = s.settlement().Flows(kStart, kMonday + 30 * kNanosPerDay);
    EXPECT_TRUE(flows.ok()) << flows.status().ToString();
    for (const settlement::Flow& f : flows.ok() ? *flows : std::vector<settlement::Flow>{}) {
      if (s.registry().FindJurisdiction(f.issuer)->code != "dongguan") continue;
      EXPECT_EQ(s.registry().FindJurisdiction(f.city)->code, "shenzhen");
      EXPECT_EQ(f.subsidy, Money::Fen(75'000));
      EXPECT_EQ(f.orders, 1U);
      found = true;
    }
    EXPECT_TRUE(found) << "no flow from Dongguan";
    return 0;
  });
  // Dongguan's quarterly statement pays the Shenzhen institute 750 yuan.
  const settlement::Period q1{settlement::PeriodKind::kQuarter, 2026, 1};
  At(kMonday + 31 * kNanosPerDay);  // the quarter has ended
  auto closed = e_->Execute(
      state::CloseStatement{.programme = kDongguanVouchers, .period = q1, .actor = "dg-finance"});
  ASSERT_TRUE(closed.ok()) << closed.status();
  e_->Read([&](const State& s) {
    const std::vector<settlement::Statement> statements =
        s.settlement().Statements(kDongguanVouchers, q1, s.registry());
    EXPECT_EQ(statements.size(), 1U);
    if (statements.empty()) return 0;
    EXPECT_TRUE(statements[0].closed);
    EXPECT_EQ(statements[0].payee, 10U);  // the metrology institute
    EXPECT_EQ(statements[0].subsidy, Money::Fen(75'000));
    EXPECT_EQ(statements[0].charge, Money::Fen(150'000));
    EXPECT_EQ(settlement::CheckStatements(s.settlement(), s.registry(), s.ledger()), "");
    return 0;
  });
  ExpectReconciledAndReplayed();
}

// The user does not come: 30 minutes after the start the clock releases
// the booking, nothing is charged, and its later hours are free to book.
TEST_F(FacilityEngineTest, ANoShowIsReleasedByTheClockAndItsHoursAreFree) {
  const FacilityId tem = Find("SLAB aberration-corrected TEM");  // capacity 1
  const Timestamp nine = kMonday + 9 * kHour;
  ASSERT_EQ(Book(200, tem, kRobotics, nine, 4).code, BookingCode::kOk);
  const auto full = Book(201, tem, kReducers, nine + 2 * kHour, 1);
  EXPECT_EQ(full.code, BookingCode::kFull) << full.message;
  At(nine + 29 * kMinute);
  EXPECT_EQ(BookingOf(200).status, BookingStatus::kBooked);
  At(nine + 30 * kMinute);
  EXPECT_EQ(BookingOf(200).status, BookingStatus::kNoShow);
  EXPECT_EQ(BookingOf(200).fee, Money{});
  EXPECT_EQ(Use(200, UseStep::kCheckIn).code, BookingCode::kInvalidStep);
  const auto freed = Book(201, tem, kReducers, nine + 2 * kHour, 1);
  EXPECT_EQ(freed.code, BookingCode::kOk) << freed.message;
  e_->Read([&](const State& s) {
    EXPECT_TRUE(s.settlement().lines().empty()) << "a no-show is charged nothing";
    return 0;
  });
  ExpectReconciledAndReplayed();
}

// A facility over capacity is refused, naming the hour; a beamline is not
// booked directly; a booking id is never a claimed order's.
TEST_F(FacilityEngineTest, OverCapacityAndProposalOnlyFacilitiesAreRefused) {
  const FacilityId bench = Find("SIMQI robot joint reliability test bench");  // capacity 2
  const Timestamp two = kMonday + 14 * kHour;
  ASSERT_EQ(Book(300, bench, kReducers, two, 2).code, BookingCode::kOk);
  ASSERT_EQ(Book(301, bench, kRobotics, two + kHour, 2).code, BookingCode::kOk);
  const auto third = Book(302, bench, kSustech, two + kHour, 1);
  EXPECT_EQ(third.code, BookingCode::kFull);
  EXPECT_NE(third.message.find("fully booked at 2026-03-02 15:00 CST (2 at once)"),
            std::string::npos)
      << third.message;
  const auto beam = Book(303, Find("SAPS test beamline 2"), kSustech, two, 1);
  EXPECT_EQ(beam.code, BookingCode::kProposalsOnly) << beam.message;
  // A job or a direct claim never takes a booking's order id.
  auto job = e_->Execute(state::SubmitJob{
      .request = {.id = OrderId(300), .enterprise = kReducers, .cards = 1, .walltime_s = 60}});
  ASSERT_TRUE(job.ok());
  EXPECT_EQ(std::get<scheduler::JobOutcome>(*job).code, scheduler::Code::kOrderClaimedDirectly);
  EXPECT_EQ(Code(state::Redeem{.id = ClaimId(9),
                               .order = OrderId(300),
                               .enterprise = kReducers,
                               .provider = ProviderId(10),
                               .amount = Money::Fen(100)}),
            programme::Code::kOrderIsABooking);
}

// SUSTech at its own analysis centre pays the own rate and no voucher; a
// compute order is never paid by an innovation voucher.
TEST_F(FacilityEngineTest, OwnStaffPayTheOwnRateAndVouchersPayOnlyWhatTheyCover) {
  const FacilityId ms = Find("SUSTech analysis centre high-resolution mass spectrometer");
  const Timestamp ten = kMonday + 10 * kHour;
  ASSERT_EQ(Book(400, ms, kSustech, ten, 2).code, BookingCode::kOk);
  At(ten);
  ASSERT_EQ(Use(400, UseStep::kCheckIn).code, BookingCode::kOk);
  // Still in use at its end: checked out by the clock for the time booked.
  At(ten + 2 * kHour);
  const facility::Booking b = BookingOf(400);
  EXPECT_EQ(b.status, BookingStatus::kUsed);
  EXPECT_EQ(b.user_class, facility::UserClass::kOwn);
  EXPECT_EQ(b.minutes, 120U);
  EXPECT_EQ(b.fee, facility::FeeFor(b.rate, 120));
  EXPECT_EQ(b.subsidy, Money{});
  EXPECT_NE(b.unpaid_why.find("own staff"), std::string::npos) << b.unpaid_why;

  Voucher(2, kReducers, kDongguanVouchers, 20'000);
  EXPECT_EQ(Code(state::Redeem{.id = ClaimId(10),
                               .order = OrderId(401),
                               .enterprise = kReducers,
                               .provider = ProviderId(9),
                               .amount = Money::Fen(100'000)}),
            programme::Code::kNoVoucher);
  ExpectReconciledAndReplayed();
}

// Random bookings, check-ins, check-outs, cancellations and time over two
// weeks, by users with and without vouchers: every used booking's voucher
// and self-pay add up to its fee, each facility hour is held by at most its
// capacity, and the book reconciles with the ledger.
TEST_F(FacilityEngineTest, PropertyFeesAddUpCapacityHoldsAndTheBookReconciles) {
  Voucher(1, kReducers, kDongguanVouchers, 20'000);
  Voucher(2, kRobotics, kDongguanVouchers, 5'000);
  std::vector<FacilityId> bookable;
  e_->Read([&](const State& s) {
    for (const auto& [id, f] : s.facilities().facilities()) {
      if (f.booking_quota_hours > 0) bookable.push_back(id);
    }
    return 0;
  });
  ASSERT_GE(bookable.size(), 10U);
  Rng rng(7);
  Timestamp now = kStart;
  for (uint64_t step = 1; step <= 1'500; ++step) {
    switch (rng.Uniform(10)) {
      case 0:
      case 1:
      case 2:
        Book(1'000 + step, bookable[rng.Uniform(bookable.size())], EnterpriseId(1 + rng.Uniform(8)),
             (now / kHour + 1 + rng.Uniform(48)) * kHour,
             static_cast<uint32_t>(1 + rng.Uniform(4)));
        break;
      case 3:
      case 4:
      case 5:
      case 6: {
        // A user comes, leaves or cancels: a step that fits where its
        // booking stands, now and then one that does not.
        std::vector<std::pair<OrderId, UseStep>> fits;
        std::vector<std::pair<OrderId, UseStep>> cancels;
        e_->Read([&](const State& s) {
          for (const auto& [id, b] : s.bookings().bookings()) {
            if (b.status == BookingStatus::kBooked && b.request.start <= now) {
              fits.emplace_back(id, UseStep::kCheckIn);
            } else if (b.status == BookingStatus::kBooked) {
              cancels.emplace_back(id, UseStep::kCancel);
            } else if (b.status == BookingStatus::kInUse) {
              fits.emplace_back(id, UseStep::kCheckOut);
            }
          }
          return 0;
        });
        // Now and then a user cancels what has not begun.
        if (fits.empty() || rng.Percent(5)) {
          if (!rng.Percent(15)) break;
          fits = cancels;
        }
        const auto steps = std::array{UseStep::kCheckIn, UseStep::kCheckOut, UseStep::kCancel};
        std::pair<OrderId, UseStep> pick{OrderId(1'000 + 1 + rng.Uniform(step)),
                                         steps[rng.Uniform(3)]};
        if (!fits.empty() && rng.Percent(90)) pick = fits[rng.Uniform(fits.size())];
        Do(UseFacility{.id = pick.first,
                       .step = pick.second,
                       .minutes = static_cast<uint32_t>(1 + rng.Uniform(120))});
        break;
      }
      default:
        now += rng.Uniform(60) * kMinute;
        At(now);
    }
  }
  At(now + 10 * kNanosPerDay);  // everything has ended
  e_->Read([&](const State& s) {
    size_t used = 0;
    Money vouchers{};
    for (const auto& [id, b] : s.bookings().bookings()) {
      EXPECT_NE(b.status, BookingStatus::kBooked) << id;
      EXPECT_NE(b.status, BookingStatus::kInUse) << id;
      EXPECT_LE(b.subsidy, b.fee) << id;
      if (b.status != BookingStatus::kUsed) continue;
      ++used;
      vouchers = *vouchers.Add(b.subsidy);
      if (b.subsidy.fen() > 0) {
        const programme::Claim* c =
            s.book().FindClaim(ClaimId(facility::kBookingClaimBit | id.value()));
        EXPECT_NE(c, nullptr);
        if (c != nullptr) {
          EXPECT_EQ(c->subsidy, b.subsidy) << id;
        }
      }
    }
    EXPECT_GT(used, 10U) << "the seed should use some bookings";
    EXPECT_GT(vouchers.fen(), 0) << "and vouchers should pay for some";
    // Each charge line of a booking: voucher + self-pay = fee, to the fen.
    for (const settlement::ChargeLine& line : s.settlement().lines()) {
      Money shares{};
      for (const auto& sh : line.subsidy) shares = *shares.Add(sh.amount);
      EXPECT_EQ(*shares.Add(line.copay), line.charge) << "order " << line.order;
      EXPECT_EQ(line.charge, s.bookings().Find(line.order)->fee);
    }
    for (const FacilityId f : bookable) {
      const uint32_t capacity = s.facilities().Find(f)->capacity;
      for (Timestamp h = kStart; h < now + 10 * kNanosPerDay; h += kHour) {
        EXPECT_LE(s.bookings().Taken(f, h), capacity);
      }
    }
    return 0;
  });
  ExpectReconciledAndReplayed();
}

}  // namespace
}  // namespace bg::engine
