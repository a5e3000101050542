// Direct booking of shared instruments, and the use of booked time (issue
// 19). An ordinary instrument — a mass spectrometer, an electron
// microscope, a test lab's bench — is booked directly, as booking systems
// do: first come, within the facility's weekly quota per user, in whole
// hours it is open, while fewer than its capacity hold the hour.
//
// A booking is an order at the owning institution: its id is an order id
// (never a job's), and the fee for what was used is claimed through the
// programme book like any order, so that an innovation voucher (科技创新券)
// pays its share by the same subsidy calculation, claims, statements and
// flow matrix as compute does (state/state_facility.cc does the claiming;
// this domain keeps the calendar and the record).
//
//   BookFacility   booked: its hours are taken
//   UseFacility    check_in   from the start until the no-show grace ends
//                  check_out  the minutes used (at most the time booked): the fee
//                  cancel     before the start: its hours are free again
//   time           a booking not checked in by its start plus the grace is a
//   (state::Tick)  no-show: its hours are released and nothing is charged;
//                  one still in use at its end is checked out then, for
//                  the whole time booked
//
// The fee is the facility's rate for the user's class (registry.h: own
// staff, academic, industry) times the time used, to the fen, half up.
//
// Thread-safety: none; the engine's writer owns it.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "common/clock.h"
#include "common/codec.h"
#include "common/enum_names.h"
#include "common/ids.h"
#include "common/money.h"
#include "common/undo_log.h"
#include "facility/registry.h"
#include "programme/participants.h"

namespace bg::facility {

// A booking's subsidy claim is ClaimId(kBookingClaimBit | booking id): it
// never meets a direct claim (ids below 2^54) nor a job's (bit 63).
inline constexpr uint64_t kBookingClaimBit = uint64_t{1} << 62;
inline constexpr uint64_t kMaxBookingId = uint64_t{1} << 54;
inline constexpr uint32_t kMaxBookingHours = 7 * 24;
inline constexpr uint32_t kMaxBookAheadDays = 92;  // a quarter

enum class UserClass : uint8_t { kOwn = 0, kAcademic, kIndustry };
inline constexpr std::array<EnumName<UserClass>, 3> kUserClassNames = {{
    {"own", UserClass::kOwn},
    {"academic", UserClass::kAcademic},
    {"industry", UserClass::kIndustry},
}};
static_assert(IsNameTable(kUserClassNames));

// "2026-12-07 14:00 CST": how bookings and rounds name a time.
std::string CstTime(Timestamp t);

// The owner's own staff (the same legal person: one credit code), other
// universities and institutes, or firms.
UserClass ClassOf(const programme::Enterprise& user, const programme::Provider& owner);
Money RateFor(const Fees& fees, UserClass c);
// rate × minutes / 60, to the fen, half up; nothing on overflow.
std::optional<Money> FeeFor(Money rate_per_hour, uint32_t minutes);

struct BookFacility {
  OrderId id{};
  FacilityId facility{};
  EnterpriseId user{};     // the user's university, institute or firm
  Timestamp start = 0;     // on the hour
  uint32_t hours = 0;      // 1 to kMaxBookingHours
  std::string actor = {};  // who booked (an account, never personal details)
  // Nonzero: the hours a proposal round allocated (round.h, slots.h), put
  // in the calendar by the user office: no quota, and a facility allocated
  // by rounds only takes them. Zero: a direct booking.
  uint32_t round = 0;
  friend bool operator==(const BookFacility&, const BookFacility&) = default;
};

enum class UseStep : uint8_t { kCheckIn = 0, kCheckOut, kCancel };
inline constexpr std::array<EnumName<UseStep>, 3> kUseStepNames = {{
    {"check_in", UseStep::kCheckIn},
    {"check_out", UseStep::kCheckOut},
    {"cancel", UseStep::kCancel},
}};
static_assert(IsNameTable(kUseStepNames));

struct UseFacility {
  OrderId id{};
  UseStep step = UseStep::kCheckIn;
  uint32_t minutes = 0;  // check_out: the time used, 1 to the time booked
  std::string actor = {};
  friend bool operator==(const UseFacility&, const UseFacility&) = default;
};

enum class BookingStatus : uint8_t { kBooked = 0, kInUse, kUsed, kNoShow, kCancelled };
inline constexpr std::array<EnumName<BookingStatus>, 5> kBookingStatusNames = {{
    {"booked", BookingStatus::kBooked},
    {"in_use", BookingStatus::kInUse},
    {"used", BookingStatus::kUsed},
    {"no_show", BookingStatus::kNoShow},
    {"cancelled", BookingStatus::kCancelled},
}};
static_assert(IsNameTable(kBookingStatusNames));

struct Booking {
  BookFacility request;
  BookingStatus status = BookingStatus::kBooked;
  UserClass user_class = UserClass::kIndustry;  // at booking
  Money rate{};                                 // per hour, at booking
  Timestamp booked_at = 0;
  Timestamp checked_in_at = 0;
  Timestamp ended_at = 0;  // checked out, released as a no-show, or cancelled
  // When time acts on it (Bookings::ApplyTime): the end of a booked
  // booking's no-show grace, the end of a use; 0 once it has ended.
  Timestamp due_at = 0;
  uint32_t minutes = 0;  // used
  Money fee{};           // rate × time used
  // How the fee was paid (state/state_facility.cc): the voucher claim's
  // subsidy (ClaimId(kBookingClaimBit | id) when nonzero), the rest by the
  // user, and why no voucher paid when none did.
  Money subsidy{};
  std::string unpaid_why = {};
  friend bool operator==(const Booking&, const Booking&) = default;
};

enum class BookingCode : uint8_t {
  kOk = 0,
  kExists,
  kExistsWithDifferentBody,
  kIdMustNotBeZero,
  kIdTooLarge,
  kUnknownFacility,
  kUnknownUser,
  kUnknownBooking,
  kProposalsOnly,    // the facility takes no direct booking (quota 0)
  kInvalidTime,      // not on the hour, in the past, too far ahead, too long
  kClosed,           // not open over an hour of it
  kFull,             // an hour is held by `capacity` bookings already
  kOverQuota,        // the user's weekly hours at the facility
  kOrderTaken,       // the id is a job's or has claims
  kInvalidStep,      // not from this status, or not at this time
  kTrainingMissing,  // check-in: the user holds no valid record of the facility's training
};
inline constexpr std::array<EnumName<BookingCode>, 16> kBookingCodeNames = {{
    {"ok", BookingCode::kOk},
    {"exists", BookingCode::kExists},
    {"exists_with_different_body", BookingCode::kExistsWithDifferentBody},
    {"id_must_not_be_zero", BookingCode::kIdMustNotBeZero},
    {"id_too_large", BookingCode::kIdTooLarge},
    {"unknown_facility", BookingCode::kUnknownFacility},
    {"unknown_user", BookingCode::kUnknownUser},
    {"unknown_booking", BookingCode::kUnknownBooking},
    {"proposals_only", BookingCode::kProposalsOnly},
    {"invalid_time", BookingCode::kInvalidTime},
    {"closed", BookingCode::kClosed},
    {"full", BookingCode::kFull},
    {"over_quota", BookingCode::kOverQuota},
    {"order_taken", BookingCode::kOrderTaken},
    {"invalid_step", BookingCode::kInvalidStep},
    {"training_missing", BookingCode::kTrainingMissing},
}};
static_assert(IsNameTable(kBookingCodeNames));

struct BookingOutcome {
  BookingCode code = BookingCode::kOk;
  std::string message = {};  // names the rule for every refusal
  bool ended_use = false;    // check_out: the fee is to be charged now
  bool ok() const { return code == BookingCode::kOk || code == BookingCode::kExists; }
};

// What the caller knows of the rest of the world when a booking is made.
struct BookingWorld {
  const Facility* facility = nullptr;           // null: unknown
  const programme::Enterprise* user = nullptr;  // null: unknown
  const programme::Provider* owner = nullptr;   // the facility's institution
  bool order_taken = false;                     // a job's id, or claimed already
};

class Bookings {
 public:
  BookingOutcome Apply(const BookFacility& c, const BookingWorld& w, Timestamp ts);
  // `training_missing`: why the user may not check in (rounds.h's
  // TrainingMissing), empty when it may; read only at check-in, after the
  // step's own checks.
  BookingOutcome Apply(const UseFacility& c, Timestamp ts,
                       const std::string& training_missing = {});

