#include "facility/bookings.h"

#include "common/check.h"
#include "common/wire.h"

namespace bg::facility {
namespace {

constexpr Timestamp kCst = 8 * kNanosPerHour;
constexpr Timestamp kNanosPerMinute = 60 * kNanosPerSecond;

std::string BookingName(OrderId id) { return "booking " + std::to_string(id.value()); }

std::string FacilityName(const Facility& f) {
  return "facility " + std::to_string(f.id.value()) + " (" + f.name + ")";
}

// The week (Monday 00:00 CST) a time falls in; 1970-01-01 was a Thursday.
int64_t WeekOf(Timestamp t) { return (static_cast<int64_t>((t + kCst) / kNanosPerDay) + 3) / 7; }

BookingOutcome Refuse(BookingCode code, std::string message) {
  return BookingOutcome{.code = code, .message = std::move(message)};
}

Timestamp EndOf(const BookFacility& b) { return b.start + b.hours * kNanosPerHour; }

// The hour after `t`'s, or `t` when it is on the hour.
Timestamp HourUp(Timestamp t) { return (t + kNanosPerHour - 1) / kNanosPerHour * kNanosPerHour; }

// The hours a booking holds once it has ended at `ended_at`: those begun.
Timestamp HeldUntil(const BookFacility& b, Timestamp ended_at) {
  return std::min(EndOf(b), std::max(b.start, HourUp(ended_at)));
}

}  // namespace

std::string CstTime(Timestamp t) {
  std::string s = FormatUtcTime(t + kCst).substr(0, 16);
  s[10] = ' ';
  return s + " CST";
}

UserClass ClassOf(const programme::Enterprise& user, const programme::Provider& owner) {
  if (!user.credit_code.empty() && user.credit_code == owner.credit_code) return UserClass::kOwn;
  const programme::ApplicantCategory c = user.applicant.category;
  if (c == programme::ApplicantCategory::kUniversity ||
      c == programme::ApplicantCategory::kResearchInstitute) {
    return UserClass::kAcademic;
  }
  return UserClass::kIndustry;
}

Money RateFor(const Fees& fees, UserClass c) {
  switch (c) {
    case UserClass::kOwn:
      return fees.own;
    case UserClass::kAcademic:
      return fees.academic;
    case UserClass::kIndustry:
      return fees.industry;
  }
  BG_CHECK(false) << "user class " << static_cast<int>(c);
  return {};
}

std::optional<Money> FeeFor(Money rate_per_hour, uint32_t minutes) {
  int64_t product = 0;
  if (rate_per_hour.fen() < 0 || !CheckedMul(rate_per_hour.fen(), minutes, &product) ||
      product > INT64_MAX - 30) {
    return std::nullopt;
  }
  return Money::Fen((product + 30) / 60);
}

// --- Booking ----------------------------------------------------------------------

BookingOutcome Bookings::Check(const BookFacility& c, const BookingWorld& w, Timestamp ts) const {
  if (c.id.value() >= kMaxBookingId) {
    return Refuse(BookingCode::kIdTooLarge, BookingName(c.id) + ": booking ids must be below 2^54");
  }
  if (w.order_taken) {
    return Refuse(BookingCode::kOrderTaken, BookingName(c.id) + ": order " +
                                                std::to_string(c.id.value()) +
                                                " is a job's or has a claim already");
  }
  if (w.facility == nullptr) {
    return Refuse(BookingCode::kUnknownFacility,
                  "no facility " + std::to_string(c.facility.value()));
  }
  if (w.user == nullptr) {
    return Refuse(BookingCode::kUnknownUser,
                  "no enterprise or institution " + std::to_string(c.user.value()));
  }
  const Facility& f = *w.facility;
  const bool allocated = c.round != 0;
  if (!allocated && f.booking_quota_hours == 0) {
    return Refuse(
        BookingCode::kProposalsOnly,
        FacilityName(f) + " is allocated by proposal rounds only; it is not booked directly");
  }
  if (c.hours == 0 || c.hours > kMaxBookingHours) {
    return Refuse(BookingCode::kInvalidTime, "a booking is 1 to " +
                                                 std::to_string(kMaxBookingHours) + " hours, not " +
                                                 std::to_string(c.hours));
  }
  if (c.start % kNanosPerHour != 0) {
    return Refuse(BookingCode::kInvalidTime, "a booking starts on the hour");
  }
  // The hour in progress may be booked (a walk-in); an earlier one is past.
  if (c.start + kNanosPerHour <= ts) {
    return Refuse(BookingCode::kInvalidTime,
                  "a booking starts this hour or later; " + CstTime(c.start) + " has passed");
  }
  // A round's shifts are booked when it is allocated, for its whole period.
  if (!allocated && c.start > ts + kMaxBookAheadDays * kNanosPerDay) {
    return Refuse(BookingCode::kInvalidTime,
                  "a booking starts at most " + std::to_string(kMaxBookAheadDays) + " days ahead");
  }
  for (Timestamp h = c.start; h < EndOf(c); h += kNanosPerHour) {
    if (!OpenAt(f, h)) {
      return Refuse(BookingCode::kClosed, FacilityName(f) + " is closed at " + CstTime(h));
    }
    if (Taken(f.id, h) >= f.capacity) {
      return Refuse(BookingCode::kFull, FacilityName(f) + " is fully booked at " + CstTime(h) +
                                            " (" + std::to_string(f.capacity) + " at once)");
    }
  }
  if (allocated) return {};
  auto used = week_hours_.find({f.id, c.user, WeekOf(c.start)});
  const uint32_t had = used == week_hours_.end() ? 0 : used->second;
  if (had + c.hours > f.booking_quota_hours) {
    return Refuse(BookingCode::kOverQuota,
                  w.user->name + " holds " + std::to_string(had) + " hours of " + FacilityName(f) +
                      " that week; " + std::to_string(c.hours) + " more would pass its quota of " +
                      std::to_string(f.booking_quota_hours) + " hours a week");
  }
  return {};
}

BookingOutcome Bookings::Apply(const BookFacility& c, const BookingWorld& w, Timestamp ts) {
  if (c.id.is_zero()) return Refuse(BookingCode::kIdMustNotBeZero, "a booking needs an id");
  if (const Booking* old = Find(c.id)) {
    if (old->request != c) {
      return Refuse(BookingCode::kExistsWithDifferentBody,
                    BookingName(c.id) + " exists with another facility, user or time");
    }
    return Refuse(BookingCode::kExists, BookingName(c.id) + " exists: " +
                                            std::string(NameOf(kBookingStatusNames, old->status)));
  }
  if (BookingOutcome bad = Check(c, w, ts); bad.code != BookingCode::kOk) return bad;
  const UserClass user_class = ClassOf(*w.user, *w.owner);
  Booking b{.request = c,
            .user_class = user_class,
            .rate = RateFor(w.facility->fees, user_class),
            .booked_at = ts};
  Hold(c, c.start, EndOf(c), 1);
  if (c.round == 0) {
    const Week week{c.facility, c.user, WeekOf(c.start)};
    undo_.Put(week_hours_, week, week_hours_[week] + c.hours);
  }
  // A walk-in's grace runs from when it booked.
  const Timestamp grace = w.facility->no_show_grace_minutes * kNanosPerMinute;
  SetDue(&b, std::min(EndOf(c), std::max(c.start, ts) + grace));
  Store(std::move(b));
  return {.message = BookingName(c.id) + ": " + CstTime(c.start) + " for " +
                     std::to_string(c.hours) + " hours"};
}

// --- Use ----------------------------------------------------------------------------

BookingOutcome Bookings::Apply(const UseFacility& c, Timestamp ts,
                               const std::string& training_missing) {
  const Booking* found = Find(c.id);
  if (found == nullptr) return Refuse(BookingCode::kUnknownBooking, "no " + BookingName(c.id));
  Booking b = *found;
  const std::string name = BookingName(c.id);
  const char* status = NameOf(kBookingStatusNames, b.status).data();
  const char* step = NameOf(kUseStepNames, c.step).data();
  auto wrong = [&](const std::string& why) {
    return Refuse(BookingCode::kInvalidStep, name + ": no " + step + ": " + why);
  };
  switch (c.step) {
    case UseStep::kCheckIn: {
      if (b.status != BookingStatus::kBooked) return wrong("it is " + std::string(status));
      if (ts >= EndOf(b.request)) return wrong("its time ended at " + CstTime(EndOf(b.request)));
      // Early arrivals wait for the start: the hour before is someone else's.
      if (ts < b.request.start) return wrong("it starts at " + CstTime(b.request.start));
      if (!training_missing.empty()) {
        return Refuse(BookingCode::kTrainingMissing, name + ": no check-in: " + training_missing);
      }
      b.status = BookingStatus::kInUse;
      b.checked_in_at = ts;
      SetDue(&b, EndOf(b.request));
      Store(std::move(b));
      return {.message = name + ": checked in"};
    }
    case UseStep::kCheckOut: {
      if (b.status != BookingStatus::kInUse) return wrong("it is " + std::string(status));
      const uint32_t booked = b.request.hours * 60;
      if (c.minutes == 0 || c.minutes > booked) {
        return wrong("the time used is 1 to " + std::to_string(booked) + " minutes, not " +
                     std::to_string(c.minutes));
      }
      return End(std::move(b), BookingStatus::kUsed, c.minutes, ts);
    }
    case UseStep::kCancel: {
      if (b.status != BookingStatus::kBooked) return wrong("it is " + std::string(status));
      if (ts >= b.request.start) return wrong("it began at " + CstTime(b.request.start));
      return End(std::move(b), BookingStatus::kCancelled, 0, ts);
    }
  }
  BG_CHECK(false) << "use step " << static_cast<int>(c.step);
  return {};
}

BookingOutcome Bookings::End(Booking b, BookingStatus status, uint32_t minutes, Timestamp ts) {
  const OrderId id = b.request.id;
  SetDue(&b, 0);
  // The hours not begun are free again; a cancelled booking's are all of
  // them, and the quota it counted.
  const Timestamp from =
      status == BookingStatus::kCancelled ? b.request.start : HeldUntil(b.request, ts);
  Hold(b.request, from, EndOf(b.request), -1);
  if (status == BookingStatus::kCancelled && b.request.round == 0) {
    const Week week{b.request.facility, b.request.user, WeekOf(b.request.start)};
    undo_.Put(week_hours_, week, week_hours_.at(week) - b.request.hours);
  }
  b.status = status;
  b.ended_at = ts;
  b.minutes = minutes;
  if (status == BookingStatus::kUsed) {
    const std::optional<Money> fee = FeeFor(b.rate, minutes);
    BG_CHECK(fee.has_value()) << BookingName(id) << ": fee overflows";
    b.fee = *fee;
  }
  const bool used = status == BookingStatus::kUsed;
  std::string message = BookingName(id) + ": " + NameOf(kBookingStatusNames, status).data();
  if (used) message += ", " + std::to_string(minutes) + " minutes, fee " + b.fee.ToYuanString();
  Store(std::move(b));
  return {.message = std::move(message), .ended_use = used};
}

Bookings::TimeWork Bookings::ApplyTime(Timestamp ts, size_t limit) {
  TimeWork out;
  size_t& done = out.ended;
  while (done < limit && !due_.empty() && due_.begin()->first <= ts) {
    const OrderId id = due_.begin()->second;
    Booking b = bookings_.at(id);
    ++done;
    if (b.status == BookingStatus::kBooked) {
      End(std::move(b), BookingStatus::kNoShow, 0, ts);
    } else {
      // Still in use at its end: checked out then, for the time booked.
      BG_CHECK(b.status == BookingStatus::kInUse) << BookingName(id) << " due while ended";
      const uint32_t minutes = b.request.hours * 60;
      const Timestamp end = EndOf(b.request);
      End(std::move(b), BookingStatus::kUsed, minutes, end);
      out.used.push_back(id);
    }
  }
  return out;
}

std::optional<Timestamp> Bookings::NextDue() const {
  if (due_.empty()) return std::nullopt;
  return due_.begin()->first;
}

void Bookings::SetPaid(OrderId id, Money subsidy, std::string unpaid_why) {
  Booking b = bookings_.at(id);
  BG_CHECK(subsidy <= b.fee) << BookingName(id) << ": subsidy above the fee";
  b.subsidy = subsidy;
  b.unpaid_why = std::move(unpaid_why);
  Store(std::move(b));
}

const Booking* Bookings::Find(OrderId id) const {
  auto it = bookings_.find(id);
  return it == bookings_.end() ? nullptr : &it->second;
}

uint32_t Bookings::Taken(FacilityId f, Timestamp hour) const {
  auto it = taken_.find({f, hour});
  return it == taken_.end() ? 0 : it->second;
}

// --- Derived indexes ------------------------------------------------------------------

void Bookings::Hold(const BookFacility& b, Timestamp from, Timestamp to, int delta) {
  for (Timestamp h = from; h < to; h += kNanosPerHour) {
    const Hour key{b.facility, h};
    const uint32_t now = Taken(b.facility, h);
    BG_CHECK(delta > 0 || now > 0) << BookingName(b.id) << " releases an hour it does not hold";
    if (delta < 0 && now == 1) {
      undo_.Erase(taken_, key);
    } else {
      undo_.Put(taken_, key, delta > 0 ? now + 1 : now - 1);
    }
  }
}

void Bookings::SetDue(Booking* b, Timestamp at) {
  if (b->due_at != 0) undo_.Erase(due_, std::pair{b->due_at, b->request.id});
  b->due_at = at;
  if (at != 0) undo_.Insert(due_, std::pair{at, b->request.id});
}

void Bookings::Store(Booking b) {
  const OrderId id = b.request.id;
  undo_.Put(bookings_, id, std::move(b));
}

// --- Codec --------------------------------------------------------------------------

void EncodeBookFacility(Writer& w, const BookFacility& c) {
  wire::PutId(w, c.id);
  wire::PutId(w, c.facility);
  wire::PutId(w, c.user);
  w.U64(c.start);
  w.U32(c.hours);
  w.Str(c.actor);
  w.U32(c.round);
}

bool DecodeBookFacility(Reader& r, BookFacility* c) {
  return wire::GetId(r, &c->id) && wire::GetId(r, &c->facility) && wire::GetId(r, &c->user) &&
         r.U64(&c->start) && r.U32(&c->hours) && r.Str(&c->actor) && r.U32(&c->round);
}

void EncodeUseFacility(Writer& w, const UseFacility& c) {
  wire::PutId(w, c.id);
  wire::PutEnum(w, c.step);
  w.U32(c.minutes);
  w.Str(c.actor);
}

bool DecodeUseFacility(Reader& r, UseFacility* c) {
  return wire::GetId(r, &c->id) && wire::GetEnum(r, &c->step, UseStep::kCancel) &&
         r.U32(&c->minutes) && r.Str(&c->actor);
}

void Bookings::Encode(Writer& w) const {
  w.U32(static_cast<uint32_t>(bookings_.size()));
  for (const auto& [id, b] : bookings_) {
    EncodeBookFacility(w, b.request);
    wire::PutEnum(w, b.status);
    wire::PutEnum(w, b.user_class);
    wire::PutMoney(w, b.rate);
    w.U64(b.booked_at);
    w.U64(b.checked_in_at);
    w.U64(b.ended_at);
    w.U64(b.due_at);
    w.U32(b.minutes);
    wire::PutMoney(w, b.fee);
    wire::PutMoney(w, b.subsidy);
    w.Str(b.unpaid_why);
  }
}

bool Bookings::Decode(Reader& r, Bookings* out) {
  uint32_t n = 0;
  if (!r.U32(&n) || n > r.remaining()) return false;
  Bookings built;
  for (uint32_t i = 0; i < n; ++i) {
    Booking b;
    if (!(DecodeBookFacility(r, &b.request) &&
          wire::GetEnum(r, &b.status, BookingStatus::kCancelled) &&
          wire::GetEnum(r, &b.user_class, UserClass::kIndustry) && wire::GetMoney(r, &b.rate) &&
          r.U64(&b.booked_at) && r.U64(&b.checked_in_at) && r.U64(&b.ended_at) &&
          r.U64(&b.due_at) && r.U32(&b.minutes) && wire::GetMoney(r, &b.fee) &&
          wire::GetMoney(r, &b.subsidy) && r.Str(&b.unpaid_why))) {
      return false;
    }
    built.bookings_.emplace(b.request.id, std::move(b));
  }
  // The indexes follow from the records (no undo outside a batch).
  for (const auto& [id, b] : built.bookings_) {
    const BookFacility& c = b.request;
    if (b.status == BookingStatus::kCancelled) continue;
    if (c.round == 0) built.week_hours_[{c.facility, c.user, WeekOf(c.start)}] += c.hours;
    const bool open = b.status == BookingStatus::kBooked || b.status == BookingStatus::kInUse;
    built.Hold(c, c.start, open ? EndOf(c) : HeldUntil(c, b.ended_at), 1);
    if (b.due_at != 0) built.due_.insert({b.due_at, id});
  }
  *out = std::move(built);
  return true;
}

}  // namespace bg::facility
