#include "ledger/reference_model.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <tuple>

namespace bg::ledger {
namespace {

__extension__ using Int128 = __int128;

constexpr Int128 kBalanceMax = std::numeric_limits<int64_t>::max();
constexpr Int128 kTimestampMax = std::numeric_limits<uint64_t>::max();
constexpr uint64_t kIdMax = std::numeric_limits<uint64_t>::max();

bool Has(uint16_t flags, uint16_t flag) { return (flags & flag) != 0; }

bool IsPostOrVoid(const Transfer& t) {
  return Has(t.flags, kPostPending) || Has(t.flags, kVoidPending);
}

bool IsClosing(const Transfer& t) {
  return Has(t.flags, kClosingDebit) || Has(t.flags, kClosingCredit);
}

AccountResult ValidateAccount(const Account& a) {
  if (a.timestamp != 0) return AccountResult::kTimestampMustBeZero;
  const uint16_t settable = kDebitsMustNotExceedCredits | kCreditsMustNotExceedDebits;
  if ((a.flags & ~settable) != 0) return AccountResult::kReservedFlag;
  if (a.id.value() == 0) return AccountResult::kIdMustNotBeZero;
  if (a.id.value() == kIdMax) return AccountResult::kIdMustNotBeIntMax;
  if (Has(a.flags, kDebitsMustNotExceedCredits) && Has(a.flags, kCreditsMustNotExceedDebits)) {
    return AccountResult::kFlagsAreMutuallyExclusive;
  }
  if (a.debits_pending != 0 || a.debits_posted != 0 || a.credits_pending != 0 ||
      a.credits_posted != 0) {
    return AccountResult::kBalancesMustBeZero;
  }
  if (a.ledger.value() == 0) return AccountResult::kLedgerMustNotBeZero;
  if (a.code == 0) return AccountResult::kCodeMustNotBeZero;
  return AccountResult::kOk;
}

// What can be said from the body alone, before looking at any state.
TransferResult ValidateBody(const Transfer& t) {
  if (t.timestamp != 0) return TransferResult::kTimestampMustBeZero;
  if ((t.flags & ~kTransferFlagsKnown) != 0) return TransferResult::kReservedFlag;
  if (t.id.value() == 0) return TransferResult::kIdMustNotBeZero;
  if (t.id.value() == kIdMax) return TransferResult::kIdMustNotBeIntMax;
  int kinds = 0;
  if (Has(t.flags, kPending)) ++kinds;
  if (Has(t.flags, kPostPending)) ++kinds;
  if (Has(t.flags, kVoidPending)) ++kinds;
  if (kinds > 1) return TransferResult::kFlagsAreMutuallyExclusive;

  if (IsPostOrVoid(t)) {
    // Accounts, ledger and code may be zero: they default to the hold's.
    if (t.pending_id.value() == 0) return TransferResult::kPendingIdMustNotBeZero;
    if (t.pending_id.value() == t.id.value()) return TransferResult::kPendingIdMustBeDifferent;
    if (t.timeout != 0) return TransferResult::kTimeoutReservedForPendingTransfer;
    if (IsClosing(t)) return TransferResult::kClosingTransferMustBePending;
    if (t.amount < 0) return TransferResult::kAmountMustNotBeNegative;
    return TransferResult::kOk;
  }

  if (t.debit_account_id.value() == 0) return TransferResult::kDebitAccountIdMustNotBeZero;
  if (t.credit_account_id.value() == 0) return TransferResult::kCreditAccountIdMustNotBeZero;
  if (t.debit_account_id == t.credit_account_id) return TransferResult::kAccountsMustBeDifferent;
  if (t.pending_id.value() != 0) return TransferResult::kPendingIdMustBeZero;
  const bool pending = Has(t.flags, kPending);
  if (!pending && t.timeout != 0) return TransferResult::kTimeoutReservedForPendingTransfer;
  if (!pending && IsClosing(t)) return TransferResult::kClosingTransferMustBePending;
  if (t.amount < 0) return TransferResult::kAmountMustNotBeNegative;
  if (t.amount == 0) return TransferResult::kAmountMustNotBeZero;
  if (t.ledger.value() == 0) return TransferResult::kLedgerMustNotBeZero;
  if (t.code == 0) return TransferResult::kCodeMustNotBeZero;
  return TransferResult::kOk;
}

}  // namespace

std::vector<AccountResult> ReferenceModel::CreateAccounts(std::span<const Account> accounts,
                                                          Timestamp first_ts) {
  std::vector<AccountResult> results;
  for (size_t i = 0; i < accounts.size(); ++i) {
    results.push_back(CreateAccount(accounts[i], first_ts + i));
  }
  return results;
}

AccountResult ReferenceModel::CreateAccount(const Account& a, Timestamp ts) {
  if (AccountResult r = ValidateAccount(a); r != AccountResult::kOk) return r;
  if (a.id.value() >= kSystemIdFloor) return AccountResult::kIdReservedForSystem;
  if (auto it = accounts_.find(a.id); it != accounts_.end()) {
    const Account& e = it->second;
    const uint16_t e_flags = static_cast<uint16_t>(e.flags & ~kAccountClosed);
    if (e_flags != a.flags) return AccountResult::kExistsWithDifferentFlags;
    if (e.owner != a.owner) return AccountResult::kExistsWithDifferentOwner;
    if (e.ledger != a.ledger) return AccountResult::kExistsWithDifferentLedger;
    if (e.code != a.code) return AccountResult::kExistsWithDifferentCode;
    return AccountResult::kExists;
  }
  Account created = a;
  created.timestamp = ts;
  accounts_[a.id] = created;
  return AccountResult::kOk;
}

std::vector<TransferResult> ReferenceModel::CreateTransfers(std::span<const Transfer> transfers,
                                                            Timestamp first_ts) {
  ExpireDue(first_ts);
  const size_t n = transfers.size();
  std::vector<TransferResult> results(n, TransferResult::kOk);
  size_t i = 0;
  while (i < n) {
    if (!Has(transfers[i].flags, kLinked)) {
      results[i] = CreateTransfer(transfers[i], first_ts + i);
      if (IsStateFailure(results[i])) failed_.emplace(transfers[i].id, results[i]);
      ++i;
      continue;
    }
    // A chain: i..last, ending at the first event without kLinked, or at the
    // end of the call (then it is open, and its last event fails).
    size_t last = i;
    while (last + 1 < n && Has(transfers[last].flags, kLinked)) ++last;
    ReferenceModel trial = *this;
    size_t failed_at = last + 1;
    TransferResult failure = TransferResult::kOk;
    for (size_t k = i; k <= last; ++k) {
      const bool open = k + 1 == n && Has(transfers[k].flags, kLinked);
      const TransferResult r = open ? TransferResult::kLinkedEventChainOpen
                                    : trial.CreateTransfer(transfers[k], first_ts + k);
      results[k] = r;
      if (!IsSuccess(r)) {
        failed_at = k;
        failure = r;
        break;
      }
    }
    if (failed_at > last) {
      *this = std::move(trial);
    } else {
      for (size_t k = i; k <= last; ++k) {
        results[k] = k == failed_at ? failure : TransferResult::kLinkedEventFailed;
      }
      if (IsStateFailure(failure)) failed_.emplace(transfers[failed_at].id, failure);
    }
    i = last + 1;
  }
  return results;
}

TransferResult ReferenceModel::CreateTransfer(const Transfer& t, Timestamp ts) {
  if (TransferResult r = ValidateBody(t); r != TransferResult::kOk) return r;
  // The model is a client: the system range (types.h) is not its to use.
  if (t.id.value() >= kSystemIdFloor || t.pending_id.value() >= kSystemIdFloor) {
    return TransferResult::kIdReservedForSystem;
  }
  if (t.debit_account_id.value() >= kSystemIdFloor ||
      t.credit_account_id.value() >= kSystemIdFloor) {
    return TransferResult::kAccountReservedForSystem;
  }
  if (auto it = transfers_.find(t.id); it != transfers_.end()) {
    return CompareExisting(t, it->second.transfer);
  }
  if (auto it = failed_.find(t.id); it != failed_.end()) return it->second;
  if (IsPostOrVoid(t)) return ResolvePending(t, ts);
  return CreateSimple(t, ts);
}

TransferResult ReferenceModel::CompareExisting(const Transfer& t, const Transfer& e) const {
  if (t.flags != e.flags) return TransferResult::kExistsWithDifferentFlags;
  if (t.pending_id != e.pending_id) return TransferResult::kExistsWithDifferentPendingId;
  if (t.timeout != e.timeout) return TransferResult::kExistsWithDifferentTimeout;
  if (!IsPostOrVoid(t)) {
    if (t.debit_account_id != e.debit_account_id) {
      return TransferResult::kExistsWithDifferentDebitAccountId;
    }
    if (t.credit_account_id != e.credit_account_id) {
      return TransferResult::kExistsWithDifferentCreditAccountId;
    }
    if (t.amount != e.amount) return TransferResult::kExistsWithDifferentAmount;
    if (t.reference != e.reference) return TransferResult::kExistsWithDifferentReference;
    if (t.ledger != e.ledger) return TransferResult::kExistsWithDifferentLedger;
    if (t.code != e.code) return TransferResult::kExistsWithDifferentCode;
    return TransferResult::kExists;
  }
  // A post or void: a zero field means "as the hold", and an amount of 0
  // means the whole hold. `e` stores what was done: the hold's accounts,
  // ledger and code, and the amount posted (0 for a void, which released all).
  const Transfer& hold = transfers_.at(e.pending_id).transfer;
  if (t.debit_account_id.value() != 0 && t.debit_account_id != e.debit_account_id) {
    return TransferResult::kExistsWithDifferentDebitAccountId;
  }
  if (t.credit_account_id.value() != 0 && t.credit_account_id != e.credit_account_id) {
    return TransferResult::kExistsWithDifferentCreditAccountId;
  }
  const int64_t asked = t.amount == 0 ? hold.amount : t.amount;
  const int64_t done = Has(e.flags, kVoidPending) ? hold.amount : e.amount;
  if (asked != done) return TransferResult::kExistsWithDifferentAmount;
  if (t.reference != e.reference) return TransferResult::kExistsWithDifferentReference;
  if (t.ledger.value() != 0 && t.ledger != e.ledger) {
    return TransferResult::kExistsWithDifferentLedger;
  }
  if (t.code != 0 && t.code != e.code) return TransferResult::kExistsWithDifferentCode;
  return TransferResult::kExists;
}

TransferResult ReferenceModel::CreateSimple(const Transfer& t, Timestamp ts) {
  auto dr_it = accounts_.find(t.debit_account_id);
  if (dr_it == accounts_.end()) return TransferResult::kDebitAccountNotFound;
  auto cr_it = accounts_.find(t.credit_account_id);
  if (cr_it == accounts_.end()) return TransferResult::kCreditAccountNotFound;
  Account& dr = dr_it->second;
  Account& cr = cr_it->second;
  if (dr.ledger != cr.ledger) return TransferResult::kAccountsMustHaveTheSameLedger;
  if (t.ledger != dr.ledger) return TransferResult::kTransferMustHaveTheSameLedgerAsAccounts;
  if (Has(dr.flags, kAccountClosed)) return TransferResult::kDebitAccountAlreadyClosed;
  if (Has(cr.flags, kAccountClosed)) return TransferResult::kCreditAccountAlreadyClosed;

  // The balances after the transfer, in 128 bits: nothing here can wrap.
  const bool pending = Has(t.flags, kPending);
  const Int128 amount = t.amount;
  Int128 dr_pending = dr.debits_pending;
  Int128 dr_posted = dr.debits_posted;
  Int128 cr_pending = cr.credits_pending;
  Int128 cr_posted = cr.credits_posted;
  if (pending) {
    dr_pending += amount;
    cr_pending += amount;
    if (dr_pending > kBalanceMax) return TransferResult::kOverflowsDebitsPending;
    if (cr_pending > kBalanceMax) return TransferResult::kOverflowsCreditsPending;
  } else {
    dr_posted += amount;
    cr_posted += amount;
    if (dr_posted > kBalanceMax) return TransferResult::kOverflowsDebitsPosted;
    if (cr_posted > kBalanceMax) return TransferResult::kOverflowsCreditsPosted;
  }
  const Int128 dr_debits = dr_pending + dr_posted;
  const Int128 cr_credits = cr_pending + cr_posted;
  if (dr_debits > kBalanceMax) return TransferResult::kOverflowsDebits;
  if (cr_credits > kBalanceMax) return TransferResult::kOverflowsCredits;
  Int128 deadline = 0;
  if (pending && t.timeout != 0) {
    deadline = Int128{ts} + Int128{t.timeout} * Int128{kNanosPerSecond};
    if (deadline > kTimestampMax) return TransferResult::kOverflowsTimeout;
  }
  // Holds count against the limits, as much as posted amounts do.
  if (Has(dr.flags, kDebitsMustNotExceedCredits) && dr_debits > dr.credits_posted) {
    return TransferResult::kExceedsCredits;
  }
  if (Has(cr.flags, kCreditsMustNotExceedDebits) && cr_credits > cr.debits_posted) {
    return TransferResult::kExceedsDebits;
  }

  dr.debits_pending = static_cast<int64_t>(dr_pending);
  dr.debits_posted = static_cast<int64_t>(dr_posted);
  cr.credits_pending = static_cast<int64_t>(cr_pending);
  cr.credits_posted = static_cast<int64_t>(cr_posted);
  if (Has(t.flags, kClosingDebit)) dr.flags |= kAccountClosed;
  if (Has(t.flags, kClosingCredit)) cr.flags |= kAccountClosed;
  StoredTransfer stored;
  stored.transfer = t;
  stored.transfer.timestamp = ts;
  stored.status = pending ? PendingStatus::kOpen : PendingStatus::kNone;
  stored.expires_at = static_cast<Timestamp>(deadline);
  transfers_[t.id] = stored;
  return TransferResult::kOk;
}

TransferResult ReferenceModel::ResolvePending(const Transfer& t, Timestamp ts) {
  auto it = transfers_.find(t.pending_id);
  if (it == transfers_.end()) return TransferResult::kPendingTransferNotFound;
  StoredTransfer& hold = it->second;
  const Transfer p = hold.transfer;
  if (!Has(p.flags, kPending)) return TransferResult::kPendingTransferNotPending;
  if (t.debit_account_id.value() != 0 && t.debit_account_id != p.debit_account_id) {
    return TransferResult::kPendingTransferHasDifferentDebitAccountId;
  }
  if (t.credit_account_id.value() != 0 && t.credit_account_id != p.credit_account_id) {
    return TransferResult::kPendingTransferHasDifferentCreditAccountId;
  }
  if (t.ledger.value() != 0 && t.ledger != p.ledger) {
    return TransferResult::kPendingTransferHasDifferentLedger;
  }
  if (t.code != 0 && t.code != p.code) return TransferResult::kPendingTransferHasDifferentCode;
  if (hold.status == PendingStatus::kPosted) return TransferResult::kPendingTransferAlreadyPosted;
  if (hold.status == PendingStatus::kVoided) return TransferResult::kPendingTransferAlreadyVoided;
  if (hold.status == PendingStatus::kExpired) return TransferResult::kPendingTransferExpired;
  if (hold.expires_at != 0 && ts >= hold.expires_at) {
    return TransferResult::kPendingTransferExpired;  // due, not yet swept
  }
  const bool post = Has(t.flags, kPostPending);
  if (post && t.amount > p.amount) return TransferResult::kExceedsPendingTransferAmount;
  if (!post && t.amount != 0 && t.amount != p.amount) {
    return TransferResult::kPendingTransferHasDifferentAmount;
  }
  const int64_t posted = !post ? 0 : (t.amount == 0 ? p.amount : t.amount);

  Account& dr = accounts_.at(p.debit_account_id);
  Account& cr = accounts_.at(p.credit_account_id);
  if (Int128{dr.debits_posted} + posted > kBalanceMax) {
    return TransferResult::kOverflowsDebitsPosted;
  }
  if (Int128{cr.credits_posted} + posted > kBalanceMax) {
    return TransferResult::kOverflowsCreditsPosted;
  }

  dr.debits_pending -= p.amount;
  cr.credits_pending -= p.amount;
  dr.debits_posted += posted;
  cr.credits_posted += posted;
  if (post) {
    hold.status = PendingStatus::kPosted;  // a posted closing hold keeps the account closed
  } else {
    if (Has(p.flags, kClosingDebit)) dr.flags &= static_cast<uint16_t>(~kAccountClosed);
    if (Has(p.flags, kClosingCredit)) cr.flags &= static_cast<uint16_t>(~kAccountClosed);
    hold.status = PendingStatus::kVoided;
  }

  // What is stored is what was done: the hold's accounts, ledger and code,
  // and the amount posted (0 for a void).
  StoredTransfer stored;
  stored.transfer = t;
  stored.transfer.debit_account_id = p.debit_account_id;
  stored.transfer.credit_account_id = p.credit_account_id;
  stored.transfer.ledger = p.ledger;
  stored.transfer.code = p.code;
  stored.transfer.amount = posted;
  stored.transfer.timestamp = ts;
  transfers_[t.id] = stored;
  return TransferResult::kOk;
}

size_t ReferenceModel::ExpireDue(Timestamp now) {
  // (deadline, creation time, id): the order holds expire in.
  std::vector<std::tuple<Timestamp, Timestamp, TransferId>> due;
  for (const auto& [id, s] : transfers_) {
    if (s.status == PendingStatus::kOpen && s.expires_at != 0 && s.expires_at <= now) {
      due.emplace_back(s.expires_at, s.transfer.timestamp, id);
    }
  }
  std::sort(due.begin(), due.end());
  for (const auto& [deadline, created, id] : due) {
    StoredTransfer& hold = transfers_.at(id);
    Account& dr = accounts_.at(hold.transfer.debit_account_id);
    Account& cr = accounts_.at(hold.transfer.credit_account_id);
    dr.debits_pending -= hold.transfer.amount;
    cr.credits_pending -= hold.transfer.amount;
    if (Has(hold.transfer.flags, kClosingDebit)) dr.flags &= static_cast<uint16_t>(~kAccountClosed);
    if (Has(hold.transfer.flags, kClosingCredit)) {
      cr.flags &= static_cast<uint16_t>(~kAccountClosed);
    }
    hold.status = PendingStatus::kExpired;
  }
  return due.size();
}

}  // namespace bg::ledger
