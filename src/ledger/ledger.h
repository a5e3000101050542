// Ledger: double-entry accounts and transfers, in memory and deterministic.
//
// The semantics are TigerBeetle's (docs/ledger.md has the full rules):
// pending transfers hold money and count against limits; a post moves all or
// part of a hold (the rest is released), a void releases all, a hold with a
// timeout expires exactly at its deadline on the logical clock; linked chains
// succeed or fail as a unit; ids are used once forever.
//
// Every change is recorded in an undo log, so that a linked chain that fails,
// or a whole engine batch whose storage commit fails, is rolled back exactly.
// Outside a batch (BeginBatch not called) the log is cleared after each call.
//
// Time comes from the caller: each event carries the logical timestamp the
// engine stamped on it, and the ledger never reads a clock.
//
// Thread-safety: none. The engine's writer thread owns the Ledger; readers
// go through the engine's read view.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <queue>
#include <set>
#include <span>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "common/check.h"
#include "common/chunked_vector.h"
#include "common/hash.h"
#include "common/id_ranges.h"
#include "ledger/result_codes.h"
#include "ledger/types.h"

namespace bg::ledger {

// What a batch changed, for the storage projections.
struct BatchChanges {
  std::vector<uint32_t> accounts;          // indices into accounts(), created or moved
  uint32_t first_new_transfer = 0;         // transfers()[first_new_transfer..] are new
  std::vector<uint32_t> resolved_pending;  // indices of holds whose status changed
};

// What becomes of an old transfer when the ledger retires its history
// (Ledger::Retire).
enum class Fate : uint8_t {
  kRetire,      // leaves memory (the store keeps its row); its id stays taken
  kKeep,        // stays for good, found by id as before
  kKeepForNow,  // stays, and is asked again at the next retirement
};

class Ledger {
 public:
  Ledger();

  // Pre-sizes the id indexes for this many accounts and transfers, so that
  // they never rehash (a pause proportional to their size) below that.
  // TigerBeetle allocates all its memory at startup for the same reason.
  void Reserve(size_t accounts, size_t transfers);

  // Creates accounts; `first_ts` stamps the first, +1 ns each after. Client
  // calls may not use ids in the system range (types.h).
  std::vector<AccountResult> CreateAccounts(std::span<const Account> accounts, Timestamp first_ts,
                                            Origin origin = Origin::kClient);

  // Creates transfers; `first_ts` stamps the first, +1 ns each after. Holds
  // due at or before `first_ts` are expired first. Returns one result per
  // input, in order.
  // Client calls may neither use a system id nor touch a system account.
  std::vector<TransferResult> CreateTransfers(std::span<const Transfer> transfers,
                                              Timestamp first_ts, Origin origin = Origin::kClient);

  // Expires every pending transfer whose deadline is <= now, in deadline
  // order (then creation order). Returns how many expired.
  size_t ExpireDue(Timestamp now);
  // The earliest deadline of a live hold, if any. (Prunes stale entries of
  // the deadline heap, which changes nothing observable.)
  std::optional<Timestamp> NextExpiry();

  // Batches: from BeginBatch on, every change is kept in the undo log.
  // Several batches may be open at once (the engine applies the next batch
  // while the previous one is being made durable):
  //   BeginBatch     opens a batch after the ones already open;
  //   Changes        what the newest open batch changed so far;
  //   CommitBatch    the oldest open batch is durable: forget its undo log;
  //   RollbackBatch  restores the state exactly as at the oldest open
  //                  batch's BeginBatch, undoing every open batch.
  void BeginBatch();
  BatchChanges Changes() const;
  void CommitBatch();
  void RollbackBatch();
  size_t open_batches() const { return open_batches_.size(); }

