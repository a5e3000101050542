#include "storage/sqlite_store.h"

#include <algorithm>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <type_traits>
#include <utility>

#include <pthread.h>
#include <sqlite3.h>

#include "common/mutex.h"
#include "storage/sqlite_answers.h"
#include "storage/sqlite_archive.h"
#include "storage/sqlite_migrations.h"
#include "storage/sqlite_notices.h"
#include "storage/sqlite_util.h"

namespace bg::storage {
namespace {

using namespace sqlite_util;  // NOLINT(google-build-using-namespace): our own helpers

// Narrow columns were written from the same narrow fields, so the casts are
// exact unless someone edited the file by hand.
template <typename T>
T Narrow(sqlite3_stmt* stmt, int col) {
  return static_cast<T>(sqlite3_column_int64(stmt, col));
}

// Columns: seq, first_ts, last_ts, prev_hash, hash, payload.
Result<JournalEntry> JournalFromRow(sqlite3_stmt* stmt) {
  JournalEntry e;
  e.seq = U64(stmt, 0);
  e.first_ts = U64(stmt, 1);
  e.last_ts = U64(stmt, 2);
  if (!ColumnHash(stmt, 3, &e.prev_hash) || !ColumnHash(stmt, 4, &e.hash)) {
    return DataLoss("journal entry " + std::to_string(e.seq) + " has a malformed hash");
  }
  e.payload = ColumnBytes(stmt, 5);
  return e;
}

// Columns: seq, chain_head, state_hash, state.
Result<SnapshotRecord> SnapshotFromRow(sqlite3_stmt* stmt) {
  SnapshotRecord s;
  s.seq = U64(stmt, 0);
  if (!ColumnHash(stmt, 1, &s.chain_head) || !ColumnHash(stmt, 2, &s.state_hash)) {
    return DataLoss("snapshot " + std::to_string(s.seq) + " has a malformed hash");
  }
  s.state = ColumnBytes(stmt, 3);
  return s;
}

// Columns in the order of the accounts table.
AccountRow AccountFromRow(sqlite3_stmt* stmt) {
  AccountRow a;
  a.id = U64(stmt, 0);
  a.ledger = Narrow<uint32_t>(stmt, 1);
  a.code = Narrow<uint16_t>(stmt, 2);
  a.flags = Narrow<uint16_t>(stmt, 3);
  a.owner = U64(stmt, 4);
  a.debits_pending = I64(stmt, 5);
  a.debits_posted = I64(stmt, 6);
  a.credits_pending = I64(stmt, 7);
  a.credits_posted = I64(stmt, 8);
  a.timestamp = U64(stmt, 9);
  return a;
}

// Columns in the order of the transfers table.
TransferRow TransferFromRow(sqlite3_stmt* stmt) {
  TransferRow t;
  t.id = U64(stmt, 0);
  t.debit_account_id = U64(stmt, 1);
  t.credit_account_id = U64(stmt, 2);
  t.amount = I64(stmt, 3);
  t.pending_id = U64(stmt, 4);
  t.reference = U64(stmt, 5);
  t.timeout = Narrow<uint32_t>(stmt, 6);
  t.ledger = Narrow<uint32_t>(stmt, 7);
  t.code = Narrow<uint16_t>(stmt, 8);
  t.flags = Narrow<uint16_t>(stmt, 9);
  t.timestamp = U64(stmt, 10);
  t.pending_status = Narrow<uint8_t>(stmt, 11);
  t.expires_at = U64(stmt, 12);
  return t;
}

// `stmt` selects rows with id BETWEEN ?1 AND ?2 ORDER BY id. Ids are uint64
// stored as int64, so unsigned order is the non-negative range followed by
// the negative one; two index range scans, no sort.
template <typename Row>
Status ReadRows(sqlite3_stmt* stmt, Row (*from_row)(sqlite3_stmt*), std::string_view what,
                std::vector<Row>* out) {
  constexpr sqlite3_int64 kMax = std::numeric_limits<sqlite3_int64>::max();
  constexpr sqlite3_int64 kMin = std::numeric_limits<sqlite3_int64>::min();
  for (const auto& [lo, hi] :
       {std::pair{sqlite3_int64{0}, kMax}, std::pair{kMin, sqlite3_int64{-1}}}) {
    ResetOnExit reset(stmt);
    sqlite3_bind_int64(stmt, 1, lo);
    sqlite3_bind_int64(stmt, 2, hi);
    int rc = SQLITE_ROW;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) out->push_back(from_row(stmt));
    if (rc != SQLITE_DONE) return SqliteError(sqlite3_db_handle(stmt), rc, what);
  }
  return Status::Ok();
}

// WAL frames (pages) after which a commit asks for a checkpoint: 32 MiB
// with 32 KiB pages.
constexpr int kCheckpointFrames = 1024;

// Rows per multi-row INSERT (13 * 64 parameters, well under SQLite's limit).
// One execution per row spends much of its time starting and stopping the
// statement. Multi-row statements, OR ROLLBACK and id-sorted rows (below)
// together halved the CPU time of a batch of 8,190 transfers and 5,000
// account upserts, compared with one plain INSERT per row.
constexpr size_t kRowsPerStatement = 64;

// "(?, ?, ?), (?, ?, ?)": `rows` groups of `columns` anonymous parameters,
// numbered in order, so row r's column c is parameter r * columns + c + 1.
std::string ValuesClause(int columns, size_t rows) {
  std::string group = "(";
  for (int c = 0; c < columns; ++c) group += c == 0 ? "?" : ", ?";
  group += ")";
  std::string out;
  for (size_t r = 0; r < rows; ++r) out += (r == 0 ? "" : ", ") + group;
  return out;
}

constexpr int kAccountColumns = 10;
constexpr int kTransferColumns = 13;

std::string UpsertAccountsSql(size_t rows) {
  return "INSERT OR ROLLBACK INTO accounts(id, ledger, code, flags, owner, debits_pending, "
         "debits_posted, credits_pending, credits_posted, timestamp) VALUES " +
         ValuesClause(kAccountColumns, rows) +
         " ON CONFLICT(id) DO UPDATE SET ledger = excluded.ledger, code = excluded.code, "
         "flags = excluded.flags, owner = excluded.owner, "
         "debits_pending = excluded.debits_pending, debits_posted = excluded.debits_posted, "
         "credits_pending = excluded.credits_pending, credits_posted = excluded.credits_posted, "
         "timestamp = excluded.timestamp";
}

std::string InsertTransfersSql(size_t rows) {
  return "INSERT OR ROLLBACK INTO transfers(id, debit_account_id, credit_account_id, amount, "
         "pending_id, reference, timeout, ledger, code, flags, timestamp, pending_status, "
         "expires_at) VALUES " +
         ValuesClause(kTransferColumns, rows);
}

// Binds `row` to parameters first .. first + kAccountColumns - 1.
void BindAccount(sqlite3_stmt* s, int first, const AccountRow& row) {
  sqlite3_bind_int64(s, first, ToSql(row.id));
  sqlite3_bind_int64(s, first + 1, row.ledger);
  sqlite3_bind_int64(s, first + 2, row.code);
  sqlite3_bind_int64(s, first + 3, row.flags);
  sqlite3_bind_int64(s, first + 4, ToSql(row.owner));
  sqlite3_bind_int64(s, first + 5, row.debits_pending);
  sqlite3_bind_int64(s, first + 6, row.debits_posted);
  sqlite3_bind_int64(s, first + 7, row.credits_pending);
  sqlite3_bind_int64(s, first + 8, row.credits_posted);
  sqlite3_bind_int64(s, first + 9, ToSql(row.timestamp));
}

// Binds `row` to parameters first .. first + kTransferColumns - 1.
void BindTransfer(sqlite3_stmt* s, int first, const TransferRow& row) {
  sqlite3_bind_int64(s, first, ToSql(row.id));
  sqlite3_bind_int64(s, first + 1, ToSql(row.debit_account_id));
  sqlite3_bind_int64(s, first + 2, ToSql(row.credit_account_id));
  sqlite3_bind_int64(s, first + 3, row.amount);
  sqlite3_bind_int64(s, first + 4, ToSql(row.pending_id));
  sqlite3_bind_int64(s, first + 5, ToSql(row.reference));
  sqlite3_bind_int64(s, first + 6, row.timeout);
  sqlite3_bind_int64(s, first + 7, row.ledger);
  sqlite3_bind_int64(s, first + 8, row.code);
  sqlite3_bind_int64(s, first + 9, row.flags);
  sqlite3_bind_int64(s, first + 10, ToSql(row.timestamp));
  sqlite3_bind_int64(s, first + 11, row.pending_status);
  sqlite3_bind_int64(s, first + 12, ToSql(row.expires_at));
}

template <typename Row>
using BindFn = void (*)(sqlite3_stmt*, int, const Row&);

template <typename Row>
constexpr int kColumns = std::is_same_v<Row, AccountRow> ? kAccountColumns : kTransferColumns;

// The rows in id order (stable, so that of two upserts of one account the
// later still wins). Sorted rows land on neighbouring B-tree pages, which
// keeps a 5,000-account batch from touching pages all over the table.
template <typename Row>
std::vector<const Row*> SortedById(std::span<const Row> rows) {
  std::vector<const Row*> sorted;
  sorted.reserve(rows.size());
  for (const Row& row : rows) sorted.push_back(&row);
  auto by_id = [](const Row* a, const Row* b) { return a->id < b->id; };
  // New transfers usually arrive in id order already; skip the sort then.
  if (!std::is_sorted(sorted.begin(), sorted.end(), by_id)) {
    std::stable_sort(sorted.begin(), sorted.end(), by_id);
  }
  return sorted;
}

// Writes whole chunks of `rows` with the multi-row statement `many`, the rest
// with the one-row statement `one`.
//
// Both statements are INSERT OR ROLLBACK: a failed row rolls back the whole
// transaction at once, which the caller wants anyway, and it spares SQLite
// the statement journal that plain INSERT (ABORT) keeps to undo a partly
// written multi-row statement.
template <typename Row>
Status WriteRows(const std::vector<const Row*>& rows, sqlite3_stmt* many, sqlite3_stmt* one,
                 BindFn<Row> bind, std::string_view what) {
  const std::span<const Row* const> all(rows);
  size_t done = 0;
  while (done < all.size()) {
    const size_t n = all.size() - done >= kRowsPerStatement ? kRowsPerStatement : 1;
    sqlite3_stmt* stmt = n == 1 ? one : many;
    const std::span<const Row* const> chunk = all.subspan(done, n);
    for (size_t r = 0; r < n; ++r) {
      bind(stmt, static_cast<int>(r) * kColumns<Row> + 1, *chunk[r]);
    }
    const Status status = StepDone(stmt, what);
    if (!status.ok()) {
      return status.WithContext("a row with id in [" + std::to_string(chunk.front()->id) + ", " +
                                std::to_string(chunk.back()->id) + "]");
    }
    done += n;
  }
  return Status::Ok();
}

const char* SyncPragma(SqliteOptions::Sync sync) {
  switch (sync) {
    case SqliteOptions::Sync::kOff:
      return "PRAGMA synchronous=OFF";
    case SqliteOptions::Sync::kNormal:
      return "PRAGMA synchronous=NORMAL";
    case SqliteOptions::Sync::kFull:
      return "PRAGMA synchronous=FULL";
  }
  return "PRAGMA synchronous=FULL";
}

}  // namespace

