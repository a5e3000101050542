#include "ledger/ledger.h"

#include <limits>

#include "common/check.h"
#include "common/money.h"

namespace bg::ledger {
namespace {

constexpr uint64_t kIntMax = std::numeric_limits<uint64_t>::max();

bool Has(uint16_t flags, uint16_t flag) { return (flags & flag) != 0; }

// Checks that depend on the body alone (in TigerBeetle's order).
TransferResult ValidateBody(const Transfer& t) {
  if (t.timestamp != 0) return TransferResult::kTimestampMustBeZero;
  if ((t.flags & ~kTransferFlagsKnown) != 0) return TransferResult::kReservedFlag;
  if (t.id.is_zero()) return TransferResult::kIdMustNotBeZero;
  if (t.id.value() == kIntMax) return TransferResult::kIdMustNotBeIntMax;
  const int kinds = int{Has(t.flags, kPending)} + int{Has(t.flags, kPostPending)} +
                    int{Has(t.flags, kVoidPending)};
  if (kinds > 1) return TransferResult::kFlagsAreMutuallyExclusive;
  const bool resolves = Has(t.flags, kPostPending) || Has(t.flags, kVoidPending);
  if (resolves) {
    if (t.pending_id.is_zero()) return TransferResult::kPendingIdMustNotBeZero;
    if (t.pending_id.value() == t.id.value()) return TransferResult::kPendingIdMustBeDifferent;
    if (t.timeout != 0) return TransferResult::kTimeoutReservedForPendingTransfer;
    if (Has(t.flags, kClosingDebit) || Has(t.flags, kClosingCredit)) {
      return TransferResult::kClosingTransferMustBePending;
    }
    if (t.amount < 0) return TransferResult::kAmountMustNotBeNegative;
    return TransferResult::kOk;
  }
  if (t.debit_account_id.is_zero()) return TransferResult::kDebitAccountIdMustNotBeZero;
  if (t.credit_account_id.is_zero()) return TransferResult::kCreditAccountIdMustNotBeZero;
  if (t.debit_account_id == t.credit_account_id) return TransferResult::kAccountsMustBeDifferent;
  if (!t.pending_id.is_zero()) return TransferResult::kPendingIdMustBeZero;
  if (!Has(t.flags, kPending)) {
    if (t.timeout != 0) return TransferResult::kTimeoutReservedForPendingTransfer;
    if (Has(t.flags, kClosingDebit) || Has(t.flags, kClosingCredit)) {
      return TransferResult::kClosingTransferMustBePending;
    }
  }
  if (t.amount < 0) return TransferResult::kAmountMustNotBeNegative;
  if (t.amount == 0) return TransferResult::kAmountMustNotBeZero;
  if (t.ledger.is_zero()) return TransferResult::kLedgerMustNotBeZero;
  if (t.code == 0) return TransferResult::kCodeMustNotBeZero;
  return TransferResult::kOk;
}

// A retry of an id that exists: same body -> kExists, else the first field
// that differs. For post/void, zero fields mean "as the pending transfer",
// whose amount is `hold_amount`: an amount of 0 asks for the whole hold, and
// a stored void (amount 0) released the whole hold.
TransferResult CompareExisting(const Transfer& t, const Transfer& e, int64_t hold_amount) {
  if (t.flags != e.flags) return TransferResult::kExistsWithDifferentFlags;
  const bool resolves = Has(t.flags, kPostPending) || Has(t.flags, kVoidPending);
  auto differs = [resolves](uint64_t given, uint64_t stored) {
    return resolves ? (given != 0 && given != stored) : given != stored;
  };
  if (t.pending_id != e.pending_id) return TransferResult::kExistsWithDifferentPendingId;
  if (t.timeout != e.timeout) return TransferResult::kExistsWithDifferentTimeout;
  if (differs(t.debit_account_id.value(), e.debit_account_id.value())) {
    return TransferResult::kExistsWithDifferentDebitAccountId;
  }
  if (differs(t.credit_account_id.value(), e.credit_account_id.value())) {
    return TransferResult::kExistsWithDifferentCreditAccountId;
  }
  if (resolves) {
    const int64_t asked = t.amount == 0 ? hold_amount : t.amount;
    const int64_t done = Has(e.flags, kVoidPending) ? hold_amount : e.amount;
    if (asked != done) return TransferResult::kExistsWithDifferentAmount;
  } else if (t.amount != e.amount) {
    return TransferResult::kExistsWithDifferentAmount;
  }
  if (t.reference != e.reference) return TransferResult::kExistsWithDifferentReference;
  if (differs(t.ledger.value(), e.ledger.value())) {
    return TransferResult::kExistsWithDifferentLedger;
  }
  if (differs(t.code, e.code)) return TransferResult::kExistsWithDifferentCode;
  return TransferResult::kExists;
}

AccountResult ValidateAccount(const Account& a) {
  if (a.timestamp != 0) return AccountResult::kTimestampMustBeZero;
  if ((a.flags & ~(kDebitsMustNotExceedCredits | kCreditsMustNotExceedDebits)) != 0) {
    return AccountResult::kReservedFlag;
  }
  if (a.id.is_zero()) return AccountResult::kIdMustNotBeZero;
  if (a.id.value() == kIntMax) return AccountResult::kIdMustNotBeIntMax;
  if (Has(a.flags, kDebitsMustNotExceedCredits) && Has(a.flags, kCreditsMustNotExceedDebits)) {
    return AccountResult::kFlagsAreMutuallyExclusive;
  }
  if (a.debits_pending != 0 || a.debits_posted != 0 || a.credits_pending != 0 ||
      a.credits_posted != 0) {
    return AccountResult::kBalancesMustBeZero;
  }
  if (a.ledger.is_zero()) return AccountResult::kLedgerMustNotBeZero;
  if (a.code == 0) return AccountResult::kCodeMustNotBeZero;
  return AccountResult::kOk;
}

}  // namespace

const char* PendingStatusName(PendingStatus status) {
  return NameOf(kPendingStatusNames, status).data();
}

Ledger::Ledger() = default;

void Ledger::Reserve(size_t accounts, size_t transfers) {
  accounts_.reserve(accounts);
  account_index_.reserve(accounts);
  transfer_index_.reserve(transfers);
}

std::vector<AccountResult> Ledger::CreateAccounts(std::span<const Account> accounts,
                                                  Timestamp first_ts, Origin origin) {
  std::vector<AccountResult> results;
  results.reserve(accounts.size());
  for (size_t i = 0; i < accounts.size(); ++i) {
    results.push_back(CreateAccount(accounts[i], first_ts + i, origin));
  }
  if (!accounts.empty()) {
    last_timestamp_ = std::max(last_timestamp_, first_ts + accounts.size() - 1);
  }
  EndCallIfNoBatch();
  return results;
}

AccountResult Ledger::CreateAccount(const Account& a, Timestamp ts, Origin origin) {
  if (AccountResult r = ValidateAccount(a); r != AccountResult::kOk) return r;
  if (origin == Origin::kClient && IsSystemId(a.id.value())) {
    return AccountResult::kIdReservedForSystem;
  }
  if (auto it = account_index_.find(a.id); it != account_index_.end()) {
    const Account& e = accounts_[it->second];
    if ((e.flags & ~kAccountClosed) != a.flags) return AccountResult::kExistsWithDifferentFlags;
    if (e.owner != a.owner) return AccountResult::kExistsWithDifferentOwner;
    if (e.ledger != a.ledger) return AccountResult::kExistsWithDifferentLedger;
    if (e.code != a.code) return AccountResult::kExistsWithDifferentCode;
    return AccountResult::kExists;
  }
  Account created = a;
  created.timestamp = ts;
  account_index_.emplace(a.id, static_cast<uint32_t>(accounts_.size()));
  accounts_.push_back(created);
  undo_.push_back(Undo{.kind = UndoKind::kAccountCreated});
  return AccountResult::kOk;
}

std::vector<TransferResult> Ledger::CreateTransfers(std::span<const Transfer> transfers,
                                                    Timestamp first_ts, Origin origin) {
  ExpireDue(first_ts);
  const size_t n = transfers.size();
  std::vector<TransferResult> results(n, TransferResult::kOk);
  size_t chain_start = 0;
  size_t chain_mark = 0;
  bool in_chain = false;
  for (size_t i = 0; i < n; ++i) {
    const Transfer& t = transfers[i];
    const bool linked = Has(t.flags, kLinked);
    if (!in_chain && linked) {
      in_chain = true;
      chain_start = i;
      chain_mark = undo_.size();
    }
    TransferResult r = (linked && i + 1 == n) ? TransferResult::kLinkedEventChainOpen
                                              : CreateTransfer(t, first_ts + i, origin);
    if (!in_chain) {
      if (IsStateFailure(r)) RecordFailure(t.id, r);
      results[i] = r;
      continue;
    }
    results[i] = r;
    if (!IsSuccess(r)) {
      // The chain fails as a unit: undo what it did, then skip to its end.
      RollbackTo(chain_mark);
      for (size_t j = chain_start; j < i; ++j) results[j] = TransferResult::kLinkedEventFailed;
      if (IsStateFailure(r)) RecordFailure(t.id, r);
      size_t j = i;
      while (j + 1 < n && Has(transfers[j].flags, kLinked)) {
        results[++j] = TransferResult::kLinkedEventFailed;
      }
      i = j;
      in_chain = false;
      continue;
    }
    if (!linked) in_chain = false;  // this event closes the chain
  }
  if (n > 0) last_timestamp_ = std::max(last_timestamp_, first_ts + n - 1);
  EndCallIfNoBatch();
  return results;
}

TransferResult Ledger::CreateTransfer(const Transfer& t, Timestamp ts, Origin origin) {
  if (TransferResult r = ValidateBody(t); r != TransferResult::kOk) return r;
  if (origin == Origin::kClient) {
    if (IsSystemId(t.id.value()) || IsSystemId(t.pending_id.value())) {
      return TransferResult::kIdReservedForSystem;
    }
    if (IsSystemId(t.debit_account_id.value()) || IsSystemId(t.credit_account_id.value())) {
      return TransferResult::kAccountReservedForSystem;
    }
  }
  if (auto it = transfer_index_.find(t.id); it != transfer_index_.end()) {
    const Transfer& e = At(it->second).transfer;
    const bool resolves = Has(e.flags, kPostPending) || Has(e.flags, kVoidPending);
    // The hold a retired resolution resolved may be retired too; its amount
    // only tells a different amount apart, which a system retry never has.
    auto hold = resolves ? transfer_index_.find(e.pending_id) : transfer_index_.end();
    const int64_t hold_amount =
        hold == transfer_index_.end() ? 0 : At(hold->second).transfer.amount;
    return CompareExisting(t, e, hold_amount);
  }
  // System ids come from one counter and are never sent twice; a retired
  // one cannot be compared with what it was.
  BG_CHECK(!retired_ids_.Contains(t.id.value()))
      << "transfer id " << t.id << " reused after it was retired";
  if (auto it = failed_index_.find(t.id); it != failed_index_.end()) return it->second;
  if (Has(t.flags, kPostPending) || Has(t.flags, kVoidPending)) return ResolvePending(t, ts);
  return CreateSimple(t, ts);
}

TransferResult Ledger::CreateSimple(const Transfer& t, Timestamp ts) {
  auto dr_it = account_index_.find(t.debit_account_id);
  if (dr_it == account_index_.end()) return TransferResult::kDebitAccountNotFound;
  auto cr_it = account_index_.find(t.credit_account_id);
  if (cr_it == account_index_.end()) return TransferResult::kCreditAccountNotFound;
  const Account& dr = accounts_[dr_it->second];
  const Account& cr = accounts_[cr_it->second];
  if (dr.ledger != cr.ledger) return TransferResult::kAccountsMustHaveTheSameLedger;
  if (t.ledger != dr.ledger) return TransferResult::kTransferMustHaveTheSameLedgerAsAccounts;
  if (Has(dr.flags, kAccountClosed)) return TransferResult::kDebitAccountAlreadyClosed;
  if (Has(cr.flags, kAccountClosed)) return TransferResult::kCreditAccountAlreadyClosed;

  const bool pending = Has(t.flags, kPending);
  int64_t dr_pending = dr.debits_pending, dr_posted = dr.debits_posted;
  int64_t cr_pending = cr.credits_pending, cr_posted = cr.credits_posted;
  if (pending) {
    if (!CheckedAdd(dr_pending, t.amount, &dr_pending)) {
      return TransferResult::kOverflowsDebitsPending;
    }
    if (!CheckedAdd(cr_pending, t.amount, &cr_pending)) {
      return TransferResult::kOverflowsCreditsPending;
    }
  } else {
    if (!CheckedAdd(dr_posted, t.amount, &dr_posted)) return TransferResult::kOverflowsDebitsPosted;
    if (!CheckedAdd(cr_posted, t.amount, &cr_posted)) {
      return TransferResult::kOverflowsCreditsPosted;
    }
  }
  int64_t dr_total = 0, cr_total = 0;
  if (!CheckedAdd(dr_pending, dr_posted, &dr_total)) return TransferResult::kOverflowsDebits;
  if (!CheckedAdd(cr_pending, cr_posted, &cr_total)) return TransferResult::kOverflowsCredits;
  Timestamp expires_at = 0;
  if (pending && t.timeout != 0) {
    const uint64_t timeout_ns = uint64_t{t.timeout} * kNanosPerSecond;
    if (__builtin_add_overflow(ts, timeout_ns, &expires_at)) {
      return TransferResult::kOverflowsTimeout;
    }
  }
  // Pending holds count against the limits (TigerBeetle's exceeds_credits).
  if (Has(dr.flags, kDebitsMustNotExceedCredits) && dr_total > dr.credits_posted) {
    return TransferResult::kExceedsCredits;
  }
  if (Has(cr.flags, kCreditsMustNotExceedDebits) && cr_total > cr.debits_posted) {
    return TransferResult::kExceedsDebits;
  }

  const uint32_t dr_index = dr_it->second, cr_index = cr_it->second;
  SaveAccount(dr_index);
  SaveAccount(cr_index);
  Account& dr_mut = accounts_[dr_index];
  Account& cr_mut = accounts_[cr_index];
  dr_mut.debits_pending = dr_pending;
  dr_mut.debits_posted = dr_posted;
  cr_mut.credits_pending = cr_pending;
  cr_mut.credits_posted = cr_posted;
  if (Has(t.flags, kClosingDebit)) dr_mut.flags |= kAccountClosed;
  if (Has(t.flags, kClosingCredit)) cr_mut.flags |= kAccountClosed;
  AppendTransfer(t, ts, pending ? PendingStatus::kOpen : PendingStatus::kNone, expires_at);
  if (expires_at != 0) expiries_.push(ExpiryEntry{expires_at, ts, t.id});
  return TransferResult::kOk;
}

TransferResult Ledger::ResolvePending(const Transfer& t, Timestamp ts) {
  auto p_it = transfer_index_.find(t.pending_id);
  if (p_it == transfer_index_.end()) return TransferResult::kPendingTransferNotFound;
  const uint32_t p_index = p_it->second;
  const StoredTransfer& stored = At(p_index);
  const Transfer& p = stored.transfer;
  if (!Has(p.flags, kPending)) return TransferResult::kPendingTransferNotPending;
  if (!t.debit_account_id.is_zero() && t.debit_account_id != p.debit_account_id) {
    return TransferResult::kPendingTransferHasDifferentDebitAccountId;
  }
  if (!t.credit_account_id.is_zero() && t.credit_account_id != p.credit_account_id) {
    return TransferResult::kPendingTransferHasDifferentCreditAccountId;
  }
  if (!t.ledger.is_zero() && t.ledger != p.ledger) {
    return TransferResult::kPendingTransferHasDifferentLedger;
  }
  if (t.code != 0 && t.code != p.code) return TransferResult::kPendingTransferHasDifferentCode;
  if (stored.status == PendingStatus::kPosted) return TransferResult::kPendingTransferAlreadyPosted;
  if (stored.status == PendingStatus::kVoided) return TransferResult::kPendingTransferAlreadyVoided;
  if (stored.status == PendingStatus::kExpired ||
      (stored.expires_at != 0 && ts >= stored.expires_at)) {
    return TransferResult::kPendingTransferExpired;
  }
  const bool post = Has(t.flags, kPostPending);
  if (post && t.amount > p.amount) return TransferResult::kExceedsPendingTransferAmount;
  if (!post && t.amount != 0 && t.amount != p.amount) {
    return TransferResult::kPendingTransferHasDifferentAmount;
  }
  // A post of 0 posts the whole hold; a void always releases the whole hold.
  const int64_t posted = post ? (t.amount == 0 ? p.amount : t.amount) : 0;

  const uint32_t dr_index = account_index_.at(p.debit_account_id);
  const uint32_t cr_index = account_index_.at(p.credit_account_id);
  int64_t dr_posted = accounts_[dr_index].debits_posted;
  int64_t cr_posted = accounts_[cr_index].credits_posted;
  if (!CheckedAdd(dr_posted, posted, &dr_posted)) return TransferResult::kOverflowsDebitsPosted;
  if (!CheckedAdd(cr_posted, posted, &cr_posted)) return TransferResult::kOverflowsCreditsPosted;

  SaveAccount(dr_index);
  SaveAccount(cr_index);
  Account& dr = accounts_[dr_index];
  Account& cr = accounts_[cr_index];
  dr.debits_pending -= p.amount;
  cr.credits_pending -= p.amount;
  dr.debits_posted = dr_posted;
  cr.credits_posted = cr_posted;
  if (!post) {  // a void reopens what the hold closed
    if (Has(p.flags, kClosingDebit)) dr.flags &= static_cast<uint16_t>(~kAccountClosed);
    if (Has(p.flags, kClosingCredit)) cr.flags &= static_cast<uint16_t>(~kAccountClosed);
  }
  SetPendingStatus(p_index, post ? PendingStatus::kPosted : PendingStatus::kVoided);

  Transfer resolved = t;
  resolved.debit_account_id = p.debit_account_id;
  resolved.credit_account_id = p.credit_account_id;
  resolved.ledger = p.ledger;
  resolved.code = p.code;
  resolved.amount = posted;
  AppendTransfer(resolved, ts, PendingStatus::kNone, 0);
  return TransferResult::kOk;
}

size_t Ledger::ExpireDue(Timestamp now) {
  size_t expired = 0;
  while (!expiries_.empty() && expiries_.top().expires_at <= now) {
    ExpiryEntry entry = expiries_.top();
    expiries_.pop();
    undo_.push_back(Undo{.kind = UndoKind::kExpiryPopped,
                         .words = {entry.expires_at, entry.created, entry.id.value(), 0}});
    // Entries are removed lazily: a hold posted or voided meanwhile, or one
    // rolled back with its chain, is skipped.
    std::optional<uint32_t> index = LiveHold(entry);
    if (!index.has_value()) continue;
    ExpireOne(*index);
    ++expired;
  }
  last_timestamp_ = std::max(last_timestamp_, now);
  EndCallIfNoBatch();
  return expired;
}

std::optional<Timestamp> Ledger::NextExpiry() {
  while (!expiries_.empty()) {
    if (LiveHold(expiries_.top()).has_value()) return expiries_.top().expires_at;
    // Dropping a stale entry changes nothing observable, so it needs no undo.
    expiries_.pop();
  }
  return std::nullopt;
}

std::optional<uint32_t> Ledger::LiveHold(const ExpiryEntry& entry) const {
  auto it = transfer_index_.find(entry.id);
  if (it == transfer_index_.end()) return std::nullopt;
  const StoredTransfer& s = At(it->second);
  // The same id may have been rolled back and created again with another
  // deadline: only the entry pushed for this very hold counts.
  if (s.status != PendingStatus::kOpen || s.transfer.timestamp != entry.created ||
      s.expires_at != entry.expires_at) {
    return std::nullopt;
  }
  return it->second;
}

void Ledger::ExpireOne(uint32_t index) {
  const Transfer& p = At(index).transfer;
  const uint32_t dr_index = account_index_.at(p.debit_account_id);
  const uint32_t cr_index = account_index_.at(p.credit_account_id);
  SaveAccount(dr_index);
  SaveAccount(cr_index);
  accounts_[dr_index].debits_pending -= p.amount;
  accounts_[cr_index].credits_pending -= p.amount;
  if (Has(p.flags, kClosingDebit)) {
    accounts_[dr_index].flags &= static_cast<uint16_t>(~kAccountClosed);
  }
  if (Has(p.flags, kClosingCredit)) {
    accounts_[cr_index].flags &= static_cast<uint16_t>(~kAccountClosed);
  }
  SetPendingStatus(index, PendingStatus::kExpired);
}

void Ledger::RecordFailure(TransferId id, TransferResult r) {
  // A retry of a burnt id returns its first failure again: recording it twice
  // would grow failed_, and undoing the copy would erase the original.
  if (!failed_index_.emplace(id, r).second) return;
  failed_.emplace_back(id, r);
  undo_.push_back(Undo{.kind = UndoKind::kFailedRecorded});
}

void Ledger::AppendTransfer(const Transfer& t, Timestamp ts, PendingStatus status,
                            Timestamp expires_at) {
  StoredTransfer stored{t, status, expires_at};
  stored.transfer.timestamp = ts;
  transfer_index_.emplace(t.id, static_cast<uint32_t>(transfers_.size()));
  transfers_.push_back(stored);
  undo_.push_back(Undo{.kind = UndoKind::kTransferAppended});
}

void Ledger::SaveAccount(uint32_t index) {
  const Account& a = accounts_[index];
  undo_.push_back(Undo{
      .kind = UndoKind::kAccountChanged,
      .flags = a.flags,
      .index = index,
      .words = {static_cast<uint64_t>(a.debits_pending), static_cast<uint64_t>(a.debits_posted),
                static_cast<uint64_t>(a.credits_pending),
                static_cast<uint64_t>(a.credits_posted)}});
}

void Ledger::SetPendingStatus(uint32_t index, PendingStatus status) {
  undo_.push_back(
      Undo{.kind = UndoKind::kPendingChanged, .status = At(index).status, .index = index});
  At(index).status = status;
}

void Ledger::RollbackTo(size_t mark) {
  BG_CHECK(mark <= undo_.size());
  while (undo_.size() > mark) {
    const Undo& u = undo_.back();
    switch (u.kind) {
      case UndoKind::kAccountCreated:
        account_index_.erase(accounts_.back().id);
        accounts_.pop_back();
        break;
      case UndoKind::kAccountChanged: {
        Account& a = accounts_[u.index];
        a.flags = u.flags;
        a.debits_pending = static_cast<int64_t>(u.words[0]);
        a.debits_posted = static_cast<int64_t>(u.words[1]);
        a.credits_pending = static_cast<int64_t>(u.words[2]);
        a.credits_posted = static_cast<int64_t>(u.words[3]);
        break;
      }
      case UndoKind::kTransferAppended:
        transfer_index_.erase(transfers_.back().transfer.id);
        transfers_.pop_back();
        break;
      case UndoKind::kPendingChanged: {
        StoredTransfer& s = At(u.index);
        s.status = u.status;
        // NextExpiry may have dropped the entry of this hold while it was
        // resolved; a duplicate entry is skipped by LiveHold.
        if (s.status == PendingStatus::kOpen && s.expires_at != 0) {
          expiries_.push(ExpiryEntry{s.expires_at, s.transfer.timestamp, s.transfer.id});
        }
        break;
      }
      case UndoKind::kFailedRecorded:
        failed_index_.erase(failed_.back().first);
        failed_.pop_back();
        break;
      case UndoKind::kExpiryPopped:
        expiries_.push(ExpiryEntry{u.words[0], u.words[1], TransferId(u.words[2])});
        break;
      case UndoKind::kRetired:
        UndoRetire();
        break;
    }
    undo_.pop_back();
  }
}

void Ledger::BeginBatch() {
  if (open_batches_.empty()) BG_CHECK(undo_.empty());
  open_batches_.push_back(
      BatchMark{undo_.size(), static_cast<uint32_t>(transfers_.size()), last_timestamp_});
}

BatchChanges Ledger::Changes() const {
  BG_CHECK(!open_batches_.empty()) << "Changes outside a batch";
  const BatchMark& mark = open_batches_.back();
  const std::span<const Undo> undo = std::span<const Undo>(undo_).subspan(mark.undo);
  BatchChanges changes;
  changes.first_new_transfer = mark.first_transfer;
  std::vector<bool> account_seen(accounts_.size(), false);
  size_t created = 0;
  for (const Undo& u : undo) {
    if (u.kind == UndoKind::kAccountChanged && !account_seen[u.index]) {
      account_seen[u.index] = true;
      changes.accounts.push_back(u.index);
    } else if (u.kind == UndoKind::kPendingChanged && u.index < mark.first_transfer) {
      changes.resolved_pending.push_back(u.index);
    } else if (u.kind == UndoKind::kAccountCreated) {
      ++created;
    }
  }
  // Accounts created in this batch are the tail of accounts_.
  for (size_t i = accounts_.size() - created; i < accounts_.size(); ++i) {
    if (!account_seen[i]) {
      account_seen[i] = true;
      changes.accounts.push_back(static_cast<uint32_t>(i));
    }
  }
  return changes;
}

void Ledger::CommitBatch() {
  BG_CHECK(!open_batches_.empty()) << "CommitBatch outside a batch";
  if (open_batches_.size() == 1) {
    undo_.clear();
    retire_undo_.clear();
  } else {
    // The oldest batch is durable: its undo records are no longer needed,
    // nor the chunks its retirements took.
    const size_t n = open_batches_[1].undo;
    for (size_t i = 0; i < n; ++i) {
      if (undo_[i].kind == UndoKind::kRetired) retire_undo_.pop_front();
    }
    undo_.erase(undo_.begin(), undo_.begin() + static_cast<std::ptrdiff_t>(n));
    for (BatchMark& m : open_batches_) m.undo -= std::min(m.undo, n);
  }
  open_batches_.pop_front();
}

void Ledger::RollbackBatch() {
  BG_CHECK(!open_batches_.empty()) << "RollbackBatch outside a batch";
  RollbackTo(open_batches_.front().undo);
  last_timestamp_ = open_batches_.front().last_timestamp;
  open_batches_.clear();
}

void Ledger::EndCallIfNoBatch() {
  if (open_batches_.empty()) {
    undo_.clear();
    retire_undo_.clear();
  }
}

const StoredTransfer& Ledger::At(uint32_t position) const {
  if (position >= transfers_.dropped_size()) return transfers_[position];
  auto it = kept_.find(position);
  BG_CHECK(it != kept_.end()) << "transfer at position " << position << " was retired";
  return it->second;
}

StoredTransfer& Ledger::At(uint32_t position) {
  return const_cast<StoredTransfer&>(std::as_const(*this).At(position));
}

const Account* Ledger::FindAccount(AccountId id) const {
  auto it = account_index_.find(id);
  return it == account_index_.end() ? nullptr : &accounts_[it->second];
}

const StoredTransfer* Ledger::FindTransfer(TransferId id) const {
  auto it = transfer_index_.find(id);
  return it == transfer_index_.end() ? nullptr : &At(it->second);
}

std::optional<TransferResult> Ledger::FailedResult(TransferId id) const {
  auto it = failed_index_.find(id);
  if (it == failed_index_.end()) return std::nullopt;
  return it->second;
}

}  // namespace bg::ledger
