// Status: the outcome of an operation that can fail for an expected reason.
//
// A Status is either OK or carries a code from a fixed set plus a message that
// says what was wrong. Codes follow absl::StatusCode so that callers (and the
// HTTP layer, through one mapping table) can react to the kind of failure
// without parsing text. Programmer errors are not Status: see check.h.
//
// Thread-safety: a Status is a value; distinct objects may be used from any
// thread.
#pragma once

#include <array>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>

#include "common/enum_names.h"

namespace bg {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,     // malformed input
  kNotFound,            // a named thing does not exist
  kAlreadyExists,       // creating something that exists
  kFailedPrecondition,  // valid request, wrong state (balance, expiry, ...)
  kAborted,             // conflict; the caller may retry
  kResourceExhausted,   // no capacity
  kPermissionDenied,
  kUnauthenticated,
  kUnavailable,  // transient: shutting down, store unreachable
  kDataLoss,     // stored data failed verification
  kInternal,
};
inline constexpr std::array<EnumName<StatusCode>, 12> kStatusCodeNames = {{
    {"OK", StatusCode::kOk},
    {"INVALID_ARGUMENT", StatusCode::kInvalidArgument},
    {"NOT_FOUND", StatusCode::kNotFound},
    {"ALREADY_EXISTS", StatusCode::kAlreadyExists},
    {"FAILED_PRECONDITION", StatusCode::kFailedPrecondition},
    {"ABORTED", StatusCode::kAborted},
    {"RESOURCE_EXHAUSTED", StatusCode::kResourceExhausted},
    {"PERMISSION_DENIED", StatusCode::kPermissionDenied},
    {"UNAUTHENTICATED", StatusCode::kUnauthenticated},
    {"UNAVAILABLE", StatusCode::kUnavailable},
    {"DATA_LOSS", StatusCode::kDataLoss},
    {"INTERNAL", StatusCode::kInternal},
}};
static_assert(IsNameTable(kStatusCodeNames));

std::string_view StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return {}; }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }

  // "NOT_FOUND: account 7 does not exist"
  std::string ToString() const;

  // Returns a copy whose message is prefixed with `context`.
  Status WithContext(std::string_view context) const;

  friend bool operator==(const Status& a, const Status& b) {
    return a.code_ == b.code_ && a.message_ == b.message_;
  }

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

std::ostream& operator<<(std::ostream& os, const Status& status);

inline Status InvalidArgument(std::string m) {
  return {StatusCode::kInvalidArgument, std::move(m)};
}
inline Status NotFound(std::string m) { return {StatusCode::kNotFound, std::move(m)}; }
inline Status AlreadyExists(std::string m) { return {StatusCode::kAlreadyExists, std::move(m)}; }
inline Status FailedPrecondition(std::string m) {
  return {StatusCode::kFailedPrecondition, std::move(m)};
}
inline Status Aborted(std::string m) { return {StatusCode::kAborted, std::move(m)}; }
inline Status ResourceExhausted(std::string m) {
  return {StatusCode::kResourceExhausted, std::move(m)};
}
inline Status Unavailable(std::string m) { return {StatusCode::kUnavailable, std::move(m)}; }
inline Status DataLoss(std::string m) { return {StatusCode::kDataLoss, std::move(m)}; }
inline Status Internal(std::string m) { return {StatusCode::kInternal, std::move(m)}; }

}  // namespace bg

#define BG_CONCAT_INNER(a, b) a##b
#define BG_CONCAT(a, b) BG_CONCAT_INNER(a, b)

// Returns from the enclosing function if `expr` yields a non-OK Status.
#define BG_RETURN_IF_ERROR(expr) BG_RETURN_IF_ERROR_IMPL(BG_CONCAT(bg_status_, __LINE__), expr)
// `tmp` names the variable being declared, so it cannot be parenthesised.
// NOLINTBEGIN(bugprone-macro-parentheses)
#define BG_RETURN_IF_ERROR_IMPL(tmp, expr) \
  do {                                     \
    ::bg::Status tmp = (expr);             \
    if (!tmp.ok()) return tmp;             \
  } while (false)
// NOLINTEND(bugprone-macro-parentheses)