  // Retirement, the ledger's share of "finished history out of State"
  // (docs/design.md, "The archive"): full chunks of transfers all created
  // before `before` leave the front of the sequence, at most `max_chunks`
  // a call, after the transfers kept for now by earlier calls are asked
  // again. `fate` decides for each; open holds and client transfers are
  // kept whatever it says (a client's id answers `exists` forever). A
  // retired transfer's id stays taken (retired_ids) and its bytes enter
  // retired_digest; reusing it is a broken invariant (system ids come from
  // one counter). A hold resolved in a batch still open stays for now (its
  // projection reads it by position). Undone by a batch rollback like any
  // change. Returns the
  // transfers retired, kept-for-now ones first, then in position order.
  std::vector<StoredTransfer> Retire(Timestamp before, size_t max_chunks,
                                     const std::function<Fate(const StoredTransfer&)>& fate);
  const IdRanges& retired_ids() const { return retired_ids_; }
  uint64_t retired_count() const { return retired_ids_.size(); }
  const Hash256& retired_digest() const { return retired_digest_; }
  size_t kept_count() const { return kept_.size(); }

  const Account* FindAccount(AccountId id) const;
  const StoredTransfer* FindTransfer(TransferId id) const;
  // The first failure of an id that failed against state, if it did.
  std::optional<TransferResult> FailedResult(TransferId id) const;

  std::span<const Account> accounts() const { return accounts_; }
  // The live sequence (tests): its size() counts every position, but
  // indexing and iteration start at live_from().
  const ChunkedVector<StoredTransfer>& transfers() const { return transfers_; }
  // Positions: every transfer ever created has one, in timestamp order
  // (BatchChanges refers to them); those below `live_from()` were retired
  // or kept aside, the rest are in the sequence.
  uint32_t transfer_count() const { return static_cast<uint32_t>(transfers_.size()); }
  uint32_t live_from() const { return static_cast<uint32_t>(transfers_.dropped_size()); }
  // The transfer at `position`, which must not be retired.
  const StoredTransfer& TransferAt(uint32_t position) const { return At(position); }
  // Every transfer still in memory, in timestamp order: the kept ones,
  // then the sequence from live_from().
  template <typename F>
  void ForEachTransfer(F&& f) const {
    for (const auto& [position, t] : kept_) f(t);
    for (const StoredTransfer& t : transfers_) f(t);
  }

  size_t failed_count() const { return failed_.size(); }
  Timestamp last_timestamp() const { return last_timestamp_; }

  // Canonical encoding (snapshots) and its BLAKE2b-256 (the state hash).
  void Encode(std::vector<uint8_t>* out) const;
  static bool Decode(std::span<const uint8_t> in, Ledger* out);
  Hash256 StateHash() const;

  // Rebuilds after Decode or Rollback cannot go wrong only if the invariants
  // hold; this checks I1/I2 over all accounts and returns a description of
  // the first breach, or an empty string.
  std::string CheckInvariants() const;

 private:
  struct ExpiryEntry {
    Timestamp expires_at;
    Timestamp created;
    TransferId id;
    bool operator>(const ExpiryEntry& o) const {
      return expires_at != o.expires_at ? expires_at > o.expires_at : created > o.created;
    }
  };
  enum class UndoKind : uint8_t {
    kAccountCreated,
    kAccountChanged,
    kTransferAppended,
    kPendingChanged,
    kFailedRecorded,
    kExpiryPopped,
    kRetired,  // retire_undo_.back() says what Retire changed
  };
  // 40 bytes: the undo log is written for every event, so it is kept small.
  struct Undo {
    UndoKind kind;
    PendingStatus status = PendingStatus::kNone;  // kPendingChanged: the status before
    uint16_t flags = 0;                           // kAccountChanged: the flags before
    uint32_t index = 0;
    // kAccountChanged: the four balances before. kExpiryPopped: the heap
    // entry (expires_at, created, id).
    uint64_t words[4] = {0, 0, 0, 0};
  };