// WalCheckpointer: a second connection to the same file whose only job is
// PASSIVE checkpoints, run on its own thread whenever a commit nudges it.
// SQLite's automatic checkpoint would otherwise run inside the writer's
// COMMIT, copying every page the batch touched into the database file and
// fsyncing it before the batch can be acknowledged. A passive checkpoint
// never blocks the writer; the WAL restarts from its beginning once a
// checkpoint has caught up.
class WalCheckpointer {
 public:
  static Result<std::unique_ptr<WalCheckpointer>> Start(const std::string& path) {
    sqlite3* db = nullptr;
    const int rc =
        sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr);
    std::unique_ptr<WalCheckpointer> c(new WalCheckpointer(db));
    if (rc != SQLITE_OK) return SqliteError(db, rc, "open checkpoint connection");
    sqlite3_busy_timeout(db, kBusyTimeoutMs);
    // A connection learns that the file is in WAL mode only when it first
    // reads it; until then a checkpoint is a silent no-op (log size -1).
    BG_RETURN_IF_ERROR(EnableWal(db));
    c->thread_ = std::thread([raw = c.get()] { raw->Loop(); });
    return c;
  }

  ~WalCheckpointer() {
    {
      MutexLock lock(&mu_);
      stop_ = true;
    }
    if (thread_.joinable()) thread_.join();
    sqlite3_close(db_);
  }
  WalCheckpointer(const WalCheckpointer&) = delete;
  WalCheckpointer& operator=(const WalCheckpointer&) = delete;

  // One passive checkpoint, now, on the caller's thread.
  Result<WalCheckpoint> RunNow() {
    MutexLock lock(&run_mu_);
    WalCheckpoint out;
    const int rc = sqlite3_wal_checkpoint_v2(db_, nullptr, SQLITE_CHECKPOINT_PASSIVE,
                                             &out.wal_frames, &out.copied_frames);
    if (rc != SQLITE_OK) return SqliteError(db_, rc, "checkpoint");
    return out;
  }

  void Nudge() {
    MutexLock lock(&mu_);
    nudged_ = true;
  }

 private:
  explicit WalCheckpointer(sqlite3* db) : db_(db) {}

  bool Due() const BG_REQUIRES(mu_) { return stop_ || nudged_; }

  void Loop() {
    pthread_setname_np(pthread_self(), "bg-checkpoint");
    while (true) {
      {
        MutexLock lock(&mu_);
        mu_.Await(Condition(this, &WalCheckpointer::Due));
        if (stop_) return;
        nudged_ = false;
      }
      // Failure (busy, I/O) only leaves the WAL longer; the next nudge retries.
      (void)RunNow();
    }
  }

  Mutex run_mu_;  // one checkpoint at a time on db_
  sqlite3* db_ BG_PT_GUARDED_BY(run_mu_);
  mutable Mutex mu_;
  bool nudged_ BG_GUARDED_BY(mu_) = false;
  bool stop_ BG_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

