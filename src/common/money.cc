#include "common/money.h"

#include <charconv>

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
  // Work in unsigned so that INT64_MIN prints instead of overflowing. No
  // printf: every job and statement the API answers prints several.
  const bool negative = fen_ < 0;
  const uint64_t magnitude =
      negative ? 0 - static_cast<uint64_t>(fen_) : static_cast<uint64_t>(fen_);
  char buf[32];
  char* p = buf;
  if (negative) *p++ = '-';
  p = std::to_chars(p, buf + sizeof buf, magnitude / 100).ptr;
  const auto cents = static_cast<char>(magnitude % 100);
  *p++ = '.';
  *p++ = static_cast<char>('0' + cents / 10);
  *p++ = static_cast<char>('0' + cents % 10);
  return {buf, p};
}

}  // namespace bg
