// Accounts and transfers: the ledger's two record kinds, with TigerBeetle's
// semantics (docs/ledger.md). An account has four balances that only
// transfers move; a transfer moves an amount from one account's debits to
// another's credits on the same ledger (currency). Amounts are int64 fen.
#pragma once

#include <array>
#include <cstdint>

#include "common/clock.h"
#include "common/enum_names.h"
#include "common/ids.h"

namespace bg::ledger {

// Ids at or above this floor (accounts and transfers) belong to the
// platform: programme budgets, vouchers and the movements between them are
// made by the engine's own rules (programme/book.h), never by a client, so
// that no client transfer can move a budget or take an id the platform will
// need. Client calls are refused with *_reserved_for_system.
inline constexpr uint64_t kSystemIdFloor = uint64_t{1} << 62;
inline constexpr bool IsSystemId(uint64_t id) { return id >= kSystemIdFloor; }

// Who makes a call: a client (the API, the benchmark) or the platform.
enum class Origin : uint8_t { kClient = 0, kSystem };

// Account flags.
inline constexpr uint16_t kDebitsMustNotExceedCredits = 1u << 0;
inline constexpr uint16_t kCreditsMustNotExceedDebits = 1u << 1;
// Set and cleared only by closing transfers (kClosingDebit / kClosingCredit);
// a closed account takes part in no new transfer.
inline constexpr uint16_t kAccountClosed = 1u << 2;
inline constexpr uint16_t kAccountFlagsKnown = 0x7;

// Transfer flags.
inline constexpr uint16_t kLinked = 1u << 0;
inline constexpr uint16_t kPending = 1u << 1;
inline constexpr uint16_t kPostPending = 1u << 2;
inline constexpr uint16_t kVoidPending = 1u << 3;
inline constexpr uint16_t kClosingDebit = 1u << 4;
inline constexpr uint16_t kClosingCredit = 1u << 5;
inline constexpr uint16_t kTransferFlagsKnown = 0x3f;

struct Account {
  AccountId id{};
  LedgerId ledger{};
  uint16_t code = 0;  // what kind of account (budget, voucher, wallet, ...)
  uint16_t flags = 0;
  uint64_t owner = 0;  // reference to the owner (programme, enterprise, provider)
  int64_t debits_pending = 0;
  int64_t debits_posted = 0;
  int64_t credits_pending = 0;
  int64_t credits_posted = 0;
  Timestamp timestamp = 0;  // set by the ledger when created

  friend bool operator==(const Account&, const Account&) = default;
};

struct Transfer {
  TransferId id{};
  AccountId debit_account_id{};
  AccountId credit_account_id{};
  int64_t amount = 0;
  TransferId pending_id{};  // for post/void: the pending transfer resolved
  uint64_t reference = 0;   // e.g. the order id this movement belongs to
  uint32_t timeout = 0;     // seconds; pending transfers only; 0 = never expires
  LedgerId ledger{};
  uint16_t code = 0;  // why the money moved (grant, hold, charge, ...)
  uint16_t flags = 0;
  Timestamp timestamp = 0;  // set by the ledger when created

  friend bool operator==(const Transfer&, const Transfer&) = default;
};

// What became of a pending transfer. Non-pending transfers are kNone.
enum class PendingStatus : uint8_t { kNone = 0, kOpen, kPosted, kVoided, kExpired };
inline constexpr std::array<EnumName<PendingStatus>, 5> kPendingStatusNames = {{
    {"none", PendingStatus::kNone},
    {"open", PendingStatus::kOpen},
    {"posted", PendingStatus::kPosted},
    {"voided", PendingStatus::kVoided},
    {"expired", PendingStatus::kExpired},
}};
static_assert(IsNameTable(kPendingStatusNames));

struct StoredTransfer {
  Transfer transfer;
  PendingStatus status = PendingStatus::kNone;
  // Pending transfers with a timeout: the first logical instant at which the
  // hold is expired (timestamp + timeout seconds). 0 = no deadline.
  Timestamp expires_at = 0;

  friend bool operator==(const StoredTransfer&, const StoredTransfer&) = default;
};

const char* PendingStatusName(PendingStatus status);

}  // namespace bg::ledger