SqliteStore::SqliteStore(sqlite3* db) : db_(db) {}

Result<std::unique_ptr<SqliteStore>> SqliteStore::Open(const SqliteOptions& options) {
  if (options.read_only) return OpenReadOnly(options.path);
  // The lock comes first: a second writer must not even migrate the file.
  BG_ASSIGN_OR_RETURN(WriterLock lock, WriterLock::Acquire(options.path));
  sqlite3* db = nullptr;
  // NOMUTEX: the store is single-threaded by contract (see the header), so
  // SQLite's per-call connection mutex would be pure overhead.
  const int rc =
      sqlite3_open_v2(options.path.c_str(), &db,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  // The store owns `db` from here on, also when opening failed.
  std::unique_ptr<SqliteStore> store(new SqliteStore(db));
  store->lock_.emplace(std::move(lock));
  if (rc != SQLITE_OK) return SqliteError(db, rc, "open sqlite store " + options.path);
  Status status = store->Configure(options);
  if (status.ok()) status = Migrate(db);
  if (status.ok()) status = store->PrepareStatements();
  if (!status.ok()) return status.WithContext("open sqlite store " + options.path);
  auto checkpointer = WalCheckpointer::Start(options.path);
  if (!checkpointer.ok()) {
    return checkpointer.status().WithContext("open sqlite store " + options.path);
  }
  store->checkpointer_ = std::move(*checkpointer);
  store->answer_index_ = std::make_unique<AnswerIndex>();
  BG_ASSIGN_OR_RETURN(store->answers_,
                      AnswerFinder::Open(options.path, store->answer_index_.get()));
  BG_ASSIGN_OR_RETURN(store->notice_writer_, NoticeWriter::Prepare(db));
  BG_ASSIGN_OR_RETURN(store->notice_reader_, NoticeReader::Open(options.path));
  BG_ASSIGN_OR_RETURN(store->archive_writer_, ArchiveWriter::Prepare(db));
  BG_ASSIGN_OR_RETURN(store->archive_reader_, ArchiveReader::Open(options.path));
  return store;
}

Result<std::unique_ptr<SqliteStore>> SqliteStore::OpenReadOnly(const std::string& path) {
  sqlite3* db = nullptr;
  const int rc =
      sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nullptr);
  std::unique_ptr<SqliteStore> store(new SqliteStore(db));
  store->read_only_ = true;
  if (rc != SQLITE_OK) return SqliteError(db, rc, "open sqlite store " + path + " read-only");
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(db, kBusyTimeoutMs);
  Status status = store->PrepareStatements();
  // The first read inside BEGIN fixes the snapshot every later read sees.
  if (status.ok()) status = StepDone(store->begin_read_, "BEGIN");
  if (status.ok()) status = store->Head().status();
  if (!status.ok()) return status.WithContext("open sqlite store " + path + " read-only");
  BG_ASSIGN_OR_RETURN(store->notice_reader_, NoticeReader::Open(path));
  BG_ASSIGN_OR_RETURN(store->archive_reader_, ArchiveReader::Open(path));
  return store;
}

