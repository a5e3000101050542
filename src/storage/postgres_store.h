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
// Every Commit is one transaction that first locks the journal against
// other writers (LOCK TABLE ... SHARE ROW EXCLUSIVE: readers are not held
// up) and appends only if the entry continues the stored head
// (CheckContinues): a second writer on the same database gets
// FailedPrecondition, never a fork. That guards one primary; the fenced
// writer lease that survives a failover is the next slice of issue 18.
//
// A commit whose answer was lost with the connection is Unavailable, its
// outcome unknown: the engine asks Head() (on a fresh connection) whether
// its entry is there, as it does after any failed commit.
//
// Thread-safety: as SqliteStore. The writer's methods run on the engine's
// writer thread; FindAnswer and the notice reads run on a second connection
// under a mutex (SharedConnection), so the API's threads may call them
// while the writer commits, and they see the last committed transaction.
#pragma once

#include <memory>
#include <span>
#include <string>

#include "storage/pg.h"
#include "storage/store.h"

namespace bg::storage {

struct PostgresOptions {
  // A libpq URL: postgresql://user@host:port/database?...
  std::string url;
};

class PostgresStore final : public Store {
 public:
  // Connects twice (writer and reader) and brings the schema up to date.
  static Result<std::unique_ptr<PostgresStore>> Open(const PostgresOptions& options);

  PostgresStore(const PostgresStore&) = delete;
  PostgresStore& operator=(const PostgresStore&) = delete;
  ~PostgresStore() override;

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

  // On the reader connection: thread-safe.
  Result<std::vector<NoticeRow>> ReadNotices(const NoticeQuery& query) override;
  Result<uint64_t> CountUnread(std::string_view recipient) override;
  Result<std::vector<NoticeRow>> NoticesAfter(std::string_view recipient, uint64_t after,
                                              size_t limit) override;
  Result<std::vector<WebhookRow>> ReadWebhooks() override;

  Result<JournalHead> Head() override;

 private:
  PostgresStore(std::unique_ptr<pg::Connection> writer, std::unique_ptr<pg::Connection> reader);

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

  std::unique_ptr<pg::Connection> writer_;
  pg::SharedConnection reader_;
};

}  // namespace bg::storage
