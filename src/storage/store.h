// Store: where the engine makes batches durable. One call, Commit, appends a
// journal entry and updates the projection tables in a single transaction:
// when it returns OK the batch survives kill -9 and power loss (as far as the
// backend's sync setting promises); when it fails, nothing of the batch is
// stored.
//
// The interface knows nothing of the domain: projection rows are plain
// structs filled by the engine, so that SQLite, PostgreSQL and the in-memory
// store can be swapped without touching ledger/ or programme/.
//
// Thread-safety: a Store is used by the engine's writer thread only, except
// where a method says otherwise.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/hash.h"
#include "common/result.h"

namespace bg::storage {

// One engine batch: its commands, encoded, chained to the previous entry.
// hash = BLAKE2b(prev_hash || seq || first_ts || last_ts || payload).
struct JournalEntry {
  uint64_t seq = 0;  // 1, 2, 3, ... without gaps
  Timestamp first_ts = 0;
  Timestamp last_ts = 0;
  Hash256 prev_hash{};
  Hash256 hash{};
  std::vector<uint8_t> payload;
};

// The state after journal entry `seq`, and the chain head at that point.
struct SnapshotRecord {
  uint64_t seq = 0;
  Hash256 chain_head{};
  Hash256 state_hash{};
  std::vector<uint8_t> state;
};

struct AccountRow {
  uint64_t id = 0;
  uint32_t ledger = 0;
  uint16_t code = 0;
  uint16_t flags = 0;
  uint64_t owner = 0;
  int64_t debits_pending = 0;
  int64_t debits_posted = 0;
  int64_t credits_pending = 0;
  int64_t credits_posted = 0;
  uint64_t timestamp = 0;
  friend bool operator==(const AccountRow&, const AccountRow&) = default;
};

struct TransferRow {
  uint64_t id = 0;
  uint64_t debit_account_id = 0;
  uint64_t credit_account_id = 0;
  int64_t amount = 0;
  uint64_t pending_id = 0;
  uint64_t reference = 0;
  uint32_t timeout = 0;
  uint32_t ledger = 0;
  uint16_t code = 0;
  uint16_t flags = 0;
  uint64_t timestamp = 0;
  uint8_t pending_status = 0;  // ledger::PendingStatus
  uint64_t expires_at = 0;
  friend bool operator==(const TransferRow&, const TransferRow&) = default;
};

struct PendingStatusUpdate {
  uint64_t transfer_id = 0;
  uint8_t pending_status = 0;
};

// The answer given to a request that carried an idempotency key: who asked
// (caller and route), the key, a hash of what was asked, the answer as the
// API encoded it, and when. Kept with the batch that made the answer true,
// in the same transaction, so that an answer is stored exactly when its
// effect is.
struct KeptAnswer {
  std::string caller;
  std::string key;
  Hash256 request{};
  std::vector<uint8_t> answer;
  Timestamp at = 0;
  friend bool operator==(const KeptAnswer&, const KeptAnswer&) = default;
};

// A notice for someone (notice/notice.h says who gets which), stored with
// the batch whose command caused it. `key` names the event ("voucher:7:
// expiring:30"): a notice whose key is stored already is not stored again,
// so a notice is recorded once however often it is derived.
struct NoticeRow {
  uint64_t id = 0;             // given by the store, increasing; 0 before
  std::string key = {};        // unique
  std::string recipient = {};  // "enterprise:3", "provider:5", "programme:2"
  std::string kind = {};       // "voucher_expiring", "job_finished", ...
  Timestamp at = 0;
  std::string body = {};  // JSON: what the feed and the webhook show
  bool read = false;
  friend bool operator==(const NoticeRow&, const NoticeRow&) = default;
};

// The recipient has read notice `id`, or (id 0) every notice of theirs up
// to `up_to`.
struct NoticeMark {
  std::string recipient = {};
  uint64_t id = 0;
  uint64_t up_to = 0;
};

// Where a recipient's notices are POSTed (one URL per recipient), signed
// with `secret` (HMAC-SHA256); `delivered`: the last notice id the URL
// acknowledged. An empty url removes the webhook.
struct WebhookRow {
  std::string recipient = {};
  std::string url = {};
  std::string secret = {};
  Timestamp created_at = 0;
  uint64_t delivered = 0;  // when created: the recipient's latest notice then
  friend bool operator==(const WebhookRow&, const WebhookRow&) = default;
};

// The webhook of `recipient` acknowledged every notice up to `delivered`
// (it only moves forward).
struct WebhookCursor {
  std::string recipient = {};
  uint64_t delivered = 0;
};

// What rides with a batch besides the ledger's rows: notices and what
// their readers and webhooks changed. Written in the batch's transaction.
struct NoticeRows {
  std::vector<NoticeRow> notices;
  std::vector<NoticeMark> marks;
  std::vector<WebhookRow> webhooks;
  std::vector<WebhookCursor> cursors;
  bool empty() const {
    return notices.empty() && marks.empty() && webhooks.empty() && cursors.empty();
  }
  void clear() {
    notices.clear();
    marks.clear();
    webhooks.clear();
    cursors.clear();
  }
  void Append(NoticeRows&& more);
};

// A page of one recipient's feed ("" = everyone's), unread first and then
// newest first; after (read, id) when `after_id` is set.
struct NoticeQuery {
  std::string recipient = {};
  std::string kind = {};  // "" = every kind
  bool unread_only = false;
  bool after_read = false;
  uint64_t after_id = 0;  // 0: from the start
  size_t limit = 50;
};

// A record retired from the engine's state into the archive (a job ended
// more than scheduler::kRetainEndedS ago): its kind, its id, who owns it,
// when it ended, and its canonical encoding. Stored with the batch that
// retired it; a record already archived is not stored again (replay).
// Charge lines (settlement::Settlement::RetireLines) are archived the same
// way: id = the line's seq + 1, owner = its enterprise, at = its date; and
// the settled claims of jobs, which leave with them (programme::Book::
// RetireClaim): id = the job's id, owner = its enterprise, at = the claim's
// time.
enum class ArchiveKind : uint8_t { kJob = 1, kChargeLine = 2, kJobClaim = 3 };
struct ArchiveRow {
  ArchiveKind kind = ArchiveKind::kJob;
  uint64_t id = 0;
  uint64_t owner = 0;  // a job's enterprise
  Timestamp at = 0;    // when it ended
  std::vector<uint8_t> body = {};
  friend bool operator==(const ArchiveRow&, const ArchiveRow&) = default;
};

// A page of archived records of one kind in id order, after `after_id`,
// of one owner (0: any).
struct ArchiveQuery {
  ArchiveKind kind = ArchiveKind::kJob;
  uint64_t owner = 0;
  uint64_t after_id = 0;
  size_t limit = 100;
};

// The rows a batch changed: accounts are upserted whole, transfers inserted,
// holds resolved in this batch get their new status.
struct Projection {
  std::vector<AccountRow> accounts;
  std::vector<TransferRow> transfers;
  std::vector<PendingStatusUpdate> pending_updates;
  // Answers to keep; a (caller, key) already kept keeps its first answer.
  std::vector<KeptAnswer> answers = {};
  // When not 0: answers kept before this time are forgotten. SqliteStore
  // forgets the oldest answers up to the first one kept at or after it, so
  // an answer kept out of time order (a clock step) may stay longer.
  Timestamp forget_answers_before = 0;
  NoticeRows notices = {};
  std::vector<ArchiveRow> archived = {};
};

// The last journal entry stored: its seq (0 when the journal is empty) and
// its hash (all zero then).
struct JournalHead {
  uint64_t seq = 0;
  Hash256 hash{};
  friend bool operator==(const JournalHead&, const JournalHead&) = default;
};

// Where one journal entry sits in time: its seq and the ledger times of its
// first and last command (seq 0: no such entry).
struct JournalSpan {
  uint64_t seq = 0;
  Timestamp first_ts = 0;
  Timestamp last_ts = 0;
  friend bool operator==(const JournalSpan&, const JournalSpan&) = default;
};

// What /metrics shows of the store: the writer lease's epoch (0: the store
// has none) and, for a replicated PostgreSQL, its standbys: how many are
// synchronous, and how many bytes of WAL the furthest behind has still to
// replay (-1: not known here).
struct StoreHealth {
  uint64_t lease_epoch = 0;
  int64_t standbys = -1;
  int64_t sync_standbys = -1;
  int64_t replication_lag_bytes = -1;
};

class Store {
 public:
  virtual ~Store() = default;