SqliteStore::~SqliteStore() {
  checkpointer_.reset();  // its connection closes before ours
  answers_.reset();
  notice_reader_.reset();
  notice_writer_.reset();  // its statements are finalized before close
  archive_reader_.reset();
  archive_writer_.reset();
  for (sqlite3_stmt* stmt :
       {begin_,           begin_read_,      commit_,          rollback_,        head_,
        insert_journal_,  upsert_account_,  upsert_accounts_, insert_transfer_, insert_transfers_,
        update_pending_,  insert_answer_,   answer_is_,       forget_answers_,  oldest_answer_,
        upsert_snapshot_, prune_snapshots_, latest_snapshot_, read_journal_,    read_accounts_,
        read_transfers_}) {
    sqlite3_finalize(stmt);  // no-op on nullptr
  }
  sqlite3_close(db_);  // no-op on nullptr; every statement is finalized
}

Status SqliteStore::Configure(const SqliteOptions& options) {
  sqlite3_extended_result_codes(db_, 1);
  // Another process (an audit, a backup) may hold the lock for a moment.
  sqlite3_busy_timeout(db_, kBusyTimeoutMs);
  // 32 KiB pages: a batch appends tens of thousands of transfer rows and
  // rewrites every account page; larger pages mean fewer page splits, WAL
  // frames and B-tree levels. Measured with `baygrid bench ledger`: commit
  // time per batch 60-72 ms at 4 KiB, 52 ms at 16 KiB, 39 ms at 32 KiB,
  // 39-49 ms at 64 KiB. Takes effect only when the file is created.
  BG_RETURN_IF_ERROR(Exec(db_, "PRAGMA page_size=32768"));
  BG_RETURN_IF_ERROR(EnableWal(db_));
  BG_RETURN_IF_ERROR(Exec(db_, SyncPragma(options.sync)));
  // Checkpoints run on WalCheckpointer's connection, not inside COMMIT; the
  // hook (which replaces SQLite's auto-checkpoint) only records the WAL size.
  BG_RETURN_IF_ERROR(Exec(db_, "PRAGMA wal_autocheckpoint=0"));
  // After a checkpoint lets the WAL restart, SQLite truncates a WAL file
  // that grew past this (a burst can outrun the checkpointer for a while).
  BG_RETURN_IF_ERROR(Exec(db_, "PRAGMA journal_size_limit=67108864"));
  sqlite3_wal_hook(
      db_,
      [](void* self, sqlite3*, const char*, int frames) {
        static_cast<SqliteStore*>(self)->wal_frames_ = frames;
        return SQLITE_OK;
      },
      this);
  // A batch touches ~13k rows and their index pages; a 64 MiB page cache
  // keeps them from spilling to the WAL before COMMIT.
  return Exec(db_, "PRAGMA cache_size=-65536");
}

