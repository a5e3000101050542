// PostgresStore: the Store on a PostgreSQL server, for a platform that
// outgrows one machine's file (issue 18). The same tables as SqliteStore's
// — the hash-chained journal, the two latest snapshots, the accounts and
// transfers projections, the answers kept for idempotency keys, notices and
// webhooks — in one database, so that a batch, its projection, its answers
// and its notices commit in one transaction, and auditors and BI tools read
// the same rows with SQL. The schema and its versions are in
// postgres_store_migrations.cc; uint64 values are bigints with the same
// bits, hashes 32-byte byteas.
//
// The fenced writer lease. One row, writer_lease (holder, epoch,
// expires_at), says who may write; Open takes it when it is free or
// expired, with the next epoch, and is refused (FailedPrecondition naming
// the holder and its expiry) while another writer holds it. Every Commit,
// CommitAnswers and SaveSnapshot first renews the lease in the same
// transaction as its writes, on the condition that the row still carries this writer's
// epoch and has not expired; when it does not, the transaction is rolled
// back and the call is FailedPrecondition ("deposed: ..."). So a writer
// that was deposed or paused past its lease never appends, whatever its
// own clock or connection says: expiry is counted by the database's clock
// only, and the renewal's row lock is held until the append commits, so a
// successor cannot take the lease between the check and the append. The
// lease lives in a table, not a session: it survives a reconnect (and,
// replicated, a failover of PostgreSQL), unlike an advisory lock.
//
// Under the lease, the append still locks the journal against other
// writers (LOCK TABLE ... SHARE ROW EXCLUSIVE: readers are not held up)
// and appends only if the entry continues the stored head
// (CheckContinues): a successor that has not read its predecessor's last
// entries gets FailedPrecondition, never a fork.
//
// A commit whose answer was lost with the connection is Unavailable, its
// outcome unknown: the engine asks Head() (on a fresh connection) whether
// its entry is there, as it does after any failed commit. The lease is
// unaffected: a writer that still holds it continues; one whose lease was
// taken meanwhile is refused on its next commit.
//
// Thread-safety: every method may be called from any thread. The writer's
// connection is one caller's at a time (writer_mu_); FindAnswer, Health
// and the notice reads run on a second connection
// under a mutex (SharedConnection), so the API's threads may call them
// while the writer commits, and they see the last committed transaction.
// lease_epoch() may be read from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <span>
#include <string>

#include "common/mutex.h"
#include "storage/pg.h"
#include "storage/store.h"

namespace bg::storage {

struct PostgresOptions {
  // A libpq URL: postgresql://user@host:port/database?...
  std::string url = {};
  // Who writes, as the lease and a refused writer's error name it; empty:
  // "<hostname>:<pid>".
  std::string holder = {};
  // How long the lease lasts after the last commit or RenewLease, counted
  // by the database's clock.
  std::chrono::milliseconds lease_ttl{10'000};
  // How long Open waits, polling, for a lease another writer holds (a
  // standby waiting to take over); zero: refused at once.
  std::chrono::milliseconds lease_wait{0};
};

class PostgresStore final : public Store {
 public:
  // Connects twice (writer and reader), brings the schema up to date and
  // takes the writer lease with the next epoch. FailedPrecondition when
  // another writer holds the lease (after waiting options.lease_wait for
  // it); InvalidArgument when lease_ttl is not positive.
  static Result<std::unique_ptr<PostgresStore>> Open(const PostgresOptions& options);
  // A reader: no lease, no migrations, every write FailedPrecondition. Its
  // reads see one consistent state, the database as it was when it opened
  // (one REPEATABLE READ, READ ONLY transaction for the store's life, as a
  // SQLite read connection in WAL mode sees), unless the connection drops
  // and is reopened. What the API's audit and drill-down routes read from
  // while the engine writes through another store.
  static Result<std::unique_ptr<PostgresStore>> OpenReader(const std::string& url);
  // A follower: a reader whose every read sees what is committed by then
  // (no pinned view), so that a standby reading the journal again and again
  // sees it grow. The journal is append-only and chained: reads of it in
  // pages across commits still fit together.
  static Result<std::unique_ptr<PostgresStore>> OpenFollower(const std::string& url);

  PostgresStore(const PostgresStore&) = delete;
  PostgresStore& operator=(const PostgresStore&) = delete;
  // Gives the lease up (it expires at once) if this writer still holds it,
  // so that a standby need not wait out its TTL.
  ~PostgresStore() override;

