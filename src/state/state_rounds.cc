// The state's proposal rounds (facility/rounds.h): the user office's call,
// proposals, screening, review and allocation, one command per step. An
// allocation books each placed shift in the same calendar as direct
// bookings (a booking with `round`), so that its use, no-show and fee go
// the way of every booking (state_facility.cc).
#include "common/check.h"
#include "state/state.h"

namespace bg::state {

namespace {

facility::RoundWorld WorldOf(const programme::Registry& registry,
                             const facility::Facilities& facilities,
                             const facility::Bookings& bookings) {
  return {.registry = &registry, .facilities = &facilities, .bookings = &bookings};
}

}  // namespace

facility::RoundOutcome State::Apply(const OpenCall& c, Timestamp ts) {
  return rounds_.Apply(c, WorldOf(registry_, facilities_, bookings_), ts);
}

facility::RoundOutcome State::Apply(const SubmitProposal& c, Timestamp ts) {
  return rounds_.Apply(c, WorldOf(registry_, facilities_, bookings_), ts);
}

facility::RoundOutcome State::Apply(const ReviewProposal& c, Timestamp ts) {
  return rounds_.Apply(c, ts);
}

facility::RoundOutcome State::Apply(const RegisterReviewer& c, Timestamp /*ts*/) {
  return rounds_.Apply(c, WorldOf(registry_, facilities_, bookings_));
}

facility::RoundOutcome State::Apply(const ReportOutputs& c, Timestamp ts) {
  return rounds_.Apply(c, ts);
}

facility::RoundOutcome State::Apply(const RecordTraining& c, Timestamp ts) {
  return rounds_.Apply(c, WorldOf(registry_, facilities_, bookings_), ts);
}

facility::RoundOutcome State::Apply(const CloseRound& c, Timestamp ts) {
  const facility::RoundWorld world = WorldOf(registry_, facilities_, bookings_);
  if (c.step == facility::RoundStep::kAssign) return rounds_.Assign(c, world, ts);
  facility::RoundOutcome refused;
  const Result<facility::RoundPlan> plan = rounds_.Plan(c, world, ts, &refused);
  BG_CHECK(plan.ok()) << "round " << c.round << ": " << plan.status().message();
  if (refused.code != facility::RoundCode::kOk) return refused;
  // The round's booking ids are its own; an order that took one first
  // (a client's id) stops the allocation before anything is booked.
  for (const facility::BookFacility& b : plan->bookings) {
    if (bookings_.Find(b.id) != nullptr || scheduler_.FindJob(b.id) != nullptr ||
        scheduler_.IsRetired(b.id) || book_.HasClaimsOn(b.id)) {
      return {.code = facility::RoundCode::kIdTaken,
              .message = "order " + std::to_string(b.id.value()) + ", which round " +
                         std::to_string(c.round) + " books, is taken by another order"};
    }
  }
  for (const facility::BookFacility& b : plan->bookings) {
    const facility::BookingOutcome booked = Apply(b, ts);
    // The plan placed only open, unbooked shifts from now on: a refusal
    // here is a broken invariant of the placement, not the user office's.
    BG_CHECK(booked.code == facility::BookingCode::kOk)
        << "round " << c.round << " cannot book its shift " << b.id << ": " << booked.message;
  }
  return rounds_.Record(c.round, *plan);
}

}  // namespace bg::state
