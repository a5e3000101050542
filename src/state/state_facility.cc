// The state's bookings of shared facilities (facility/bookings.h), and how a
// used booking's fee is paid: through the programme book, as any order is,
// so that innovation vouchers (科技创新券) pay by the same subsidy
// calculation, claims, statements and flow matrix as compute vouchers do.
#include "common/check.h"
#include "programme/book_util.h"
#include "state/state.h"

namespace bg::state {

facility::BookingOutcome State::Apply(const BookFacility& c, Timestamp ts) {
  const facility::Facility* f = facilities_.Find(c.facility);
  // A booking is an order: never a job's id nor one claimed directly.
  const bool taken =
      scheduler_.FindJob(c.id) != nullptr || scheduler_.IsRetired(c.id) || book_.HasClaimsOn(c.id);
  return bookings_.Apply(
      c,
      facility::BookingWorld{
          .facility = f,
          .user = registry_.FindEnterprise(c.user),
          .owner = f == nullptr ? nullptr : registry_.FindProvider(f->institution),
          .order_taken = taken && bookings_.Find(c.id) == nullptr},
      ts);
}

facility::BookingOutcome State::Apply(const UseFacility& c, Timestamp ts) {
  // The facility's safety training, held by the user at check-in (rounds.h).
  std::string training_missing;
  if (const facility::Booking* b = bookings_.Find(c.id); b != nullptr) {
    const facility::Facility* f = facilities_.Find(b->request.facility);
    BG_CHECK(f != nullptr) << "booking " << c.id << " of an unknown facility";
    training_missing = rounds_.TrainingMissing(b->request.user, f->training, ts);
  }
  facility::BookingOutcome out = bookings_.Apply(c, ts, training_missing);
  if (out.code == facility::BookingCode::kOk && out.ended_use) {
    ChargeFacilityUse(c.id, ts);
    const facility::Booking& b = *bookings_.Find(c.id);
    out.message += "; voucher " + b.subsidy.ToYuanString() + ", self-pay " +
                   programme::book::Minus(b.fee, b.subsidy).ToYuanString();
    if (!b.unpaid_why.empty()) out.message += " (" + b.unpaid_why + ")";
  }
  return out;
}

void State::ChargeFacilityUse(OrderId id, Timestamp ts) {
  const facility::Booking& b = *bookings_.Find(id);
  if (b.fee.is_zero()) return;
  const facility::Facility& f = *facilities_.Find(b.request.facility);
  const programme::Provider& owner = *registry_.FindProvider(f.institution);
  settlement::ChargeLine line{.at = ts,
                              .order = id,
                              .enterprise = b.request.user,
                              .provider = owner.id,
                              .city = owner.home,
                              .charge = b.fee,
                              .copay = b.fee};
  // The owner's own staff pay the internal rate; no city subsidises an
  // institution's use of its own facility.
  if (b.user_class == facility::UserClass::kOwn) {
    bookings_.SetPaid(id, Money{}, "own staff: no voucher pays for the owner's own use");
    settlement_.AddLine(std::move(line));
    return;
  }
  const ClaimId claim_id(facility::kBookingClaimBit | id.value());
  const programme::Redeem claim{
      .id = claim_id,
      .order = id,
      .enterprise = b.request.user,
      .provider = owner.id,
      .currency_ledger = registry_.FindJurisdiction(owner.home)->currency_ledger,
      .amount = b.fee,
      .facility = f.id,
      .facility_kind = facility::FacilityKindName(f.kind)};
  const programme::Outcome held = book_.Apply(claim, registry_, ts, ledger_);
  if (held.code != programme::Code::kOk) {
    // No voucher pays (none held, none covers the facility, a cap): the
    // user pays the whole fee, and the booking says why.
    bookings_.SetPaid(id, Money{}, held.message);
    settlement_.AddLine(std::move(line));
    return;
  }
  const programme::Outcome captured = book_.Apply(programme::SettleClaim{.id = claim_id}, registry_,
                                                  ts + programme::kRedeemEvents, ledger_);
  BG_CHECK(captured.code == programme::Code::kOk)
      << "booking " << id << ": its claim, just held, does not capture: " << captured.message;
  const programme::Claim& paid = *book_.FindClaim(claim_id);
  bookings_.SetPaid(id, paid.subsidy, "");
  LineForClaim(claim_id, ts + programme::kRedeemEvents);
}

}  // namespace bg::state
