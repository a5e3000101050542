// PacedClock: the wall clock, run `speed` times faster from an origin. The
// live demo (cmd/demo_live.h) plays a day of the Greater Bay Area in a few
// real minutes with real processes: the engine, the providers' agents and
// the local executor (agent/local.h) all read this one clock, and the
// executor turns the wall times its processes record into readings of it
// (At), so usage is measured on the same clock the orders are.
//
// With speed 1 and the origin taken from the wall at construction (Wall()),
// it reads exactly what SystemClock reads.
//
// Thread-safety: immutable; safe from any thread.
#pragma once

#include <cstdint>

#include "common/clock.h"

namespace bg {

class PacedClock final : public Clock {
 public:
  // Reads `origin` when the wall reads `wall_origin` (default: now) and
  // moves `speed` ns for each ns of the wall's.
  PacedClock(Timestamp origin, uint32_t speed, Timestamp wall_origin = SystemClock().Now());
  // The wall clock itself (speed 1, origin now).
  static PacedClock Wall() {
    const Timestamp now = SystemClock().Now();
    return PacedClock(now, 1, now);
  }

  Timestamp Now() const override { return At(SystemClock().Now()); }
  // What this clock read (or will read) when the wall read `wall`.
  Timestamp At(Timestamp wall) const;
  uint32_t speed() const { return speed_; }

 private:
  Timestamp origin_;
  Timestamp wall_origin_;
  uint32_t speed_;
};

}  // namespace bg
