#include "common/money.h"

#include <cstdio>

namespace bg {

std::optional<Money> Money::Yuan(int64_t yuan) {
  int64_t fen = 0;
  if (!CheckedMul(yuan, 100, &fen)) return std::nullopt;
  return Money(fen);
}

std::optional<Money> Money::Add(Money other) const {
  int64_t out = 0;
  if (!CheckedAdd(fen_, other.fen_, &out)) return std::nullopt;
  return Money(out);
}

std::optional<Money> Money::Sub(Money other) const {
  int64_t out = 0;
  if (!CheckedSub(fen_, other.fen_, &out)) return std::nullopt;
  return Money(out);
}

std::optional<Money> Money::Mul(int64_t factor) const {
  int64_t out = 0;
  if (!CheckedMul(fen_, factor, &out)) return std::nullopt;
  return Money(out);
}

std::string Money::ToYuanString() const {
  // Work in unsigned so that INT64_MIN prints instead of overflowing.
  bool negative = fen_ < 0;
  uint64_t magnitude = negative ? 0 - static_cast<uint64_t>(fen_) : static_cast<uint64_t>(fen_);
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%s%llu.%02llu", negative ? "-" : "",
                static_cast<unsigned long long>(magnitude / 100),   // NOLINT(google-runtime-int)
                static_cast<unsigned long long>(magnitude % 100));  // NOLINT(google-runtime-int)
  return buf;
}

}  // namespace bg
