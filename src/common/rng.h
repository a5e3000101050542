// Rng: a small seeded pseudo-random generator (xoshiro256**, seeded through
// splitmix64). Unlike <random>'s distributions its output is the same on every
// platform and library version, so a seed printed by a failing test or a
// simulation reproduces the run exactly.
//
// Thread-safety: none; give each thread its own Rng.
#pragma once

#include <cstdint>

namespace bg {

class Rng {
 public:
  explicit Rng(uint64_t seed);

  uint64_t Next();
  // Uniform in [0, n); n must be > 0.
  uint64_t Uniform(uint64_t n);
  // Uniform in [lo, hi]; lo <= hi.
  int64_t Range(int64_t lo, int64_t hi);
  // True with probability `percent`/100.
  bool Percent(uint32_t percent) { return Uniform(100) < percent; }

 private:
  uint64_t s_[4];
};

}  // namespace bg