  // Time's work at `ts`, at most `limit` bookings: those whose no-show
  // grace has passed are released; uses past their end are checked out for
  // the time booked (`used`, in order: to be charged).
  struct TimeWork {
    size_t ended = 0;
    std::vector<OrderId> used = {};
  };
  TimeWork ApplyTime(Timestamp ts, size_t limit);
  // The earliest time ApplyTime has work.
  std::optional<Timestamp> NextDue() const;

  // The payment of a booking's fee (state/state_facility.cc).
  void SetPaid(OrderId id, Money subsidy, std::string unpaid_why);

  const Booking* Find(OrderId id) const;
  const std::map<OrderId, Booking>& bookings() const { return bookings_; }
  // How many bookings hold the facility's hour starting at `hour`.
  uint32_t Taken(FacilityId f, Timestamp hour) const;

  void BeginBatch() { undo_.BeginBatch(); }
  void CommitBatch() { undo_.CommitBatch(); }
  void RollbackBatch() { undo_.RollbackBatch(); }

  void Encode(Writer& w) const;
  static bool Decode(Reader& r, Bookings* out);
  bool operator==(const Bookings& o) const { return bookings_ == o.bookings_; }

 private:
  using Hour = std::pair<FacilityId, Timestamp>;
  using Week = std::tuple<FacilityId, EnterpriseId, int64_t>;
  // Adds `delta` (+1 or -1) to the hours of `b` in [from, to).
  void Hold(const BookFacility& b, Timestamp from, Timestamp to, int delta);
  void SetDue(Booking* b, Timestamp at);
  void Store(Booking b);
  BookingOutcome Check(const BookFacility& c, const BookingWorld& w, Timestamp ts) const;
  BookingOutcome End(Booking b, BookingStatus status, uint32_t minutes, Timestamp ts);

  std::map<OrderId, Booking> bookings_;
  // Derived (rebuilt on decode): hours held, quota used, what time makes due.
  std::map<Hour, uint32_t> taken_;
  std::map<Week, uint32_t> week_hours_;
  std::set<std::pair<Timestamp, OrderId>> due_;
  UndoLog undo_;
};

void EncodeBookFacility(Writer& w, const BookFacility& c);
bool DecodeBookFacility(Reader& r, BookFacility* c);
void EncodeUseFacility(Writer& w, const UseFacility& c);
bool DecodeUseFacility(Reader& r, UseFacility* c);

}  // namespace bg::facility
