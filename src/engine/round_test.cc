// A proposal round through the engine (facility/rounds.h, issue 19), on the
// alliance's neutron stations (scenarios/alliance.toml): a call, proposals,
// screening with a failure, reviewers assigned around conflicts of interest
// (same institution; a declared relation), scores, then the allocation
// booked as shifts in the facilities' calendar within each one's offer; a
// used allocation without outputs blocks the applicant's next proposal
// until it reports them. Then a seeded property test over random rounds:
// never more hours than a facility offers, no hour past capacity, no
// conflicted reviewer, and a replay of the journal rebuilds the same state.
#include <map>
#include <set>

#include <gtest/gtest.h>

#include "common/rng.h"
#include "engine/alliance_test_fixture.h"

namespace bg::engine {

using facility::ProposalStatus;
using facility::ReviewStep;
using facility::RoundCode;
using facility::RoundStep;
using state::CommandBody;
using state::State;
namespace {

constexpr Timestamp kHour = kNanosPerHour;
constexpr Timestamp kDay = kNanosPerDay;
// Monday 2026-03-02 00:00 CST (2026-03-01T16:00Z): the period's start.
constexpr Timestamp kMonday = 1'772'380'800 * kNanosPerSecond;
constexpr Timestamp kStart = kMonday - 10 * kDay;

// The alliance's institutions (providers) and users (enterprises), in the
// world file's order.
constexpr ProviderId kCsns(1);
constexpr ProviderId kDgut(4);
constexpr ProviderId kSustechInstitution(8);
constexpr EnterpriseId kSustech(1);   // the university as a user: SUSTech's staff
constexpr EnterpriseId kReducers(3);  // Songshan Lake Precision Reducers
constexpr EnterpriseId kRobotics(5);  // Songshan Lake Robotics

class RoundEngineTest : public AllianceEngineTest {
 protected:
  RoundEngineTest() : AllianceEngineTest(kStart) {}

  facility::RoundOutcome Do(CommandBody c) {
    auto r = e_->Execute(std::move(c));
    EXPECT_TRUE(r.ok()) << r.status();
    if (!r.ok()) return {.code = RoundCode::kInvalid, .message = r.status().ToString()};
    return std::get<facility::RoundOutcome>(*r);
  }
  RoundCode Propose(uint64_t id, uint32_t round, EnterpriseId who, std::vector<FacilityId> f,
                    uint32_t hours) {
    const auto out = Do(facility::SubmitProposal{.id = id,
                                                 .round = round,
                                                 .applicant = who,
                                                 .title = "proposal " + std::to_string(id),
                                                 .facilities = std::move(f),
                                                 .hours = hours});
    return out.code;
  }
  RoundCode Screen(uint64_t id, ReviewStep step, bool pass = true, std::string reason = "") {
    return Do(facility::ReviewProposal{
                  .proposal = id, .step = step, .pass = pass, .reason = std::move(reason)})
        .code;
  }
  RoundCode Score(uint64_t id, uint32_t reviewer, uint32_t score) {
    return Do(facility::ReviewProposal{
                  .proposal = id, .step = ReviewStep::kScore, .reviewer = reviewer, .score = score})
        .code;
  }
  facility::Proposal ProposalOf(uint64_t id) {
    return e_->Read([&](const State& s) { return *s.rounds().FindProposal(id); });
  }
  facility::OpenCall Call(uint32_t round, std::vector<FacilityId> f, Timestamp period_start) {
    return {.round = round,
            .name = "2026 run cycle " + std::to_string(round),
            .proposals_from = clock_.Now(),
            .proposals_until = clock_.Now() + 2 * kDay,
            .period_start = period_start,
            .days = 7,
            .facilities = std::move(f),
            .offered_percent = 50,
            .min_hours = 8,
            .reviewers_per_proposal = 1,
            .outputs_required = true};
  }

