// The result of creating one account or one transfer. Like TigerBeetle's
// create_accounts / create_transfers results, every rejection has its own
// code, and a rejected event leaves the ledger unchanged.
//
// Codes are stable: they are journaled, shown in the API and documented in
// docs/ledger.md. Append new codes; never renumber.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include "common/enum_names.h"

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
inline constexpr std::array<EnumName<AccountResult>, 15> kAccountResultNames = {{
    {"ok", AccountResult::kOk},
    {"id_must_not_be_zero", AccountResult::kIdMustNotBeZero},
    {"id_must_not_be_int_max", AccountResult::kIdMustNotBeIntMax},
    {"reserved_flag", AccountResult::kReservedFlag},
    {"flags_are_mutually_exclusive", AccountResult::kFlagsAreMutuallyExclusive},
    {"ledger_must_not_be_zero", AccountResult::kLedgerMustNotBeZero},
    {"code_must_not_be_zero", AccountResult::kCodeMustNotBeZero},
    {"balances_must_be_zero", AccountResult::kBalancesMustBeZero},
    {"timestamp_must_be_zero", AccountResult::kTimestampMustBeZero},
    {"exists_with_different_flags", AccountResult::kExistsWithDifferentFlags},
    {"exists_with_different_owner", AccountResult::kExistsWithDifferentOwner},
    {"exists_with_different_ledger", AccountResult::kExistsWithDifferentLedger},
    {"exists_with_different_code", AccountResult::kExistsWithDifferentCode},
    {"exists", AccountResult::kExists},
    {"id_reserved_for_system", AccountResult::kIdReservedForSystem},
}};
static_assert(IsNameTable(kAccountResultNames));

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
inline constexpr std::array<EnumName<TransferResult>, 58> kTransferResultNames = {{
    {"ok", TransferResult::kOk},
    {"linked_event_failed", TransferResult::kLinkedEventFailed},
    {"linked_event_chain_open", TransferResult::kLinkedEventChainOpen},
    {"timestamp_must_be_zero", TransferResult::kTimestampMustBeZero},
    {"reserved_flag", TransferResult::kReservedFlag},
    {"id_must_not_be_zero", TransferResult::kIdMustNotBeZero},
    {"id_must_not_be_int_max", TransferResult::kIdMustNotBeIntMax},
    {"flags_are_mutually_exclusive", TransferResult::kFlagsAreMutuallyExclusive},
    {"debit_account_id_must_not_be_zero", TransferResult::kDebitAccountIdMustNotBeZero},
    {"credit_account_id_must_not_be_zero", TransferResult::kCreditAccountIdMustNotBeZero},
    {"accounts_must_be_different", TransferResult::kAccountsMustBeDifferent},
    {"pending_id_must_be_zero", TransferResult::kPendingIdMustBeZero},
    {"pending_id_must_not_be_zero", TransferResult::kPendingIdMustNotBeZero},
    {"pending_id_must_be_different", TransferResult::kPendingIdMustBeDifferent},
    {"timeout_reserved_for_pending_transfer", TransferResult::kTimeoutReservedForPendingTransfer},
    {"closing_transfer_must_be_pending", TransferResult::kClosingTransferMustBePending},
    {"amount_must_not_be_zero", TransferResult::kAmountMustNotBeZero},
    {"amount_must_not_be_negative", TransferResult::kAmountMustNotBeNegative},
    {"ledger_must_not_be_zero", TransferResult::kLedgerMustNotBeZero},
    {"code_must_not_be_zero", TransferResult::kCodeMustNotBeZero},
    {"exists_with_different_flags", TransferResult::kExistsWithDifferentFlags},
    {"exists_with_different_pending_id", TransferResult::kExistsWithDifferentPendingId},
    {"exists_with_different_timeout", TransferResult::kExistsWithDifferentTimeout},
    {"exists_with_different_debit_account_id", TransferResult::kExistsWithDifferentDebitAccountId},
    {"exists_with_different_credit_account_id",
     TransferResult::kExistsWithDifferentCreditAccountId},
    {"exists_with_different_amount", TransferResult::kExistsWithDifferentAmount},
    {"exists_with_different_reference", TransferResult::kExistsWithDifferentReference},
    {"exists_with_different_ledger", TransferResult::kExistsWithDifferentLedger},
    {"exists_with_different_code", TransferResult::kExistsWithDifferentCode},
    {"exists", TransferResult::kExists},
    {"debit_account_not_found", TransferResult::kDebitAccountNotFound},
    {"credit_account_not_found", TransferResult::kCreditAccountNotFound},
    {"accounts_must_have_the_same_ledger", TransferResult::kAccountsMustHaveTheSameLedger},
    {"transfer_must_have_the_same_ledger_as_accounts",
     TransferResult::kTransferMustHaveTheSameLedgerAsAccounts},
    {"pending_transfer_not_found", TransferResult::kPendingTransferNotFound},
    {"pending_transfer_not_pending", TransferResult::kPendingTransferNotPending},
    {"pending_transfer_has_different_debit_account_id",
     TransferResult::kPendingTransferHasDifferentDebitAccountId},
    {"pending_transfer_has_different_credit_account_id",
     TransferResult::kPendingTransferHasDifferentCreditAccountId},
    {"pending_transfer_has_different_ledger", TransferResult::kPendingTransferHasDifferentLedger},
    {"pending_transfer_has_different_code", TransferResult::kPendingTransferHasDifferentCode},
    {"exceeds_pending_transfer_amount", TransferResult::kExceedsPendingTransferAmount},
    {"pending_transfer_has_different_amount", TransferResult::kPendingTransferHasDifferentAmount},
    {"pending_transfer_already_posted", TransferResult::kPendingTransferAlreadyPosted},
    {"pending_transfer_already_voided", TransferResult::kPendingTransferAlreadyVoided},
    {"pending_transfer_expired", TransferResult::kPendingTransferExpired},
    {"debit_account_already_closed", TransferResult::kDebitAccountAlreadyClosed},
    {"credit_account_already_closed", TransferResult::kCreditAccountAlreadyClosed},
    {"overflows_debits_pending", TransferResult::kOverflowsDebitsPending},
    {"overflows_credits_pending", TransferResult::kOverflowsCreditsPending},
    {"overflows_debits_posted", TransferResult::kOverflowsDebitsPosted},
    {"overflows_credits_posted", TransferResult::kOverflowsCreditsPosted},
    {"overflows_debits", TransferResult::kOverflowsDebits},
    {"overflows_credits", TransferResult::kOverflowsCredits},
    {"overflows_timeout", TransferResult::kOverflowsTimeout},
    {"exceeds_credits", TransferResult::kExceedsCredits},
    {"exceeds_debits", TransferResult::kExceedsDebits},
    {"id_reserved_for_system", TransferResult::kIdReservedForSystem},
    {"account_reserved_for_system", TransferResult::kAccountReservedForSystem},
}};
static_assert(IsNameTable(kTransferResultNames));

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