Status SqliteStore::PrepareStatements() {
  const std::pair<sqlite3_stmt**, std::string> statements[] = {
      {&begin_, "BEGIN IMMEDIATE"},
      {&commit_, "COMMIT"},
      {&rollback_, "ROLLBACK"},
      {&begin_read_, "BEGIN"},
      {&head_, "SELECT seq, hash FROM journal ORDER BY seq DESC LIMIT 1"},
      {&insert_journal_,
       "INSERT INTO journal(seq, first_ts, last_ts, prev_hash, hash, payload) "
       "VALUES (?1, ?2, ?3, ?4, ?5, ?6)"},
      {&upsert_account_, UpsertAccountsSql(1)},
      {&upsert_accounts_, UpsertAccountsSql(kRowsPerStatement)},
      {&insert_transfer_, InsertTransfersSql(1)},
      {&insert_transfers_, InsertTransfersSql(kRowsPerStatement)},
      {&update_pending_, "UPDATE transfers SET pending_status = ?2 WHERE id = ?1"},
      {&insert_answer_, kInsertAnswerSql},
      {&answer_is_, kAnswerIsSql},
      {&forget_answers_, kForgetAnswersSql},
      {&oldest_answer_, kOldestAnswerSql},
      {&upsert_snapshot_,
       "INSERT INTO snapshots(seq, chain_head, state_hash, state) VALUES (?1, ?2, ?3, ?4) "
       "ON CONFLICT(seq) DO UPDATE SET chain_head = excluded.chain_head, "
       "state_hash = excluded.state_hash, state = excluded.state"},
      {&prune_snapshots_,
       "DELETE FROM snapshots WHERE seq NOT IN "
       "(SELECT seq FROM snapshots ORDER BY seq DESC LIMIT 2)"},
      {&latest_snapshot_,
       "SELECT seq, chain_head, state_hash, state FROM snapshots ORDER BY seq DESC LIMIT 1"},
      {&read_journal_,
       "SELECT seq, first_ts, last_ts, prev_hash, hash, payload FROM journal "
       "WHERE seq > ?1 ORDER BY seq"},
      {&read_accounts_,
       "SELECT id, ledger, code, flags, owner, debits_pending, debits_posted, credits_pending, "
       "credits_posted, timestamp FROM accounts WHERE id BETWEEN ?1 AND ?2 ORDER BY id"},
      {&read_transfers_,
       "SELECT id, debit_account_id, credit_account_id, amount, pending_id, reference, timeout, "
       "ledger, code, flags, timestamp, pending_status, expires_at FROM transfers "
       "WHERE id BETWEEN ?1 AND ?2 ORDER BY id"},
  };
  for (const auto& [stmt, sql] : statements) {
    const int rc =
        sqlite3_prepare_v3(db_, sql.c_str(), -1, SQLITE_PREPARE_PERSISTENT, stmt, nullptr);
    if (rc != SQLITE_OK) return SqliteError(db_, rc, "prepare " + sql);
  }
  return Status::Ok();
}

Status SqliteStore::InTransaction(const std::function<Status()>& body) {
  BG_RETURN_IF_ERROR(StepDone(begin_, "BEGIN IMMEDIATE"));
  Status status = body();
  if (status.ok()) status = StepDone(commit_, "COMMIT");
  // SQLite may already have rolled back by itself (e.g. on SQLITE_FULL).
  if (!status.ok() && sqlite3_get_autocommit(db_) == 0) {
    const Status rollback = StepDone(rollback_, "ROLLBACK");
    if (!rollback.ok()) return Internal(status.ToString() + "; then " + rollback.ToString());
  }
  return status;
}

Status SqliteStore::Commit(const JournalEntry& entry, const Projection& projection) {
  if (read_only_) return FailedPrecondition("the store is open read-only");
  Status status = InTransaction([&] { return WriteBatch(entry, projection); });
  SettleAnswersFloor(status.ok());
  if (!status.ok()) return status.WithContext("commit journal entry " + std::to_string(entry.seq));
  // Checkpoint once the WAL is big enough that a pass copies many batches:
  // pages rewritten by every batch (accounts, B-tree interiors) are then
  // copied once per pass instead of once per batch.
  if (wal_frames_ >= kCheckpointFrames) checkpointer_->Nudge();
  return status;
}

Status SqliteStore::WriteBatch(const JournalEntry& entry, const Projection& projection) {
  BG_ASSIGN_OR_RETURN(const JournalHead head, Head());
  BG_RETURN_IF_ERROR(CheckContinues(head, entry));
  BG_RETURN_IF_ERROR(InsertJournal(entry));
  BG_RETURN_IF_ERROR(UpsertAccounts(projection.accounts));
  BG_RETURN_IF_ERROR(InsertTransfers(projection.transfers));
  for (const PendingStatusUpdate& update : projection.pending_updates) {
    BG_RETURN_IF_ERROR(UpdatePending(update));
  }
  return WriteAnswers(projection);
}

