// Ledger snapshots, the state hash and the invariant check. The encoding is
// canonical: accounts and transfers in creation (timestamp) order, failed ids
// in order of failure, so equal states encode to equal bytes. Retired
// transfers (ledger_retire.cc) are there as their ids and digest; those
// kept aside below the live sequence with their positions.
#include <algorithm>
#include <map>
#include <string>
#include <unordered_map>

#include "common/codec.h"
#include "ledger/ledger.h"

namespace bg::ledger {
namespace {

__extension__ using Int128 = __int128;

constexpr uint32_t kMagic = 0x324c4742;  // "BGL2": with retirement
// A transfer (68 bytes), its hold status (1) and deadline (8).
constexpr size_t kStoredTransferBytes = 77;

}  // namespace

void EncodeAccount(Writer& w, const Account& a) {
  w.U64(a.id.value());
  w.U32(a.ledger.value());
  w.U16(a.code);
  w.U16(a.flags);
  w.U64(a.owner);
  w.I64(a.debits_pending);
  w.I64(a.debits_posted);
  w.I64(a.credits_pending);
  w.I64(a.credits_posted);
  w.U64(a.timestamp);
}

bool DecodeAccount(Reader& r, Account* a) {
  uint64_t id = 0;
  uint32_t ledger = 0;
  bool ok = r.U64(&id) && r.U32(&ledger) && r.U16(&a->code) && r.U16(&a->flags) &&
            r.U64(&a->owner) && r.I64(&a->debits_pending) && r.I64(&a->debits_posted) &&
            r.I64(&a->credits_pending) && r.I64(&a->credits_posted) && r.U64(&a->timestamp);
  a->id = AccountId(id);
  a->ledger = LedgerId(ledger);
  return ok;
}

void EncodeTransfer(Writer& w, const Transfer& t) {
  w.U64(t.id.value());
  w.U64(t.debit_account_id.value());
  w.U64(t.credit_account_id.value());
  w.I64(t.amount);
  w.U64(t.pending_id.value());
  w.U64(t.reference);
  w.U32(t.timeout);
  w.U32(t.ledger.value());
  w.U16(t.code);
  w.U16(t.flags);
  w.U64(t.timestamp);
}

bool DecodeTransfer(Reader& r, Transfer* t) {
  uint64_t id = 0, dr = 0, cr = 0, pending = 0;
  uint32_t ledger = 0;
  bool ok = r.U64(&id) && r.U64(&dr) && r.U64(&cr) && r.I64(&t->amount) && r.U64(&pending) &&
            r.U64(&t->reference) && r.U32(&t->timeout) && r.U32(&ledger) && r.U16(&t->code) &&
            r.U16(&t->flags) && r.U64(&t->timestamp);
  t->id = TransferId(id);
  t->debit_account_id = AccountId(dr);
  t->credit_account_id = AccountId(cr);
  t->pending_id = TransferId(pending);
  t->ledger = LedgerId(ledger);
  return ok;
}

void Ledger::Encode(std::vector<uint8_t>* out) const {
  out->reserve(out->size() + 16 + accounts_.size() * 64 +
               (kept_.size() + transfer_count() - live_from()) * 80);
  Writer w(out);
  w.U32(kMagic);
  w.U64(last_timestamp_);
  w.U32(static_cast<uint32_t>(accounts_.size()));
  for (const Account& a : accounts_) EncodeAccount(w, a);
  auto stored = [&w](const StoredTransfer& s) {
    EncodeTransfer(w, s.transfer);
    w.U8(static_cast<uint8_t>(s.status));
    w.U64(s.expires_at);
  };
  w.U32(live_from());
  w.U32(static_cast<uint32_t>(kept_.size()));
  for (const auto& [position, s] : kept_) {
    w.U32(position);
    w.U8(kept_for_now_.count(position) != 0 ? 1 : 0);
    stored(s);
  }
  retired_ids_.Encode(w);
  w.Bytes(retired_digest_);
  w.U32(transfer_count() - live_from());
  for (const StoredTransfer& s : transfers_) stored(s);
  w.U32(static_cast<uint32_t>(failed_.size()));
  for (const auto& [id, result] : failed_) {
    w.U64(id.value());
    w.U8(static_cast<uint8_t>(result));
  }
}

bool Ledger::Decode(std::span<const uint8_t> in, Ledger* out) {
  Ledger l;
  Reader r(in);
  uint32_t magic = 0, n = 0;
  if (!r.U32(&magic) || magic != kMagic || !r.U64(&l.last_timestamp_)) return false;
  if (!r.U32(&n)) return false;
  for (uint32_t i = 0; i < n; ++i) {
    Account a;
    if (!DecodeAccount(r, &a)) return false;
    l.accounts_.push_back(a);
  }
  auto stored = [&r](StoredTransfer* s) {
    uint8_t status = 0;
    if (!DecodeTransfer(r, &s->transfer) || !r.U8(&status) || !r.U64(&s->expires_at)) return false;
    if (status > static_cast<uint8_t>(PendingStatus::kExpired)) return false;
    s->status = static_cast<PendingStatus>(status);
    return true;
  };
  constexpr size_t kChunk = ChunkedVector<StoredTransfer>::kChunkSize;
  uint32_t live_from = 0;
  if (!r.U32(&live_from) || live_from % kChunk != 0 || !r.U32(&n) ||
      n > r.remaining() / kStoredTransferBytes) {
    return false;
  }
  for (uint32_t i = 0; i < n; ++i) {
    uint32_t position = 0;
    uint8_t for_now = 0;
    StoredTransfer s;
    if (!r.U32(&position) || !r.U8(&for_now) || for_now > 1 || position >= live_from ||
        !stored(&s) || !l.kept_.emplace(position, s).second) {
      return false;
    }
    if (for_now == 1) l.kept_for_now_.insert(position);
  }
  std::string digest;
  if (!IdRanges::Decode(r, &l.retired_ids_) || !r.Str(&digest) ||
      digest.size() != l.retired_digest_.size()) {
    return false;
  }
  std::copy(digest.begin(), digest.end(), l.retired_digest_.begin());
  l.transfers_.StartAfterDroppedChunks(live_from / kChunk);
  // A count larger than the bytes left is corruption, not a reason to allocate.
  if (!r.U32(&n) || n > r.remaining() / kStoredTransferBytes) return false;
  for (uint32_t i = 0; i < n; ++i) {
    StoredTransfer s;
    if (!stored(&s)) return false;
    l.transfers_.push_back(s);
  }
  if (!r.U32(&n)) return false;
  for (uint32_t i = 0; i < n; ++i) {
    uint64_t id = 0;
    uint8_t code = 0;
    if (!r.U64(&id) || !r.U8(&code) || code >= kTransferResultCount) return false;
    l.failed_.emplace_back(TransferId(id), static_cast<TransferResult>(code));
  }
  if (!r.done()) return false;
  l.RebuildIndexes();
  *out = std::move(l);
  return true;
}

void Ledger::RebuildIndexes() {
  account_index_.clear();
  transfer_index_.clear();
  failed_index_.clear();
  expiries_ = {};
  account_index_.reserve(accounts_.size());
  for (uint32_t i = 0; i < accounts_.size(); ++i) account_index_.emplace(accounts_[i].id, i);
  transfer_index_.reserve(kept_.size() + transfer_count() - live_from());
  auto index = [this](uint32_t position, const StoredTransfer& s) {
    transfer_index_.emplace(s.transfer.id, position);
    if (s.status == PendingStatus::kOpen && s.expires_at != 0) {
      expiries_.push(ExpiryEntry{s.expires_at, s.transfer.timestamp, s.transfer.id});
    }
  };
  for (const auto& [position, s] : kept_) index(position, s);
  for (uint32_t i = live_from(); i < transfer_count(); ++i) index(i, transfers_[i]);
  for (const auto& [id, result] : failed_) failed_index_.emplace(id, result);
}

Hash256 Ledger::StateHash() const {
  std::vector<uint8_t> bytes;
  Encode(&bytes);
  return HashBytes(bytes);
}

std::string Ledger::CheckInvariants() const {
  struct Sums {
    Int128 dp = 0, dpost = 0, cp = 0, cpost = 0;
  };
  std::map<uint32_t, Sums> by_ledger;
  for (const Account& a : accounts_) {
    Sums& s = by_ledger[a.ledger.value()];
    s.dp += a.debits_pending;
    s.dpost += a.debits_posted;
    s.cp += a.credits_pending;
    s.cpost += a.credits_posted;
    if (a.debits_pending < 0 || a.debits_posted < 0 || a.credits_pending < 0 ||
        a.credits_posted < 0) {
      return "I1: account " + std::to_string(a.id.value()) + " has a negative balance";
    }
    if ((a.flags & kDebitsMustNotExceedCredits) != 0 &&
        Int128{a.debits_pending} + a.debits_posted > a.credits_posted) {
      return "I2: account " + std::to_string(a.id.value()) + " debits exceed credits";
    }
    if ((a.flags & kCreditsMustNotExceedDebits) != 0 &&
        Int128{a.credits_pending} + a.credits_posted > a.debits_posted) {
      return "I2: account " + std::to_string(a.id.value()) + " credits exceed debits";
    }
  }
  for (const auto& [ledger, s] : by_ledger) {
    if (s.dp != s.cp || s.dpost != s.cpost) {
      return "I1: ledger " + std::to_string(ledger) + " debits != credits";
    }
  }
  // Pending balances are exactly the live holds.
  std::unordered_map<AccountId, Int128> held_debit, held_credit;
  ForEachTransfer([&](const StoredTransfer& s) {
    if (s.status != PendingStatus::kOpen) return;
    held_debit[s.transfer.debit_account_id] += s.transfer.amount;
    held_credit[s.transfer.credit_account_id] += s.transfer.amount;
  });
  for (const Account& a : accounts_) {
    if (held_debit[a.id] != a.debits_pending || held_credit[a.id] != a.credits_pending) {
      return "I3: account " + std::to_string(a.id.value()) + " pending != live holds";
    }
  }
  return {};
}

}  // namespace bg::ledger
