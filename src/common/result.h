// Result<T>: a value of type T, or the Status that explains why there is none.
//
// Shaped like absl::StatusOr so that a later switch is mechanical. Accessing
// the value of a failed Result is a programmer error and aborts (BG_CHECK).
#pragma once

#include <optional>
#include <utility>

#include "common/check.h"
#include "common/status.h"

namespace bg {

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}         // NOLINT(google-explicit-constructor)
  Result(Status status) : status_(std::move(status)) {  // NOLINT(google-explicit-constructor)
    BG_CHECK(!status_.ok()) << "Result built from an OK status without a value";
  }

  bool ok() const { return status_.ok(); }
  const Status& status() const { return status_; }

  T& value() & {
    BG_CHECK(ok()) << "value() of a failed Result: " << status_;
    return *value_;
  }
  const T& value() const& {
    BG_CHECK(ok()) << "value() of a failed Result: " << status_;
    return *value_;
  }
  T&& value() && {
    BG_CHECK(ok()) << "value() of a failed Result: " << status_;
    return std::move(*value_);
  }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  Status status_;
  std::optional<T> value_;
};

}  // namespace bg

// `tmp` is a name being declared and `lhs` may be a declaration (`auto x`),
// so neither can be parenthesised.
// NOLINTBEGIN(bugprone-macro-parentheses)
#define BG_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                             \
  if (!tmp.ok()) return tmp.status();            \
  lhs = std::move(tmp).value()
// NOLINTEND(bugprone-macro-parentheses)

// Declares or assigns `lhs` from a Result, returning its Status on failure.
#define BG_ASSIGN_OR_RETURN(lhs, expr) \
  BG_ASSIGN_OR_RETURN_IMPL(BG_CONCAT(bg_result_, __LINE__), lhs, expr)