  // Appends `entry` and applies `projection`, atomically and durably, if
  // `entry` continues the stored journal: its seq is the head's seq + 1 and
  // its prev_hash the head's hash (the first entry's prev_hash is not
  // checked). Anything else is FailedPrecondition: the journal never forks,
  // whoever else appended to it. On error nothing is stored.
  virtual Status Commit(const JournalEntry& entry, const Projection& projection) = 0;

  // Stores a projection that goes with no journal entry (only its answers,
  // forget_answers_before, notices and archived rows may be set: answers to
  // requests that changed nothing; records a replay retired), atomically
  // and durably as Commit does.
  virtual Status CommitAnswers(const Projection& projection) = 0;

  // The answer kept for (caller, key), if any. Thread-safe: called by the
  // API's threads while the engine commits.
  virtual Result<std::optional<KeptAnswer>> FindAnswer(std::string_view caller,
                                                       std::string_view key) = 0;

  // Notices (thread-safe, like FindAnswer): a page of a feed; how many of
  // a recipient's are unread; a recipient's notices after id `after` in id
  // order (what its webhook has still to deliver); every webhook.
  virtual Result<std::vector<NoticeRow>> ReadNotices(const NoticeQuery& query) = 0;
  virtual Result<uint64_t> CountUnread(std::string_view recipient) = 0;
  virtual Result<std::vector<NoticeRow>> NoticesAfter(std::string_view recipient, uint64_t after,
                                                      size_t limit) = 0;
  virtual Result<std::vector<WebhookRow>> ReadWebhooks() = 0;