Status SqliteStore::CommitAnswers(const Projection& projection) {
  if (read_only_) return FailedPrecondition("the store is open read-only");
  Status status = InTransaction([&] { return WriteAnswers(projection); });
  SettleAnswersFloor(status.ok());
  if (!status.ok()) {
    return status.WithContext("keep " + std::to_string(projection.answers.size()) + " answers");
  }
  if (wal_frames_ >= kCheckpointFrames) checkpointer_->Nudge();
  return status;
}

Status SqliteStore::WriteAnswers(const Projection& projection) {
  if (projection.forget_answers_before != 0) {
    BG_RETURN_IF_ERROR(ForgetAnswers(projection.forget_answers_before));
  }
  for (const KeptAnswer& a : projection.answers) {
    const uint64_t hash = AnswerIndex::HashOf(a.caller, a.key);
    BG_ASSIGN_OR_RETURN(const bool kept, AnswerKept(hash, a));
    if (kept) continue;  // the first answer stays
    const int rc = BindAnswer(insert_answer_, a);
    if (rc != SQLITE_OK) return SqliteError(db_, rc, "bind a kept answer");
    BG_RETURN_IF_ERROR(StepDone(insert_answer_, "keep an answer"));
    // Indexed before COMMIT: if the transaction rolls back, the entry only
    // points at a row that is not there (the index is a superset).
    answer_index_->Add(hash, sqlite3_last_insert_rowid(db_));
  }
  if (!projection.notices.empty()) BG_RETURN_IF_ERROR(notice_writer_->Write(projection.notices));
  if (!projection.archived.empty()) BG_RETURN_IF_ERROR(archive_writer_->Write(projection.archived));
  return Status::Ok();
}

Status SqliteStore::ForgetAnswers(Timestamp before) {
  sqlite3_bind_int64(forget_answers_, 1, ToSql(before));
  BG_RETURN_IF_ERROR(StepDone(forget_answers_, "forget old answers"));
  ResetOnExit reset(oldest_answer_);
  if (sqlite3_step(oldest_answer_) != SQLITE_ROW) {
    return SqliteError(db_, sqlite3_errcode(db_), "read the oldest kept answer");
  }
  // Empty table: nothing to drop yet (the next sweep will).
  if (sqlite3_column_type(oldest_answer_, 0) != SQLITE_NULL) {
    answers_floor_ = sqlite3_column_int64(oldest_answer_, 0);
  }
  return Status::Ok();
}

void SqliteStore::SettleAnswersFloor(bool committed) {
  // A COMMIT that reported an error may still have reached the disk; not
  // raising the floor then only leaves entries whose rows are gone, and
  // every entry is checked against its row.
  if (committed && answers_floor_.has_value()) answer_index_->ForgetBelow(*answers_floor_);
  answers_floor_.reset();
}

Result<bool> SqliteStore::AnswerKept(uint64_t hash, const KeptAnswer& answer) {
  for (const int64_t id : answer_index_->Candidates(hash)) {
    ResetOnExit reset(answer_is_);
    sqlite3_bind_int64(answer_is_, 1, id);
    sqlite3_bind_text64(answer_is_, 2, answer.caller.data(), answer.caller.size(), SQLITE_STATIC,
                        SQLITE_UTF8);
    sqlite3_bind_text64(answer_is_, 3, answer.key.data(), answer.key.size(), SQLITE_STATIC,
                        SQLITE_UTF8);
    const int rc = sqlite3_step(answer_is_);
    if (rc == SQLITE_ROW) return true;
    if (rc != SQLITE_DONE) return SqliteError(db_, rc, "look for a kept answer");
  }
  return false;
}

Result<std::optional<KeptAnswer>> SqliteStore::FindAnswer(std::string_view caller,
                                                          std::string_view key) {
  if (answers_ == nullptr) return FailedPrecondition("the store is open read-only");
  return answers_->Find(caller, key);
}

Result<WalCheckpoint> SqliteStore::Checkpoint() {
  if (read_only_) return FailedPrecondition("the store is open read-only");
  return checkpointer_->RunNow();
}

Result<std::vector<NoticeRow>> SqliteStore::ReadNotices(const NoticeQuery& query) {
  return notice_reader_->Feed(query);
}

Result<uint64_t> SqliteStore::CountUnread(std::string_view recipient) {
  return notice_reader_->CountUnread(recipient);
}

Result<std::vector<NoticeRow>> SqliteStore::NoticesAfter(std::string_view recipient, uint64_t after,
                                                         size_t limit) {
  return notice_reader_->After(recipient, after, limit);
}

Result<std::vector<WebhookRow>> SqliteStore::ReadWebhooks() { return notice_reader_->Webhooks(); }

Result<std::optional<ArchiveRow>> SqliteStore::FindArchived(ArchiveKind kind, uint64_t id) {
  return archive_reader_->Find(kind, id);
}

