// Notices: each change that concerns someone — an application's step, a
// voucher issued, expiring in 30 and in 7 days, expired or revoked, a job
// placed, stopped or finished, a statement closed, approved or paid —
// becomes a notice in the recipient's feed (GET /v1/notices, unread first)
// and, when the recipient set one, a signed POST to its webhook
// (notice/outbox.h).
//
// A recipient is what a token acts for: "programme:N" (its operators, at
// every stage), "enterprise:N", "provider:N". Admins and auditors read
// everyone's feed and receive none of their own.
//
// Notices are derived by the engine's writer from each command as it is
// applied (derive.h) and stored in that batch's transaction, so a notice
// exists exactly when its cause is durable: a crash never loses one, and
// a key per event keeps one from being stored twice.
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "access/tokens.h"
#include "common/enum_names.h"

namespace bg::notice {

enum class Kind : uint8_t {
  kApplicationSubmitted = 0,  // to the programme: an application waits for review
  kApplicationStep,           // to the enterprise: its application moved
  kVoucherIssued,
  kVoucherExpiring,  // 30 and 7 days before the validity ends
  kVoucherExpired,
  kVoucherRevoked,
  kJobPlaced,  // to the enterprise and the provider that runs it
  kJobStopped,
  kJobFinished,
  kStatementClosed,  // to the payee and the programme
  kStatementApproved,
  kStatementPaid,
};
inline constexpr std::array<EnumName<Kind>, 12> kKindNames = {{
    {"application_submitted", Kind::kApplicationSubmitted},
    {"application_step", Kind::kApplicationStep},
    {"voucher_issued", Kind::kVoucherIssued},
    {"voucher_expiring", Kind::kVoucherExpiring},
    {"voucher_expired", Kind::kVoucherExpired},
    {"voucher_revoked", Kind::kVoucherRevoked},
    {"job_placed", Kind::kJobPlaced},
    {"job_stopped", Kind::kJobStopped},
    {"job_finished", Kind::kJobFinished},
    {"statement_closed", Kind::kStatementClosed},
    {"statement_approved", Kind::kStatementApproved},
    {"statement_paid", Kind::kStatementPaid},
}};
static_assert(IsNameTable(kKindNames));

// Days before a voucher's validity ends that its holder is told.
inline constexpr std::array<uint32_t, 2> kExpiryWarningDays = {30, 7};

// The feed a token of `role` acting for `scope` reads: "enterprise:3";
// "" (everyone's) for admins and auditors.
inline std::string RecipientOf(access::TokenRole role, uint64_t scope) {
  const std::string subject(NameOf(access::kTokenSubjectNames, role));
  return subject.empty() ? std::string() : subject + ":" + std::to_string(scope);
}

}  // namespace bg::notice