  // Commit, CommitAnswers and SaveSnapshot are FailedPrecondition
  // ("deposed: ...") and store nothing when this writer's lease was taken
  // by another or expired; each renews the lease otherwise.
  Status Commit(const JournalEntry& entry, const Projection& projection) override;
  Status CommitAnswers(const Projection& projection) override;
  // On the reader connection: thread-safe.
  Result<std::optional<KeptAnswer>> FindAnswer(std::string_view caller,
                                               std::string_view key) override;
  // Keeps the two latest snapshots, as SqliteStore does.
  Status SaveSnapshot(const SnapshotRecord& snapshot) override;
  Result<std::optional<SnapshotRecord>> LatestSnapshot() override;
  // `visit` must not call back into this store.
  Status ReadJournal(uint64_t after_seq,
                     const std::function<Status(const JournalEntry&)>& visit) override;
  // Both ordered by id as uint64.
  Result<std::vector<AccountRow>> ReadAccounts() override;
  Result<std::vector<TransferRow>> ReadTransfers() override;
  Result<std::vector<TransferRow>> ReadTransfersOf(uint64_t reference) override;
  Result<std::vector<TransferRow>> ReadTransfersBetween(Timestamp first, Timestamp last) override;
  // Through the journal's index on last_ts.
  Result<uint64_t> FirstSeqEndingAtOrAfter(Timestamp ts) override;
  Result<JournalSpan> EntryAt(Timestamp ts) override;
  Result<JournalSpan> LastEntry() override;

  // On the reader connection: thread-safe.
  Result<std::vector<NoticeRow>> ReadNotices(const NoticeQuery& query) override;
  Result<uint64_t> CountUnread(std::string_view recipient) override;
  Result<std::vector<NoticeRow>> NoticesAfter(std::string_view recipient, uint64_t after,
                                              size_t limit) override;
  Result<std::optional<ArchiveRow>> FindArchived(ArchiveKind kind, uint64_t id) override;
  Result<std::vector<ArchiveRow>> ListArchived(const ArchiveQuery& query) override;
  Result<std::vector<WebhookRow>> ReadWebhooks() override;

  // A writer's Head first commits a transaction of its own (an xid, no
  // rows), so that what it reads is replicated to the synchronous standby:
  // see postgres_store.cc.
  Result<JournalHead> Head() override;

  // Renews the lease of an idle writer (commits renew it too): call it
  // well within lease_ttl. FailedPrecondition ("deposed: ...") when the
  // lease is no longer this writer's.
  Status RenewLease();
  // The engine's idle call: RenewLease once a third of the TTL has passed
  // since the lease was last renewed (by a commit or a renewal).
  Status KeepAlive() override;
  // The lease's epoch, and the standbys as pg_stat_replication lists them
  // (on the reader connection; -1 when the role may not read it).
  StoreHealth Health() override;
  // The epoch this writer took the lease with: 1 for the first writer of a
  // database, one more for each later one. Thread-safe.
  uint64_t lease_epoch() const { return epoch_.load(std::memory_order_relaxed); }
  const std::string& lease_holder() const { return holder_; }

 private:
  PostgresStore(std::unique_ptr<pg::Connection> writer, std::unique_ptr<pg::Connection> reader,
                std::string holder, std::chrono::milliseconds ttl);

  // Takes the lease when it is free or expired, polling until `wait` has
  // passed while another writer holds it.
  Status TakeLease(std::chrono::milliseconds wait);
  Status TryTakeLease();
  // RenewLease and KeepAlive with writer_mu_ held.
  Status RenewLocked();
  Status KeepAliveLocked();
  // Renews this writer's lease, inside the caller's transaction if any;
  // FailedPrecondition naming the lease's state when it is not ours.
  Status Fence();

  // Reopens the writer's connection if it was lost; called before each
  // operation (never inside a transaction).
  Status Ready();
  Status WriteBatch(const JournalEntry& entry, const Projection& projection);
  Result<JournalHead> ReadHead();
  Status InsertJournal(const JournalEntry& entry);
  Status UpsertAccounts(std::span<const AccountRow> rows);
  Status InsertTransfers(std::span<const TransferRow> rows);
  Status UpdatePending(std::span<const PendingStatusUpdate> updates);
  Status WriteSnapshot(const SnapshotRecord& snapshot);
  // FailedPrecondition for a reader (OpenReader).
  Status Writable() const;
  // OpenReader (`pinned`: one view for the store's life) or OpenFollower.
  static Result<std::unique_ptr<PostgresStore>> OpenReading(const std::string& url, bool pinned);
  Result<JournalSpan> SpanOf(std::string_view where, Timestamp ts);
  // A write transaction that renewed the lease has committed: the lease
  // runs from when its renewal was sent (it may have committed much later).
  void Renewed() { last_renewed_ = fence_started_; }

  // The writer's connection is used by the engine's writer thread
  // (KeepAlive, SaveSnapshot) and its committer (Commit, Head) at once:
  // each public method that touches it holds writer_mu_ (a libpq
  // connection is one thread's at a time).
  Mutex writer_mu_;
  std::unique_ptr<pg::Connection> writer_;
  pg::SharedConnection reader_;
  const std::string holder_;
  const std::chrono::milliseconds ttl_;
  std::atomic<uint64_t> epoch_{0};  // 0 until the lease is taken
  bool read_only_ = false;
  // The writer's threads only: when the last renewal (or take) was sent,
  // and when the last that committed was.
  std::chrono::steady_clock::time_point fence_started_{};
  std::chrono::steady_clock::time_point last_renewed_{};
};

}  // namespace bg::storage
