// Apportion: splits a whole number (fen, card-seconds) over weights in
// proportion, by largest remainder, so the parts are whole and add up to the
// total exactly. Used where stacked programmes share one charge
// (programme/book_charge.cc) and one order's card-hours (settlement flows).
//
// Thread-safety: a pure function.
#pragma once

#include <cstdint>
#include <vector>

namespace bg {

// Parts of `total` in proportion to `weights` (non-negative); ties go to the
// earlier weight. Σ parts = total whenever Σ weights > 0; all parts are 0
// when Σ weights = 0.
std::vector<int64_t> Apportion(int64_t total, const std::vector<int64_t>& weights);

}  // namespace bg