  // The archive (thread-safe, like FindAnswer): one record by kind and id;
  // a page of records in id order.
  virtual Result<std::optional<ArchiveRow>> FindArchived(ArchiveKind kind, uint64_t id) = 0;
  virtual Result<std::vector<ArchiveRow>> ListArchived(const ArchiveQuery& query) = 0;

  // The last journal entry stored. The engine asks after a failed Commit:
  // an I/O error reported after the commit record reached the disk means
  // the batch is stored after all — if the stored entry's hash is the one
  // the engine built, and not just its seq.
  virtual Result<JournalHead> Head() = 0;

  // Stores a snapshot; older ones may be pruned.
  virtual Status SaveSnapshot(const SnapshotRecord& snapshot) = 0;
  virtual Result<std::optional<SnapshotRecord>> LatestSnapshot() = 0;

  // Calls `visit` for each entry with seq > after_seq, in order; stops at the
  // first error `visit` returns and returns it.
  virtual Status ReadJournal(uint64_t after_seq,
                             const std::function<Status(const JournalEntry&)>& visit) = 0;

  // Projection reads, for tests, audits and queries that want SQL's view.
  virtual Result<std::vector<AccountRow>> ReadAccounts() = 0;
  virtual Result<std::vector<TransferRow>> ReadTransfers() = 0;
  // The transfers whose reference is `reference` (an order's, a voucher's,
  // a programme's: the codes tell them apart), in timestamp order. SQLite
  // finds them through its index on reference.
  virtual Result<std::vector<TransferRow>> ReadTransfersOf(uint64_t reference) = 0;
  // The transfers created in [first, last] (a journal entry's), in
  // timestamp order, through an index on timestamp. first and last lie on
  // one side of 2^63 (the SQL stores compare them as signed).
  virtual Result<std::vector<TransferRow>> ReadTransfersBetween(Timestamp first,
                                                                Timestamp last) = 0;

  // The journal by time (entries are in time order and do not overlap):
  // the first entry that ends at or after `ts`, where a read of what
  // happened since `ts` starts (0 when none does); the entry whose range
  // [first_ts, last_ts] holds ledger time `ts`, the one that made a transfer
  // of that timestamp durable (seq 0 when none does); the last entry (seq 0
  // when the journal is empty).
  virtual Result<uint64_t> FirstSeqEndingAtOrAfter(Timestamp ts) = 0;
  virtual Result<JournalSpan> EntryAt(Timestamp ts) = 0;
  virtual Result<JournalSpan> LastEntry() = 0;

  // Called by the engine's writer thread while it is idle (after recovery,
  // and on its idle ticks), possibly while the committer thread commits: a
  // store that does something here serialises it with its other calls. A
  // store whose writer holds a lease renews it here. FailedPrecondition
  // means this writer may no longer write: the engine stops. The default
  // has nothing to keep.
  virtual Status KeepAlive() { return Status::Ok(); }

  // For /metrics; thread-safe. The default knows nothing to tell.
  virtual StoreHealth Health() { return {}; }
};

// OK when `entry` may follow `head` (see Store::Commit); otherwise
// FailedPrecondition saying how it does not.
Status CheckContinues(const JournalHead& head, const JournalEntry& entry);

}  // namespace bg::storage
