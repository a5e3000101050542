// Clock: where time comes from. Domain code never reads the wall clock itself;
// it is handed a Clock (leveldb's Env, Envoy's TimeSource), so tests and the
// simulator run on a VirtualClock with no sleeps.
//
// Time is a Timestamp: nanoseconds since the Unix epoch, as uint64.
//
// Thread-safety: SystemClock and VirtualClock are safe to use from any thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace bg {

using Timestamp = uint64_t;  // ns since 1970-01-01T00:00:00Z
inline constexpr Timestamp kNanosPerSecond = 1'000'000'000;
inline constexpr Timestamp kNanosPerHour = 3'600 * kNanosPerSecond;
inline constexpr Timestamp kNanosPerDay = 86'400 * kNanosPerSecond;

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
// days_from_civil).
int64_t DaysFromCivil(int64_t y, int64_t m, int64_t d);

// "2025-01-01" (00:00 UTC) or "2025-01-01T08:30:00Z" as a Timestamp;
// nothing when malformed, not a real date, or before 1970.
std::optional<Timestamp> ParseUtcTime(std::string_view text);
// RFC 3339 UTC to the second: "2025-01-01T08:30:00Z".
std::string FormatUtcTime(Timestamp t);

class Clock {
 public:
  virtual ~Clock() = default;
  virtual Timestamp Now() const = 0;
};

class SystemClock final : public Clock {
 public:
  Timestamp Now() const override;
};

// A clock that moves only when told to. It may be set backwards, which is how
// tests check that the engine's logical clock stays monotonic.
class VirtualClock final : public Clock {
 public:
  explicit VirtualClock(Timestamp start = 1'700'000'000 * kNanosPerSecond) : now_(start) {}
  Timestamp Now() const override { return now_.load(std::memory_order_acquire); }
  void Set(Timestamp t) { now_.store(t, std::memory_order_release); }
  void Advance(Timestamp delta) { now_.fetch_add(delta, std::memory_order_acq_rel); }

 private:
  std::atomic<Timestamp> now_;
};

}  // namespace bg
