// Money: an amount in fen (0.01 CNY, or the minor unit of the account's
// ledger), held as int64. There is no floating point near money: every
// operation is checked and reports overflow instead of wrapping.
#pragma once

#include <compare>
#include <cstdint>
#include <optional>
#include <ostream>
#include <string>

namespace bg {

class Money {
 public:
  constexpr Money() = default;
  static constexpr Money Fen(int64_t fen) { return Money(fen); }
  // Whole yuan; overflow is the caller's concern only for absurd inputs,
  // so this is checked too.
  static std::optional<Money> Yuan(int64_t yuan);

  constexpr int64_t fen() const { return fen_; }
  constexpr bool is_zero() const { return fen_ == 0; }
  constexpr bool is_negative() const { return fen_ < 0; }

  // Checked arithmetic: nullopt on overflow.
  std::optional<Money> Add(Money other) const;
  std::optional<Money> Sub(Money other) const;
  std::optional<Money> Mul(int64_t factor) const;

  // "1234.05" (yuan with two decimals, sign first).
  std::string ToYuanString() const;

  // NOLINTNEXTLINE(modernize-use-nullptr): false positive on a defaulted <=> (the 0 is clang's)
  friend constexpr auto operator<=>(Money, Money) = default;
  friend std::ostream& operator<<(std::ostream& os, Money m) { return os << m.ToYuanString(); }

 private:
  constexpr explicit Money(int64_t fen) : fen_(fen) {}
  int64_t fen_ = 0;
};

// Checked int64 helpers shared by Money and the ledger's balances.
inline bool CheckedAdd(int64_t a, int64_t b, int64_t* out) {
  return !__builtin_add_overflow(a, b, out);
}
inline bool CheckedSub(int64_t a, int64_t b, int64_t* out) {
  return !__builtin_sub_overflow(a, b, out);
}
inline bool CheckedMul(int64_t a, int64_t b, int64_t* out) {
  return !__builtin_mul_overflow(a, b, out);
}

}  // namespace bg
