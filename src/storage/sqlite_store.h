// SqliteStore: the embedded, durable Store. One SQLite file in WAL mode holds
// the hash-chained journal, the latest snapshots and the projection tables
// (accounts, transfers), the answers kept for idempotency keys and the
// notices (sqlite_notices.h), so a batch and its projection commit in one
// transaction, and auditors can query the same file with plain SQL.
//
// The schema lives in sqlite_migrations.cc. uint64 values (ids, timestamps,
// seq) are stored as the int64 with the same bits, so ids above 2^63 read
// back exactly; hashes are 32-byte BLOBs.
//
// One writer per file: a store opened for writing holds the file's
// WriterLock for its whole life, so a second writer (another process, or a
// second store in this one) is refused at once. A store opened read-only
// takes no lock, writes nothing, and reads everything inside one read
// transaction: a consistent snapshot of the file as of Open, however long
// the live writer goes on committing (WAL).
//
// Thread-safety: none. The statements are prepared once and shared, so a
// SqliteStore must be used by one thread at a time (the engine's writer).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>

#include "storage/store.h"
#include "storage/writer_lock.h"

struct sqlite3;
struct sqlite3_stmt;

namespace bg::storage {

class AnswerFinder;
class AnswerIndex;
class ArchiveReader;
class ArchiveWriter;
class NoticeReader;
class NoticeWriter;
class WalCheckpointer;

struct WalCheckpoint {
  int wal_frames = -1;     // frames in the WAL; -1 if the file is not in WAL mode
  int copied_frames = -1;  // of those, copied into the database file
};

struct SqliteOptions {
  std::string path;
  // kFull: a committed batch survives power loss. kNormal: it survives a
  // process crash, the last batches may be lost on power loss. kOff: tests.
  enum class Sync { kOff, kNormal, kFull } sync = Sync::kFull;
  // Read-only: no lock, no migrations, Commit and SaveSnapshot refused; the
  // file must exist and be up to date.
  bool read_only = false;
};

class SqliteStore final : public Store {
 public:
  // Opens or creates the file at options.path, takes its writer lock, brings
  // its schema up to date and prepares the statements. Read-only: opens an
  // existing file and starts the read transaction all reads run in.
  static Result<std::unique_ptr<SqliteStore>> Open(const SqliteOptions& options);

  SqliteStore(const SqliteStore&) = delete;
  SqliteStore& operator=(const SqliteStore&) = delete;
  ~SqliteStore() override;

  Status Commit(const JournalEntry& entry, const Projection& projection) override;
  Status CommitAnswers(const Projection& projection) override;
  // On a connection of its own (AnswerFinder): thread-safe.
  Result<std::optional<KeptAnswer>> FindAnswer(std::string_view caller,
                                               std::string_view key) override;
  // Keeps the two latest snapshots, so that one written while the file was
  // being damaged is not the only one (the engine replays the whole journal
  // when the latest fails its checks).
  Status SaveSnapshot(const SnapshotRecord& snapshot) override;
  Result<std::optional<SnapshotRecord>> LatestSnapshot() override;
  // `visit` must not call back into this store.
  Status ReadJournal(uint64_t after_seq,
                     const std::function<Status(const JournalEntry&)>& visit) override;
  // Both ordered by id as uint64, as MemoryStore does.
  Result<std::vector<AccountRow>> ReadAccounts() override;
  Result<std::vector<TransferRow>> ReadTransfers() override;
  Result<std::vector<TransferRow>> ReadTransfersOf(uint64_t reference) override;
  Result<std::vector<TransferRow>> ReadTransfersBetween(Timestamp first, Timestamp last) override;

  // On a connection of their own (NoticeReader): thread-safe.
  Result<std::vector<NoticeRow>> ReadNotices(const NoticeQuery& query) override;
  Result<uint64_t> CountUnread(std::string_view recipient) override;
  Result<std::vector<NoticeRow>> NoticesAfter(std::string_view recipient, uint64_t after,
                                              size_t limit) override;
  Result<std::vector<WebhookRow>> ReadWebhooks() override;
  // On a connection of its own (ArchiveReader): thread-safe.
  Result<std::optional<ArchiveRow>> FindArchived(ArchiveKind kind, uint64_t id) override;
  Result<std::vector<ArchiveRow>> ListArchived(const ArchiveQuery& query) override;

