// IdRanges: a set of 64-bit ids kept as disjoint closed ranges, for ids
// that are used once forever and mostly handed out in order (job ids): a
// year of retired jobs numbered 1..240,000 is one range of 16 bytes, not a
// set of 240,000 nodes. Ids inserted out of order cost one range each until
// their neighbours join them.
//
// Thread-safety: a value.
#pragma once

#include <cstdint>
#include <iterator>
#include <map>

#include "common/codec.h"

namespace bg {

class IdRanges {
 public:
  bool Contains(uint64_t id) const {
    auto it = ranges_.upper_bound(id);
    if (it == ranges_.begin()) return false;
    return std::prev(it)->second >= id;
  }

  // Adds `id`; false if it was in the set already.
  bool Insert(uint64_t id) {
    if (Contains(id)) return false;
    auto next = ranges_.upper_bound(id);  // the first range starting after id
    const bool joins_next = next != ranges_.end() && id != UINT64_MAX && next->first == id + 1;
    if (next != ranges_.begin()) {
      auto prev = std::prev(next);
      if (id != 0 && prev->second == id - 1) {
        prev->second = joins_next ? next->second : id;
        if (joins_next) ranges_.erase(next);
        ++count_;
        return true;
      }
    }
    const uint64_t last = joins_next ? next->second : id;
    if (joins_next) ranges_.erase(next);
    ranges_.emplace(id, last);
    ++count_;
    return true;
  }

  // Removes `id` (the undo of Insert); false if it was not in the set.
  bool Erase(uint64_t id) {
    auto it = ranges_.upper_bound(id);
    if (it == ranges_.begin()) return false;
    --it;
    const uint64_t first = it->first;
    const uint64_t last = it->second;
    if (last < id) return false;
    ranges_.erase(it);
    if (first < id) ranges_.emplace(first, id - 1);
    if (id < last) ranges_.emplace(id + 1, last);
    --count_;
    return true;
  }

  uint64_t size() const { return count_; }
  size_t ranges() const { return ranges_.size(); }

  void Encode(Writer& w) const {
    w.U64(ranges_.size());
    for (const auto& [first, last] : ranges_) {
      w.U64(first);
      w.U64(last);
    }
  }
  // False on a truncated input or ranges that overlap, touch or run
  // backwards (a canonical encoding has none).
  static bool Decode(Reader& r, IdRanges* out) {
    uint64_t n = 0;
    if (!r.U64(&n) || n > r.remaining() / 16) return false;
    IdRanges s;
    for (uint64_t i = 0; i < n; ++i) {
      uint64_t first = 0;
      uint64_t last = 0;
      if (!r.U64(&first) || !r.U64(&last) || last < first) return false;
      if (!s.ranges_.empty() &&
          (s.ranges_.rbegin()->second == UINT64_MAX || first <= s.ranges_.rbegin()->second + 1)) {
        return false;
      }
      s.ranges_.emplace_hint(s.ranges_.end(), first, last);
      s.count_ += last - first + 1;
    }
    *out = std::move(s);
    return true;
  }

  friend bool operator==(const IdRanges&, const IdRanges&) = default;

 private:
  std::map<uint64_t, uint64_t> ranges_;  // first -> last, disjoint, not touching
  uint64_t count_ = 0;
};

}  // namespace bg