Result<std::vector<ArchiveRow>> SqliteStore::ListArchived(const ArchiveQuery& query) {
  return archive_reader_->List(query);
}

Result<JournalHead> SqliteStore::Head() {
  ResetOnExit reset(head_);
  const int rc = sqlite3_step(head_);
  if (rc == SQLITE_DONE) return JournalHead{};
  if (rc != SQLITE_ROW) return SqliteError(db_, rc, "read the journal head");
  JournalHead head{.seq = U64(head_, 0)};
  if (!ColumnHash(head_, 1, &head.hash)) {
    return DataLoss("journal entry " + std::to_string(head.seq) + " has a malformed hash");
  }
  return head;
}

Status SqliteStore::InsertJournal(const JournalEntry& entry) {
  sqlite3_stmt* s = insert_journal_;
  sqlite3_bind_int64(s, 1, ToSql(entry.seq));
  sqlite3_bind_int64(s, 2, ToSql(entry.first_ts));
  sqlite3_bind_int64(s, 3, ToSql(entry.last_ts));
  int rc = BindBytes(s, 4, entry.prev_hash);
  if (rc == SQLITE_OK) rc = BindBytes(s, 5, entry.hash);
  if (rc == SQLITE_OK) rc = BindBytes(s, 6, entry.payload);
  if (rc != SQLITE_OK) return SqliteError(nullptr, rc, "bind journal entry");
  return StepDone(s, "insert journal entry");
}

Status SqliteStore::UpsertAccounts(std::span<const AccountRow> rows) {
  return WriteRows(SortedById(rows), upsert_accounts_, upsert_account_, &BindAccount,
                   "upsert account");
}

Status SqliteStore::InsertTransfers(std::span<const TransferRow> rows) {
  const std::vector<const TransferRow*> sorted = SortedById(rows);
  // Checked here because the row SQLite would refuse could not be named
  // after OR ROLLBACK has ended the transaction.
  const auto twin =
      std::adjacent_find(sorted.begin(), sorted.end(),
                         [](const TransferRow* a, const TransferRow* b) { return a->id == b->id; });
  if (twin != sorted.end()) {
    return AlreadyExists("transfer " + std::to_string((*twin)->id) + " appears twice in the batch");
  }
  return WriteRows(sorted, insert_transfers_, insert_transfer_, &BindTransfer, "insert transfer");
}

Status SqliteStore::UpdatePending(const PendingStatusUpdate& update) {
  sqlite3_bind_int64(update_pending_, 1, ToSql(update.transfer_id));
  sqlite3_bind_int64(update_pending_, 2, update.pending_status);
  Status status = StepDone(update_pending_, "update pending status");
  if (!status.ok()) return status.WithContext("transfer " + std::to_string(update.transfer_id));
  return status;
}

Status SqliteStore::SaveSnapshot(const SnapshotRecord& snapshot) {
  if (read_only_) return FailedPrecondition("the store is open read-only");
  Status status = InTransaction([&] { return WriteSnapshot(snapshot); });
  if (!status.ok()) return status.WithContext("save snapshot " + std::to_string(snapshot.seq));
  return status;
}

Status SqliteStore::WriteSnapshot(const SnapshotRecord& snapshot) {
  sqlite3_stmt* s = upsert_snapshot_;
  sqlite3_bind_int64(s, 1, ToSql(snapshot.seq));
  int rc = BindBytes(s, 2, snapshot.chain_head);
  if (rc == SQLITE_OK) rc = BindBytes(s, 3, snapshot.state_hash);
  if (rc == SQLITE_OK) rc = BindBytes(s, 4, snapshot.state);
  if (rc != SQLITE_OK) return SqliteError(nullptr, rc, "bind snapshot");
  BG_RETURN_IF_ERROR(StepDone(s, "insert snapshot"));
  return StepDone(prune_snapshots_, "prune snapshots");
}

Result<std::optional<SnapshotRecord>> SqliteStore::LatestSnapshot() {
  ResetOnExit reset(latest_snapshot_);
  const int rc = sqlite3_step(latest_snapshot_);
  if (rc == SQLITE_DONE) return std::optional<SnapshotRecord>();
  if (rc != SQLITE_ROW) return SqliteError(db_, rc, "read latest snapshot");
  BG_ASSIGN_OR_RETURN(SnapshotRecord snapshot, SnapshotFromRow(latest_snapshot_));
  return std::optional<SnapshotRecord>(std::move(snapshot));
}

Status SqliteStore::ReadJournal(uint64_t after_seq,
                                const std::function<Status(const JournalEntry&)>& visit) {
  // Seqs count up from 1 and never reach 2^63; past that, nothing follows.
  if (after_seq > static_cast<uint64_t>(std::numeric_limits<sqlite3_int64>::max())) {
    return Status::Ok();
  }
  ResetOnExit reset(read_journal_);
  sqlite3_bind_int64(read_journal_, 1, ToSql(after_seq));
  int rc = SQLITE_ROW;
  while ((rc = sqlite3_step(read_journal_)) == SQLITE_ROW) {
    BG_ASSIGN_OR_RETURN(const JournalEntry entry, JournalFromRow(read_journal_));
    BG_RETURN_IF_ERROR(visit(entry));
  }
  if (rc != SQLITE_DONE) return SqliteError(db_, rc, "read journal");
  return Status::Ok();
}