  Result<JournalHead> Head() override;

  // Through the journal's index on last_ts.
  Result<uint64_t> FirstSeqEndingAtOrAfter(Timestamp ts) override;
  Result<JournalSpan> EntryAt(Timestamp ts) override;
  Result<JournalSpan> LastEntry() override;

  // Copies what it can of the WAL into the database file now (a passive
  // checkpoint; the background thread does the same after each commit).
  // Thread-safe.
  Result<WalCheckpoint> Checkpoint();

 private:
  explicit SqliteStore(sqlite3* db);
  static Result<std::unique_ptr<SqliteStore>> OpenReadOnly(const std::string& path);

  Status Configure(const SqliteOptions& options);
  Status PrepareStatements();

  // Runs `body` between BEGIN IMMEDIATE and COMMIT; rolls back if it fails.
  Status InTransaction(const std::function<Status()>& body);
  Status WriteBatch(const JournalEntry& entry, const Projection& projection);
  Status InsertJournal(const JournalEntry& entry);
  Status UpsertAccounts(std::span<const AccountRow> rows);
  Status InsertTransfers(std::span<const TransferRow> rows);
  Status UpdatePending(const PendingStatusUpdate& update);
  Status WriteAnswers(const Projection& projection);
  // After a transaction that may have forgotten answers: committed or not.
  void SettleAnswersFloor(bool committed);
  Status ForgetAnswers(Timestamp before);
  // Whether (caller, key) has a row, this transaction's included.
  Result<bool> AnswerKept(uint64_t hash, const KeptAnswer& answer);
  Status WriteSnapshot(const SnapshotRecord& snapshot);

  sqlite3* db_ = nullptr;
  std::optional<WriterLock> lock_;  // empty when read-only
  bool read_only_ = false;
  // Copies the WAL into the database file on its own connection and thread,
  // so that the writer's COMMIT pays only for the WAL append and its fsync.
  std::unique_ptr<WalCheckpointer> checkpointer_;
  std::unique_ptr<AnswerIndex> answer_index_;  // before answers_, which uses it
  std::unique_ptr<AnswerFinder> answers_;
  std::unique_ptr<NoticeWriter> notice_writer_;  // empty when read-only
  std::unique_ptr<NoticeReader> notice_reader_;
  std::unique_ptr<ArchiveWriter> archive_writer_;  // empty when read-only
  std::unique_ptr<ArchiveReader> archive_reader_;
  int wal_frames_ = 0;  // frames in the WAL after our last commit (sqlite3_wal_hook)
  // The oldest answer left by a forget in the transaction being written;
  // the index drops what is below it only once that transaction commits
  // (a rolled-back forget leaves rows that must still be found).
  std::optional<int64_t> answers_floor_;
  // Prepared once in Open, finalized in the destructor.
  sqlite3_stmt* begin_ = nullptr;
  sqlite3_stmt* begin_read_ = nullptr;
  sqlite3_stmt* commit_ = nullptr;
  sqlite3_stmt* rollback_ = nullptr;
  sqlite3_stmt* head_ = nullptr;
  sqlite3_stmt* insert_journal_ = nullptr;
  sqlite3_stmt* upsert_account_ = nullptr;   // one row
  sqlite3_stmt* upsert_accounts_ = nullptr;  // kRowsPerStatement rows
  sqlite3_stmt* insert_transfer_ = nullptr;
  sqlite3_stmt* insert_transfers_ = nullptr;
  sqlite3_stmt* update_pending_ = nullptr;
  sqlite3_stmt* insert_answer_ = nullptr;
  sqlite3_stmt* answer_is_ = nullptr;
  sqlite3_stmt* forget_answers_ = nullptr;
  sqlite3_stmt* oldest_answer_ = nullptr;
  sqlite3_stmt* upsert_snapshot_ = nullptr;
  sqlite3_stmt* prune_snapshots_ = nullptr;
  sqlite3_stmt* latest_snapshot_ = nullptr;
  sqlite3_stmt* read_journal_ = nullptr;
  sqlite3_stmt* read_accounts_ = nullptr;
  sqlite3_stmt* read_transfers_ = nullptr;
};

}  // namespace bg::storage
