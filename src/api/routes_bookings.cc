// Direct bookings of shared facilities (issue 19, facility/bookings.h): a
// user books for itself (an enterprise token) or the desk books for it
// (admin); the facility's institution (its provider token) checks users in
// and out and sees its facilities' bookings; a user or the institution
// cancels before the start. The check-out's answer carries the fee and how
// it was paid: the innovation voucher's share, the user's, and why no
// voucher paid when none did.
//
// A booking the caller may not read is answered as one that does not
// exist (404), so that ids tell nobody what others booked.
#include <algorithm>

#include "api/handlers.h"
#include "api/list_query.h"
#include "api/service.h"
#include "api/views.h"
#include "facility/bookings.h"
#include "programme/book_util.h"

namespace bg::api {
namespace {

using facility::Booking;

// The claim of a booking's fee on the vouchers, if one was made.
const programme::Claim* ClaimOf(const state::State& s, const Booking& b) {
  return s.book().FindClaim(ClaimId(facility::kBookingClaimBit | b.request.id.value()));
}

// Whether `programme` paid part of the booking's fee.
bool PaidBy(const state::State& s, const Booking& b, uint64_t programme) {
  const programme::Claim* claim = ClaimOf(s, b);
  if (claim == nullptr) return false;
  return std::any_of(
      claim->shares.begin(), claim->shares.end(),
      [&](const programme::ClaimShare& sh) { return sh.programme.value() == programme; });
}

// Whether the caller may see the booking: its user, the facility's
// institution, the operator of a programme that paid for it (the voucher
// operator's view of what its innovation vouchers bought), admin or auditor.
bool MayRead(const Call& c, const state::State& s, const Booking& b) {
  switch (c.who.role) {
    case Role::kAdmin:
    case Role::kAuditor:
      return true;
    case Role::kEnterprise:
      return b.request.user.value() == c.who.scope;
    case Role::kProvider: {
      const facility::Facility* f = s.facilities().Find(b.request.facility);
      return f != nullptr && f->institution.value() == c.who.scope;
    }
    case Role::kExpert:
      return false;
    case Role::kOperator:
      return PaidBy(s, b, c.who.scope);
  }
  return false;
}

Json BookingJson(const Booking& b, const state::State& s) {
  const facility::Facility* f = s.facilities().Find(b.request.facility);
  const programme::Enterprise* user = s.registry().FindEnterprise(b.request.user);
  const programme::Provider* owner =
      f == nullptr ? nullptr : s.registry().FindProvider(f->institution);
  const Timestamp end = b.request.start + b.request.hours * kNanosPerHour;
  return {{"id", b.request.id.value()},
          {"facility", b.request.facility.value()},
          {"facility_name", f == nullptr ? "" : f->name},
          {"institution", owner == nullptr ? 0 : owner->id.value()},
          {"institution_name", owner == nullptr ? "" : owner->name},
          {"user", b.request.user.value()},
          {"user_name", user == nullptr ? "" : user->name},
          {"user_class", NameOf(facility::kUserClassNames, b.user_class)},
          {"start", TimeJson(b.request.start)},
          {"end", TimeJson(end)},
          {"hours", b.request.hours},
          {"status", NameOf(facility::kBookingStatusNames, b.status)},
          {"rate_per_hour", MoneyJson(b.rate)},
          {"booked_at", TimeJson(b.booked_at)},
          {"checked_in_at", TimeJson(b.checked_in_at)},
          {"ended_at", TimeJson(b.ended_at)},
          {"minutes_used", b.minutes},
          {"fee", MoneyJson(b.fee)},
          {"voucher", MoneyJson(b.subsidy)},
          {"self_pay", MoneyJson(programme::book::Minus(b.fee, b.subsidy))},
          {"voucher_unpaid_why", b.unpaid_why},
          {"programmes", ProgrammesJson(ClaimOf(s, b), s.registry())},
          {"booked_by", b.request.actor},
          {"round", b.request.round}};
}

// The answer to a booking command: the booking as it now stands, or the
// refusal with its code.
Then BookingReply(const Call& c, OrderId id, int created) {
  return [&c, id, created](const state::State& s, const state::CommandResult& r) {
    const auto& out = std::get<facility::BookingOutcome>(r);
    if (!out.ok()) {
      return Fail(c, NameOf(facility::kBookingCodeNames, out.code).data(), out.message);
    }
    const Booking* b = s.bookings().Find(id);
    if (b == nullptr) return Fail(c, "unknown_booking", "no booking " + std::to_string(id.value()));
    Json view = BookingJson(*b, s);
    view["message"] = out.message;
    return Reply(view, out.code == facility::BookingCode::kExists ? 200 : created);
  };
}

// Takes `step` on the booking the path names, for those who may: the
// facility's institution or admin check in and out; they or the user
// cancel.
Answer Step(engine::Engine& engine, Call& c, facility::UseStep step) {
  const auto id = PathId(c, "id");
  if (!id) return Fail(c, "invalid_field", "the booking id must be a positive number");
  Fields f(c.body);
  const auto minutes = step == facility::UseStep::kCheckOut
                           ? f.U64("minutes", true, uint64_t{facility::kMaxBookingHours} * 60)
                           : std::optional<uint64_t>(0);
  if (!f.Done()) return Fail(c, f.code(), f.detail());
  // A role that never takes this step is told so whatever the id.
  const bool cancel = step == facility::UseStep::kCancel;
  if (!Is(c, {Role::kAdmin, Role::kProvider}) && !(cancel && Is(c, {Role::kEnterprise}))) {
    return Forbidden(c, std::string(NameOf(facility::kUseStepNames, step)) + " a booking");
  }
  enum class Access : uint8_t { kNone, kRead, kAct };
  const Access access = Look(engine, c, [&](const state::State& s) {
    const Booking* b = s.bookings().Find(OrderId(*id));
    if (b == nullptr || !MayRead(c, s, *b)) return Access::kNone;
    const bool user = c.who.role == Role::kEnterprise;
    const bool desk = Is(c, {Role::kAdmin, Role::kProvider});
    return desk || (user && step == facility::UseStep::kCancel) ? Access::kAct : Access::kRead;
  });
  if (access == Access::kNone) {
    return Fail(c, "unknown_booking", "no booking " + std::to_string(*id));
  }
  if (access == Access::kRead) {
    return Forbidden(c, std::string(NameOf(facility::kUseStepNames, step)) + " a booking");
  }
  return Answer(facility::UseFacility{.id = OrderId(*id),
                                      .step = step,
                                      .minutes = static_cast<uint32_t>(minutes.value_or(0)),
                                      .actor = RoleName(c.who.role) + std::string(" token")},
                BookingReply(c, OrderId(*id), 200));
}

}  // namespace

// An enterprise books for itself; admin for anyone (the user office's desk).
Answer Service::BookFacility(Call& c) {
  Fields f(c.body);
  const auto id = f.Id("id");
  const auto fac = f.Id("facility");
  const auto user = f.Id("user", false);
  const auto start = f.Time("start", true);
  const auto hours = f.U64("hours", true, facility::kMaxBookingHours);
  const auto round = f.U64("round", false, UINT32_MAX);
  if (!f.Done()) return Fail(c, f.code(), f.detail());
  if (round.value_or(0) != 0 && c.who.role != Role::kAdmin) {
    return Forbidden(c, "put a round's allocation in the calendar");
  }
  uint64_t who = 0;
  if (c.who.role == Role::kEnterprise) {
    if (user && *user != c.who.scope) return Forbidden(c, "book for another enterprise");
    who = c.who.scope;
  } else if (c.who.role == Role::kAdmin) {
    if (!user) return Fail(c, "missing_field", "'user': whom the booking is for");
    who = *user;
  } else {
    return Forbidden(c, "book a facility");
  }
  return Answer(facility::BookFacility{.id = OrderId(*id),
                                       .facility = FacilityId(*fac),
                                       .user = EnterpriseId(who),
                                       .start = *start,
                                       .hours = static_cast<uint32_t>(*hours),
                                       .actor = RoleName(c.who.role) + std::string(" token"),
                                       .round = static_cast<uint32_t>(round.value_or(0))},
                BookingReply(c, OrderId(*id), 201));
}

Answer Service::CheckIn(Call& c) { return Step(*engine_, c, facility::UseStep::kCheckIn); }
Answer Service::CheckOut(Call& c) { return Step(*engine_, c, facility::UseStep::kCheckOut); }
Answer Service::CancelBooking(Call& c) { return Step(*engine_, c, facility::UseStep::kCancel); }

Answer Service::GetBooking(Call& c) {
  const std::optional<uint64_t> id = PathId(c, "id");
  if (!id) return Fail(c, "invalid_field", "the booking id must be a positive number");
  return Look(*engine_, c, [&](const state::State& s) {
    const Booking* b = s.bookings().Find(OrderId(*id));
    if (b == nullptr || !MayRead(c, s, *b)) {
      return Fail(c, "unknown_booking", "no booking " + std::to_string(*id));
    }
    return Reply(BookingJson(*b, s));
  });
}

// ?facility=, ?user= and ?status= narrow the list to what the caller may read.
Answer Service::ListBookings(Call& c) {
  HttpResponse fail;
  std::optional<uint64_t> fac;
  std::optional<uint64_t> user;
  std::optional<uint64_t> paid_by;
  std::optional<std::vector<facility::BookingStatus>> statuses;
  if (!QueryIdParam(c, "facility", &fac, &fail) || !QueryIdParam(c, "user", &user, &fail) ||
      !QueryIdParam(c, "programme", &paid_by, &fail) ||
      !QueryChoices(c, "status", facility::kBookingStatusNames, &statuses, &fail)) {
    return fail;
  }
  auto page = Look(*engine_, c, [&](const state::State& s) {
    return Page(
        c, s.bookings().bookings(),
        [&](const Booking& b) {
          if (!MayRead(c, s, b)) return false;
          if (fac && b.request.facility.value() != *fac) return false;
          if (user && b.request.user.value() != *user) return false;
          if (paid_by && !PaidBy(s, b, *paid_by)) return false;
          return !statuses ||
                 std::find(statuses->begin(), statuses->end(), b.status) != statuses->end();
        },
        [&](const Booking& b) { return BookingJson(b, s); }, &fail);
  });
  return page ? Reply(*page) : fail;
}

}  // namespace bg::api