Result<uint64_t> SqliteStore::FirstSeqEndingAtOrAfter(Timestamp ts) {
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v2(
      db_, "SELECT seq FROM journal WHERE last_ts >= ?1 ORDER BY last_ts, seq LIMIT 1", -1, &stmt,
      nullptr);
  if (rc != SQLITE_OK) return SqliteError(db_, rc, "prepare the journal's time lookup");
  sqlite3_bind_int64(stmt, 1, ToSql(ts));
  rc = sqlite3_step(stmt);
  const uint64_t seq = rc == SQLITE_ROW ? U64(stmt, 0) : 0;
  sqlite3_finalize(stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
    return SqliteError(db_, rc, "find the journal by time");
  }
  return seq;
}

namespace {

// The span of the one row `sql` (bound to `ts` when it takes it) selects:
// seq, first_ts, last_ts; seq 0 when it selects none.
Result<JournalSpan> SpanOf(sqlite3* db, const char* sql, std::optional<Timestamp> ts) {
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr);
  if (rc != SQLITE_OK) return SqliteError(db, rc, "prepare a journal lookup");
  if (ts) sqlite3_bind_int64(stmt, 1, ToSql(*ts));
  rc = sqlite3_step(stmt);
  JournalSpan span;
  if (rc == SQLITE_ROW) {
    span = {.seq = U64(stmt, 0), .first_ts = U64(stmt, 1), .last_ts = U64(stmt, 2)};
  }
  sqlite3_finalize(stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) return SqliteError(db, rc, "look up the journal");
  return span;
}

}  // namespace

Result<JournalSpan> SqliteStore::EntryAt(Timestamp ts) {
  // Entries are in time order and do not overlap: the first one ending at
  // or after `ts` holds it, if it starts at or before it.
  BG_ASSIGN_OR_RETURN(const JournalSpan span,
                      SpanOf(db_,
                             "SELECT seq, first_ts, last_ts FROM journal WHERE last_ts >= ?1 "
                             "ORDER BY last_ts, seq LIMIT 1",
                             ts));
  if (span.seq == 0 || span.first_ts > ts) return JournalSpan{};
  return span;
}

Result<JournalSpan> SqliteStore::LastEntry() {
  return SpanOf(db_, "SELECT seq, first_ts, last_ts FROM journal ORDER BY seq DESC LIMIT 1",
                std::nullopt);
}

Result<std::vector<TransferRow>> SqliteStore::ReadTransfersOf(uint64_t reference) {
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v2(
      db_,
      "SELECT id, debit_account_id, credit_account_id, amount, pending_id, reference, timeout, "
      "ledger, code, flags, timestamp, pending_status, expires_at FROM transfers "
      "WHERE reference = ?1 ORDER BY timestamp",
      -1, &stmt, nullptr);
  if (rc != SQLITE_OK) return SqliteError(db_, rc, "prepare the transfers' reference lookup");
  sqlite3_bind_int64(stmt, 1, ToSql(reference));
  std::vector<TransferRow> rows;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) rows.push_back(TransferFromRow(stmt));
  sqlite3_finalize(stmt);
  if (rc != SQLITE_DONE) return SqliteError(db_, rc, "read the transfers of a reference");
  return rows;
}

Result<std::vector<TransferRow>> SqliteStore::ReadTransfersBetween(Timestamp first,
                                                                   Timestamp last) {
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v2(
      db_,
      "SELECT id, debit_account_id, credit_account_id, amount, pending_id, reference, timeout, "
      "ledger, code, flags, timestamp, pending_status, expires_at FROM transfers "
      "WHERE timestamp BETWEEN ?1 AND ?2 ORDER BY timestamp",
      -1, &stmt, nullptr);
  if (rc != SQLITE_OK) return SqliteError(db_, rc, "prepare the transfers' time lookup");
  sqlite3_bind_int64(stmt, 1, ToSql(first));
  sqlite3_bind_int64(stmt, 2, ToSql(last));
  std::vector<TransferRow> rows;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) rows.push_back(TransferFromRow(stmt));
  sqlite3_finalize(stmt);
  if (rc != SQLITE_DONE) return SqliteError(db_, rc, "read the transfers of a time range");
  return rows;
}

Result<std::vector<AccountRow>> SqliteStore::ReadAccounts() {
  std::vector<AccountRow> rows;
  BG_RETURN_IF_ERROR(ReadRows(read_accounts_, &AccountFromRow, "read accounts", &rows));
  return rows;
}

Result<std::vector<TransferRow>> SqliteStore::ReadTransfers() {
  std::vector<TransferRow> rows;
  BG_RETURN_IF_ERROR(ReadRows(read_transfers_, &TransferFromRow, "read transfers", &rows));
  return rows;
}

}  // namespace bg::storage
