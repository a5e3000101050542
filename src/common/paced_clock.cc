#include "common/paced_clock.h"

#include "common/check.h"

namespace bg {

PacedClock::PacedClock(Timestamp origin, uint32_t speed, Timestamp wall_origin)
    : origin_(origin), wall_origin_(wall_origin), speed_(speed) {
  BG_CHECK(speed >= 1);
}

Timestamp PacedClock::At(Timestamp wall) const {
  // A wall time before the origin (a file a process wrote before this
  // clock was made) reads before the origin too, never wrapped.
  if (wall >= wall_origin_) return origin_ + (wall - wall_origin_) * speed_;
  const Timestamp back = (wall_origin_ - wall) * speed_;
  return back >= origin_ ? 0 : origin_ - back;
}

}  // namespace bg
