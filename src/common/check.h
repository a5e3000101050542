// BG_CHECK: always-on assertions for invariants whose breach would corrupt the
// ledger. A failed check prints the condition, the place and the streamed
// message to stderr and aborts: better to stop than to go on in a wrong state
// (TigerBeetle, Envoy's RELEASE_ASSERT). Never use it on user input.
#pragma once

#include <sstream>

namespace bg::internal {

class CheckFailure {
 public:
  CheckFailure(const char* condition, const char* file, int line);
  CheckFailure(const CheckFailure&) = delete;
  CheckFailure& operator=(const CheckFailure&) = delete;
  [[noreturn]] ~CheckFailure();

  template <typename T>
  CheckFailure& operator<<(const T& value) {
    stream_ << value;
    return *this;
  }

 private:
  std::ostringstream stream_;
};

// Lets `BG_CHECK(c) << x` compile to a void expression in both branches.
struct Voidify {
  void operator&(const CheckFailure&) {}
};

}  // namespace bg::internal

// Not parenthesised on purpose: `BG_CHECK(c) << x` must stream into the
// CheckFailure (`<<` binds tighter than `&` and `?:`).
// NOLINTBEGIN(bugprone-macro-parentheses)
#define BG_CHECK(condition)  \
  (condition)                \
      ? static_cast<void>(0) \
      : ::bg::internal::Voidify() & ::bg::internal::CheckFailure(#condition, __FILE__, __LINE__)
// NOLINTEND(bugprone-macro-parentheses)
