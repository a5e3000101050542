#include "storage/sqlite_migrations.h"

#include <span>
#include <string>

#include <sqlite3.h>

#include "common/check.h"
#include "common/result.h"

namespace bg::storage {
namespace {

struct Migration {
  int version;
  const char* name;
  const char* sql;
};

// Every uint64 of the domain (ids, timestamps, seq) is stored as the INTEGER
// with the same bits (static_cast to int64); see sqlite_store.cc.
constexpr const char* kInitialSchema = R"sql(
-- One row per engine batch: the hash-chained journal, the source of truth.
CREATE TABLE journal (
  seq INTEGER PRIMARY KEY,
  first_ts INTEGER NOT NULL,
  last_ts INTEGER NOT NULL,
  prev_hash BLOB NOT NULL,
  hash BLOB NOT NULL,
  payload BLOB NOT NULL
);

-- Encoded state after journal entry `seq`; restart = latest snapshot + replay.
CREATE TABLE snapshots (
  seq INTEGER PRIMARY KEY,
  chain_head BLOB NOT NULL,
  state_hash BLOB NOT NULL,
  state BLOB NOT NULL
);

-- Projection: every ledger account with its balances, upserted per batch.
CREATE TABLE accounts (
  id INTEGER PRIMARY KEY,
  ledger INTEGER NOT NULL,
  code INTEGER NOT NULL,
  flags INTEGER NOT NULL,
  owner INTEGER NOT NULL,
  debits_pending INTEGER NOT NULL,
  debits_posted INTEGER NOT NULL,
  credits_pending INTEGER NOT NULL,
  credits_posted INTEGER NOT NULL,
  timestamp INTEGER NOT NULL
);

-- Projection: every transfer, inserted once; only pending_status changes
-- later, when a hold is posted, voided or expires.
CREATE TABLE transfers (
  id INTEGER PRIMARY KEY,
  debit_account_id INTEGER NOT NULL,
  credit_account_id INTEGER NOT NULL,
  amount INTEGER NOT NULL,
  pending_id INTEGER NOT NULL,
  reference INTEGER NOT NULL,
  timeout INTEGER NOT NULL,
  ledger INTEGER NOT NULL,
  code INTEGER NOT NULL,
  flags INTEGER NOT NULL,
  timestamp INTEGER NOT NULL,
  pending_status INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);

-- Lookups by external reference (orders, usage records) and by hold.
CREATE INDEX transfers_reference ON transfers(reference) WHERE reference != 0;
CREATE INDEX transfers_pending_id ON transfers(pending_id) WHERE pending_id != 0;
)sql";

// The answers given to requests with an Idempotency-Key, committed with
// the batch that made them true (storage/store.h, KeptAnswer).
constexpr const char* kAnswers = R"sql(
CREATE TABLE answers (
  caller TEXT NOT NULL,
  key TEXT NOT NULL,
  request BLOB NOT NULL,
  answer BLOB NOT NULL,
  at INTEGER NOT NULL,
  PRIMARY KEY (caller, key)
) WITHOUT ROWID;
CREATE INDEX answers_at ON answers(at);
)sql";

// The answers in id order, found through an index in memory
// (storage/sqlite_answers.h says why). AUTOINCREMENT: an id is never used
// twice, even after every row was forgotten, so the index's floor holds.
constexpr const char* kAnswersById = R"sql(
CREATE TABLE answers_by_id (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  caller TEXT NOT NULL,
  key TEXT NOT NULL,
  request BLOB NOT NULL,
  answer BLOB NOT NULL,
  at INTEGER NOT NULL
);
INSERT INTO answers_by_id (caller, key, request, answer, at)
  SELECT caller, key, request, answer, at FROM answers ORDER BY at;
DROP TABLE answers;
ALTER TABLE answers_by_id RENAME TO answers;
)sql";

// Notices (storage/store.h, NoticeRow): one feed per recipient, read
// unread first and newest first; `key` keeps a notice from being stored
// twice. Webhooks: one URL per recipient and how far it has acknowledged.
// The journal by time, so that a read of a period (the activity) starts at
// its first entry instead of the journal's.
constexpr const char* kNotices = R"sql(
CREATE TABLE notices (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  key TEXT NOT NULL UNIQUE,
  recipient TEXT NOT NULL,
  kind TEXT NOT NULL,
  at INTEGER NOT NULL,
  body TEXT NOT NULL,
  read INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX notices_feed ON notices(recipient, read, id DESC);
CREATE INDEX notices_all ON notices(read, id DESC);
CREATE INDEX journal_last_ts ON journal(last_ts);
CREATE TABLE webhooks (
  recipient TEXT PRIMARY KEY,
  url TEXT NOT NULL,
  secret TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  delivered INTEGER NOT NULL
) WITHOUT ROWID;
)sql";

