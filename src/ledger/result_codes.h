// The result of creating one account or one transfer. Like TigerBeetle's
// create_accounts / create_transfers results, every rejection has its own
// code, and a rejected event leaves the ledger unchanged.
//
// Codes are stable: they are journaled, shown in the API and documented in
// docs/ledger.md. Append new codes; never renumber.
#pragma once

#include <cstdint>
#include <string_view>

namespace bg::ledger {

enum class AccountResult : uint8_t {
  kOk = 0,
  kIdMustNotBeZero,
  kIdMustNotBeIntMax,
  kReservedFlag,
  kFlagsAreMutuallyExclusive,
  kLedgerMustNotBeZero,
  kCodeMustNotBeZero,
  kBalancesMustBeZero,
  kTimestampMustBeZero,
  kExistsWithDifferentFlags,
  kExistsWithDifferentOwner,
  kExistsWithDifferentLedger,
  kExistsWithDifferentCode,
  kExists,
  kIdReservedForSystem,  // appended: ids >= kSystemIdFloor are the platform's
};

enum class TransferResult : uint8_t {
  kOk = 0,
  kLinkedEventFailed,
  kLinkedEventChainOpen,
  kTimestampMustBeZero,
  kReservedFlag,
  kIdMustNotBeZero,
  kIdMustNotBeIntMax,
  kFlagsAreMutuallyExclusive,
  kDebitAccountIdMustNotBeZero,
  kCreditAccountIdMustNotBeZero,
  kAccountsMustBeDifferent,
  kPendingIdMustBeZero,
  kPendingIdMustNotBeZero,
  kPendingIdMustBeDifferent,
  kTimeoutReservedForPendingTransfer,
  kClosingTransferMustBePending,
  kAmountMustNotBeZero,
  kAmountMustNotBeNegative,
  kLedgerMustNotBeZero,
  kCodeMustNotBeZero,
  // Above: the body alone is wrong; the id stays free for a corrected retry.
  // Below: decided against the ledger's state; the id stays failed forever.
  kExistsWithDifferentFlags,
  kExistsWithDifferentPendingId,
  kExistsWithDifferentTimeout,
  kExistsWithDifferentDebitAccountId,
  kExistsWithDifferentCreditAccountId,
  kExistsWithDifferentAmount,
  kExistsWithDifferentReference,
  kExistsWithDifferentLedger,
  kExistsWithDifferentCode,
  kExists,
  kDebitAccountNotFound,
  kCreditAccountNotFound,
  kAccountsMustHaveTheSameLedger,
  kTransferMustHaveTheSameLedgerAsAccounts,
  kPendingTransferNotFound,
  kPendingTransferNotPending,
  kPendingTransferHasDifferentDebitAccountId,
  kPendingTransferHasDifferentCreditAccountId,
  kPendingTransferHasDifferentLedger,
  kPendingTransferHasDifferentCode,
  kExceedsPendingTransferAmount,
  kPendingTransferHasDifferentAmount,
  kPendingTransferAlreadyPosted,
  kPendingTransferAlreadyVoided,
  kPendingTransferExpired,
  kDebitAccountAlreadyClosed,
  kCreditAccountAlreadyClosed,
  kOverflowsDebitsPending,
  kOverflowsCreditsPending,
  kOverflowsDebitsPosted,
  kOverflowsCreditsPosted,
  kOverflowsDebits,
  kOverflowsCredits,
  kOverflowsTimeout,
  kExceedsCredits,
  kExceedsDebits,
  // Appended: body checks on client calls (ids >= kSystemIdFloor are the
  // platform's: programme budgets, vouchers and their movements).
  kIdReservedForSystem,
  kAccountReservedForSystem,
};

inline constexpr int kTransferResultCount =
    static_cast<int>(TransferResult::kAccountReservedForSystem) + 1;
inline constexpr int kAccountResultCount =
    static_cast<int>(AccountResult::kIdReservedForSystem) + 1;

// snake_case names, as in TigerBeetle's documentation ("exceeds_credits").
std::string_view AccountResultName(AccountResult r);
std::string_view TransferResultName(TransferResult r);

// A failure decided against the ledger's state: the id is burnt (a retry,
// even with a different body, returns this same result).
inline bool IsStateFailure(TransferResult r) {
  return r >= TransferResult::kDebitAccountNotFound && r <= TransferResult::kExceedsDebits;
}
// The transfer exists now (created, or created earlier with the same body).
inline bool IsSuccess(TransferResult r) {
  return r == TransferResult::kOk || r == TransferResult::kExists;
}

}  // namespace bg::ledger
