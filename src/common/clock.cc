#include "common/clock.h"

#include <chrono>

namespace bg {

Timestamp SystemClock::Now() const {
  auto since_epoch = std::chrono::system_clock::now().time_since_epoch();
  return static_cast<Timestamp>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(since_epoch).count());
}

}  // namespace bg