  AccountResult CreateAccount(const Account& a, Timestamp ts, Origin origin);
  TransferResult CreateTransfer(const Transfer& t, Timestamp ts, Origin origin);
  TransferResult CreateSimple(const Transfer& t, Timestamp ts);
  TransferResult ResolvePending(const Transfer& t, Timestamp ts);
  void RecordFailure(TransferId id, TransferResult r);
  void AppendTransfer(const Transfer& t, Timestamp ts, PendingStatus status, Timestamp expires_at);
  void SaveAccount(uint32_t index);
  void SetPendingStatus(uint32_t index, PendingStatus status);
  void ExpireOne(uint32_t index);
  std::optional<uint32_t> LiveHold(const ExpiryEntry& entry) const;
  void RollbackTo(size_t mark);
  void EndCallIfNoBatch();
  void RebuildIndexes();
  // The transfer at `position`: in the sequence, or kept aside.
  const StoredTransfer& At(uint32_t position) const;
  StoredTransfer& At(uint32_t position);
  // What one Retire changed, for its undo (ledger_retire.cc).
  struct RetireUndo {
    std::vector<std::unique_ptr<std::byte[]>> chunks;            // taken from the front, in order
    std::vector<std::pair<uint32_t, StoredTransfer>> from_kept;  // kept for now before the call
    Hash256 digest_before{};
  };
  // The chunks retirements of open batches took. A ledger is copied (tests)
  // only when none is undoable: the chunks are not shared.
  class RetireUndos {
   public:
    RetireUndos() = default;
    RetireUndos(const RetireUndos& other) { CheckUnshared(other); }
    RetireUndos& operator=(const RetireUndos& other) {
      CheckUnshared(other);
      undos_.clear();
      return *this;
    }
    RetireUndos(RetireUndos&&) noexcept = default;
    RetireUndos& operator=(RetireUndos&&) noexcept = default;
    ~RetireUndos() = default;
    bool empty() const { return undos_.empty(); }
    RetireUndo& back() { return undos_.back(); }
    void push_back(RetireUndo u) { undos_.push_back(std::move(u)); }
    void pop_back() { undos_.pop_back(); }
    void pop_front() { undos_.pop_front(); }
    void clear() { undos_.clear(); }

   private:
    static void CheckUnshared(const RetireUndos& other) {
      BG_CHECK(other.empty()) << "a ledger copied while a retirement can be undone";
    }
    std::deque<RetireUndo> undos_;
  };
  void UndoRetire();

  std::vector<Account> accounts_;
  // absl's open-addressing maps: no allocation per insert, which is most of
  // the cost of std::unordered_map at a million transfers.
  template <typename K, typename V>
  using Map = absl::flat_hash_map<K, V, std::hash<K>>;

  Map<AccountId, uint32_t> account_index_;
  ChunkedVector<StoredTransfer> transfers_;  // in timestamp order
  Map<TransferId, uint32_t> transfer_index_;
  std::vector<std::pair<TransferId, TransferResult>> failed_;  // in order of failure
  Map<TransferId, TransferResult> failed_index_;
  std::priority_queue<ExpiryEntry, std::vector<ExpiryEntry>, std::greater<>> expiries_;
  Timestamp last_timestamp_ = 0;
  // Below transfers_.dropped_size(): the transfers that stayed, by
  // position, and which of them are asked again at the next Retire.
  std::map<uint32_t, StoredTransfer> kept_;
  std::set<uint32_t> kept_for_now_;
  IdRanges retired_ids_;
  Hash256 retired_digest_{};

  std::vector<Undo> undo_;
  struct BatchMark {
    size_t undo;              // undo_.size() at BeginBatch
    uint32_t first_transfer;  // transfers_.size() at BeginBatch
    Timestamp last_timestamp;
  };
  std::deque<BatchMark> open_batches_;
  RetireUndos retire_undo_;  // one per kRetired undo record, oldest first
};

}  // namespace bg::ledger

namespace bg {
class Writer;
class Reader;
}  // namespace bg

namespace bg::ledger {
// The fixed 68-byte wire form of a transfer (journal and snapshots).
void EncodeTransfer(Writer& w, const Transfer& t);
bool DecodeTransfer(Reader& r, Transfer* t);
// The fixed 64-byte wire form of an account, balances and timestamp included.
void EncodeAccount(Writer& w, const Account& a);
bool DecodeAccount(Reader& r, Account* a);
}  // namespace bg::ledger