// Records retired from the engine's state (storage/store.h, ArchiveRow),
// by kind and id, and by owner for an enterprise's lists. Ids are stored
// as SQLite's signed 64-bit integers (the bit pattern), as everywhere here.
constexpr const char* kArchive = R"sql(
CREATE TABLE archive (
  kind INTEGER NOT NULL,
  id INTEGER NOT NULL,
  owner INTEGER NOT NULL,
  at INTEGER NOT NULL,
  body BLOB NOT NULL,
  PRIMARY KEY (kind, id)
) WITHOUT ROWID;
CREATE INDEX archive_owner ON archive(kind, owner, id);
)sql";

// Transfers by time: a journal entry's transfers once the engine's ledger
// has retired them (Store::ReadTransfersBetween).
constexpr const char* kTransfersByTime = R"sql(
CREATE INDEX transfers_timestamp ON transfers(timestamp);
)sql";

// Append only; versions strictly increase by one.
constexpr Migration kMigrations[] = {
    {1, "initial schema: journal, snapshots, accounts, transfers", kInitialSchema},
    {2, "answers kept for idempotency keys", kAnswers},
    {3, "answers in id order, indexed in memory", kAnswersById},
    {4, "notices and webhooks; the journal by time", kNotices},
    {5, "the archive of records retired from the state", kArchive},
    {6, "transfers by time", kTransfersByTime},
};

Status SqliteError(sqlite3* db, const std::string& what) {
  return Internal("sqlite migrations: " + what + ": " + sqlite3_errmsg(db));
}

Status Exec(sqlite3* db, const char* sql, const std::string& what) {
  if (sqlite3_exec(db, sql, nullptr, nullptr, nullptr) != SQLITE_OK) return SqliteError(db, what);
  return Status::Ok();
}

// Reads the highest applied version; 0 for a new file.
Result<int> CurrentVersion(sqlite3* db) {
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations", -1, &stmt,
                         nullptr) != SQLITE_OK) {
    return SqliteError(db, "read schema version");
  }
  const int rc = sqlite3_step(stmt);
  const int version = rc == SQLITE_ROW ? sqlite3_column_int(stmt, 0) : 0;
  sqlite3_finalize(stmt);
  if (rc != SQLITE_ROW) return SqliteError(db, "read schema version");
  return version;
}

Status Record(sqlite3* db, const Migration& m) {
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db,
                         "INSERT INTO schema_migrations(version, name, applied_at) "
                         "VALUES (?1, ?2, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))",
                         -1, &stmt, nullptr) != SQLITE_OK) {
    return SqliteError(db, "record migration");
  }
  sqlite3_bind_int(stmt, 1, m.version);
  sqlite3_bind_text(stmt, 2, m.name, -1, SQLITE_STATIC);
  const int rc = sqlite3_step(stmt);
  sqlite3_finalize(stmt);
  if (rc != SQLITE_DONE) return SqliteError(db, "record migration");
  return Status::Ok();
}

// Inside the caller's transaction: the version is re-read under the write
// lock, so a concurrent opener cannot apply the same migration twice.
Status ApplyIfNew(sqlite3* db, const Migration& m) {
  BG_ASSIGN_OR_RETURN(const int current, CurrentVersion(db));
  if (m.version <= current) return Status::Ok();
  BG_RETURN_IF_ERROR(Exec(db, m.sql, "apply migration " + std::to_string(m.version)));
  return Record(db, m);
}

Status ApplyInTransaction(sqlite3* db, const Migration& m) {
  BG_RETURN_IF_ERROR(Exec(db, "BEGIN IMMEDIATE", "begin migration"));
  Status status = ApplyIfNew(db, m);
  if (status.ok()) status = Exec(db, "COMMIT", "commit migration");
  if (!status.ok() && sqlite3_get_autocommit(db) == 0) {
    sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
  }
  return status;
}

}  // namespace

int LatestSchemaVersion() { return std::span(kMigrations).back().version; }

Status Migrate(sqlite3* db) {
  BG_CHECK(db != nullptr);
  BG_RETURN_IF_ERROR(Exec(db,
                          "CREATE TABLE IF NOT EXISTS schema_migrations ("
                          "version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
                          "applied_at TEXT NOT NULL)",
                          "create schema_migrations"));
  BG_ASSIGN_OR_RETURN(const int current, CurrentVersion(db));
  if (current > LatestSchemaVersion()) {
    return FailedPrecondition("sqlite schema version " + std::to_string(current) +
                              " is newer than this program's " +
                              std::to_string(LatestSchemaVersion()));
  }
  for (const Migration& m : kMigrations) {
    if (m.version > current) BG_RETURN_IF_ERROR(ApplyInTransaction(db, m));
  }
  return Status::Ok();
}

}  // namespace bg::storage