  // No hour of any facility is held past its capacity.
  void ExpectNoHourPastCapacity() {
    e_->Read([](const State& s) {
      std::map<std::pair<FacilityId, Timestamp>, uint32_t> held;
      for (const auto& [id, b] : s.bookings().bookings()) {
        if (b.status == facility::BookingStatus::kCancelled) continue;
        for (uint32_t h = 0; h < b.request.hours; ++h) {
          ++held[{b.request.facility, b.request.start + h * kHour}];
        }
      }
      for (const auto& [hour, n] : held) {
        EXPECT_LE(n, s.facilities().Find(hour.first)->capacity)
            << "facility " << hour.first << " double-booked at " << hour.second;
      }
      return 0;
    });
  }
};

TEST_F(RoundEngineTest, ACallGoesToAllocationAroundConflictsOfInterest) {
  const FacilityId gppd = Find("CSNS General Purpose Powder Diffractometer");
  const FacilityId sans = Find("CSNS Small-Angle Neutron Scattering");
  const FacilityId tem = Find("SLAB aberration-corrected TEM");
  ASSERT_EQ(Do(Call(1, {gppd, sans}, kMonday)).code, RoundCode::kOk);
  // Reviewers: one of SUSTech, one of DGUT who declared a relation to the
  // reducer firm, one of CSNS itself.
  ASSERT_EQ(Do(facility::RegisterReviewer{.id = 1,
                                          .name = "Prof. A (SUSTech)",
                                          .institution = kSustechInstitution,
                                          .kinds = {facility::FacilityKind::kNeutronStation}})
                .code,
            RoundCode::kOk);
  ASSERT_EQ(Do(facility::RegisterReviewer{
                   .id = 2, .name = "Prof. B (DGUT)", .institution = kDgut, .related = {kReducers}})
                .code,
            RoundCode::kOk);
  ASSERT_EQ(
      Do(facility::RegisterReviewer{.id = 3, .name = "Dr. C (CSNS)", .institution = kCsns}).code,
      RoundCode::kOk);

  EXPECT_EQ(Propose(1, 1, kSustech, {gppd}, 40), RoundCode::kOk);
  EXPECT_EQ(Propose(2, 1, kReducers, {gppd, sans}, 48), RoundCode::kOk);
  EXPECT_EQ(Propose(3, 1, kRobotics, {sans}, 16), RoundCode::kOk);
  EXPECT_EQ(Propose(4, 1, kRobotics, {sans}, 24), RoundCode::kOk);
  // Refusals name the rule: a facility the call does not offer, a shift
  // not whole, two kinds.
  EXPECT_EQ(Propose(5, 1, kRobotics, {tem}, 8), RoundCode::kInvalid);
  EXPECT_EQ(Propose(5, 1, kRobotics, {sans}, 12), RoundCode::kInvalid);
  EXPECT_EQ(Propose(5, 9, kRobotics, {sans}, 8), RoundCode::kUnknownRound);

  for (uint64_t p : {uint64_t{1}, uint64_t{2}, uint64_t{3}}) {
    EXPECT_EQ(Screen(p, ReviewStep::kAdminCheck), RoundCode::kOk);
    EXPECT_EQ(Screen(p, ReviewStep::kFeasibility), RoundCode::kOk);
  }
  EXPECT_EQ(Screen(4, ReviewStep::kFeasibility), RoundCode::kWrongStep);      // in order
  EXPECT_EQ(Screen(4, ReviewStep::kAdminCheck, false), RoundCode::kInvalid);  // needs a reason
  EXPECT_EQ(Screen(4, ReviewStep::kAdminCheck, false, "no safety statement"), RoundCode::kOk);
  EXPECT_EQ(ProposalOf(4).status, ProposalStatus::kRejected);
  EXPECT_EQ(ProposalOf(4).why, "no safety statement");

  // The window is open: no assignment yet.
  EXPECT_EQ(Do(facility::CloseRound{.round = 1}).code, RoundCode::kWrongStep);
  At(kStart + 2 * kDay);
  EXPECT_EQ(Propose(6, 1, kRobotics, {sans}, 8), RoundCode::kOutsideWindow);
  ASSERT_EQ(Do(facility::CloseRound{.round = 1}).code, RoundCode::kOk);
  // Nobody reviews their own institution's proposal nor a related firm's.
  const facility::Proposal own = ProposalOf(1);
  const facility::Proposal related = ProposalOf(2);
  ASSERT_EQ(own.reviewers.size(), 1u);
  EXPECT_NE(own.reviewers[0], 1u) << "SUSTech's reviewer on SUSTech's proposal";
  ASSERT_EQ(related.reviewers.size(), 1u);
  EXPECT_NE(related.reviewers[0], 2u) << "a reviewer related to the firm reviews it";
  EXPECT_GE(e_->Read([](const State& s) { return s.rounds().FindRound(1)->conflicts_excluded; }),
            2u);
  EXPECT_EQ(ProposalOf(4).status, ProposalStatus::kRejected);

  // Scores: only the assigned reviewer, 1-5, once.
  const uint32_t not_assigned = own.reviewers[0] == 2 ? 3 : 2;
  EXPECT_EQ(Score(1, not_assigned, 5), RoundCode::kNotAssigned);
  EXPECT_EQ(Score(1, own.reviewers[0], 6), RoundCode::kInvalid);
  EXPECT_EQ(Score(1, own.reviewers[0], 3), RoundCode::kOk);
  EXPECT_EQ(Score(1, own.reviewers[0], 4), RoundCode::kExistsWithDifferentBody);
  EXPECT_EQ(Score(2, related.reviewers[0], 5), RoundCode::kOk);
  EXPECT_EQ(Score(3, ProposalOf(3).reviewers[0], 4), RoundCode::kOk);

  const facility::RoundOutcome allocated =
      Do(facility::CloseRound{.round = 1, .step = RoundStep::kAllocate});
  ASSERT_EQ(allocated.code, RoundCode::kOk) << allocated.message;
  EXPECT_EQ(Do(facility::CloseRound{.round = 1, .step = RoundStep::kAllocate}).code,
            RoundCode::kWrongStep);
  // Each facility offers half its 21 shifts (10, 80 hours). The reducer
  // firm ranks first (5), then Robotics (4), then SUSTech (3).
  std::map<FacilityId, uint32_t> hours_on;
  for (uint64_t p : {uint64_t{1}, uint64_t{2}, uint64_t{3}}) {
    const facility::Proposal got = ProposalOf(p);
    EXPECT_EQ(got.status, ProposalStatus::kAllocated) << p << ": " << got.why;
    // SUSTech ranks last: the diffractometer has 80 - 48 = 32 hours left.
    EXPECT_EQ(got.allocated_hours, p == 1 ? 32u : got.request.hours) << p << ": " << got.why;
    e_->Read([&](const State& s) {
      for (OrderId id : got.bookings) {
        const facility::Booking& b = *s.bookings().Find(id);
        EXPECT_EQ(b.request.user, got.request.applicant);
        EXPECT_EQ(b.request.round, 1u);
        EXPECT_EQ(b.request.hours, 8u);
        EXPECT_GE(b.request.start, kMonday);
        EXPECT_LT(b.request.start, kMonday + 7 * kDay);
        hours_on[b.request.facility] += b.request.hours;
      }
      return 0;
    });
  }
  EXPECT_EQ(ProposalOf(2).rank, 0u);
  EXPECT_NE(ProposalOf(1).why.find("cut to 32 of 40 hours"), std::string::npos)
      << ProposalOf(1).why;
  EXPECT_LE(hours_on[gppd], 80u);
  EXPECT_LE(hours_on[sans], 80u);
  ExpectNoHourPastCapacity();

  // Robotics uses its first shift and reports nothing: round 2, which
  // requires outputs, refuses its next proposal until it does.
  const OrderId shift = ProposalOf(3).bookings.front();
  const Timestamp start =
      e_->Read([&](const State& s) { return s.bookings().Find(shift)->request.start; });
  At(start);
  ASSERT_EQ(e_->Read([&](const State& s) { return s.bookings().Find(shift)->status; }),
            facility::BookingStatus::kBooked);
  auto use = [&](facility::UseStep step, uint32_t minutes) {
    auto r = e_->Execute(facility::UseFacility{.id = shift, .step = step, .minutes = minutes});
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(std::get<facility::BookingOutcome>(*r).code, facility::BookingCode::kOk)
        << std::get<facility::BookingOutcome>(*r).message;
  };
  use(facility::UseStep::kCheckIn, 0);
  use(facility::UseStep::kCheckOut, 8 * 60);
  ASSERT_EQ(Do(Call(2, {gppd, sans}, kMonday + 14 * kDay)).code, RoundCode::kOk);
  const facility::RoundOutcome blocked = Do(facility::SubmitProposal{.id = 20,
                                                                     .round = 2,
                                                                     .applicant = kRobotics,
                                                                     .title = "follow-up",
                                                                     .facilities = {sans},
                                                                     .hours = 8});
  EXPECT_EQ(blocked.code, RoundCode::kOutputsMissing);
  EXPECT_NE(blocked.message.find("proposal 3"), std::string::npos) << blocked.message;
  // The reducer firm has not used its shifts yet: it is not blocked.
  EXPECT_EQ(Propose(21, 2, kReducers, {gppd}, 8), RoundCode::kOk);
  EXPECT_EQ(Do(facility::ReportOutputs{.proposal = 3,
                                       .outputs = {{.kind = facility::OutputKind::kPaper,
                                                    .reference = "doi:10.1000/robotics.2026.1"}}})
                .code,
            RoundCode::kOk);
  EXPECT_EQ(Propose(20, 2, kRobotics, {sans}, 8), RoundCode::kOk);
  // Outputs are for an allocation: a rejected proposal has none to report.
  EXPECT_EQ(Do(facility::ReportOutputs{
                   .proposal = 4,
                   .outputs = {{.kind = facility::OutputKind::kPatent, .reference = "CN 1"}}})
                .code,
            RoundCode::kWrongStep);
  ExpectReplayed();
}

// Random rounds: proposals, reviewers with relations, scores. Whatever
// they are, no facility gives more than its offer, no hour is past
// capacity, no reviewer reviews a proposal of their institution or of a
// firm they declared, and the journal replays to the same state.
TEST_F(RoundEngineTest, RandomRoundsKeepOffersCapacityAndConflicts) {
  std::vector<FacilityId> stations;
  e_->Read([&](const State& s) {
    for (const auto& [id, f] : s.facilities().facilities()) {
      if (f.kind == facility::FacilityKind::kNeutronStation) stations.push_back(id);
    }
    return 0;
  });
  ASSERT_GE(stations.size(), 4u);
  Rng rng(19);
  uint64_t next_proposal = 1;
  for (uint32_t round = 1; round <= 6; ++round) {
    const uint32_t first_reviewer = round * 100;
    for (uint32_t r = 0; r < 5; ++r) {
      std::vector<EnterpriseId> related;
      if (rng.Percent(40)) related.emplace_back(1 + rng.Uniform(8));
      ASSERT_EQ(Do(facility::RegisterReviewer{.id = first_reviewer + r,
                                              .name = "reviewer",
                                              .institution = ProviderId(1 + rng.Uniform(10)),
                                              .related = related,
                                              .max_load = 3})
                    .code,
                RoundCode::kOk);
    }
    // The period starts a week after the call, on a CST midnight.
    const Timestamp period = kMonday + (round - 1) * 14 * kDay;
    At(period - 7 * kDay);
    auto call = Call(round, stations, period);
    call.offered_percent = static_cast<uint32_t>(20 + rng.Uniform(81));
    call.outputs_required = false;
    ASSERT_EQ(Do(call).code, RoundCode::kOk);
    std::vector<uint64_t> ids;
    for (int i = 0; i < 12; ++i) {
      std::vector<FacilityId> on = {stations[rng.Uniform(stations.size())]};
      if (rng.Percent(30)) {
        const FacilityId other = stations[rng.Uniform(stations.size())];
        if (other != on[0]) on.push_back(other);
      }
      const uint64_t id = next_proposal++;
      ASSERT_EQ(Propose(id, round, EnterpriseId(1 + rng.Uniform(8)), on,
                        8 * static_cast<uint32_t>(1 + rng.Uniform(8))),
                RoundCode::kOk);
      ASSERT_EQ(Screen(id, ReviewStep::kAdminCheck), RoundCode::kOk);
      ASSERT_EQ(Screen(id, ReviewStep::kFeasibility, !rng.Percent(10), "beam time too short"),
                RoundCode::kOk);
      ids.push_back(id);
    }
    At(period - 5 * kDay);
    ASSERT_EQ(Do(facility::CloseRound{.round = round}).code, RoundCode::kOk);
    for (uint64_t id : ids) {
      for (uint32_t reviewer : ProposalOf(id).reviewers) {
        ASSERT_EQ(Score(id, reviewer, static_cast<uint32_t>(1 + rng.Uniform(5))), RoundCode::kOk);
      }
    }
    const auto allocated = Do(facility::CloseRound{.round = round, .step = RoundStep::kAllocate});
    ASSERT_EQ(allocated.code, RoundCode::kOk) << allocated.message;
    // The offer on each station: the round's share of its open shifts.
    e_->Read([&](const State& s) {
      std::map<FacilityId, uint32_t> given;
      for (uint64_t id : ids) {
        const facility::Proposal& p = *s.rounds().FindProposal(id);
        const ProviderId own = facility::InstitutionOf(s.registry(), p.request.applicant);
        for (uint32_t reviewer : p.reviewers) {
          const facility::RegisterReviewer& r = s.rounds().FindReviewer(reviewer)->request;
          EXPECT_NE(r.institution, own) << "proposal " << id << ", reviewer " << reviewer;
          for (EnterpriseId e : r.related) EXPECT_NE(e, p.request.applicant);
        }
        for (OrderId b : p.bookings) given[s.bookings().Find(b)->request.facility] += 8;
      }
      for (const auto& [f, hours] : given) {
        const facility::SlotFacility open = facility::OpenSlots(
            *s.facilities().Find(f), period, facility::kShiftHours * kHour, 7 * 3);
        const uint32_t offer = static_cast<uint32_t>(open.open.size()) *
                               s.facilities().Find(f)->capacity * call.offered_percent / 100 *
                               facility::kShiftHours;
        EXPECT_LE(hours, offer) << "round " << round << ", facility " << f;
      }
      return 0;
    });
  }
  ExpectNoHourPastCapacity();
  ExpectReplayed();
}

}  // namespace
}  // namespace bg::engine
