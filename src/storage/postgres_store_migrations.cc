#include "storage/postgres_store_migrations.h"

#include <span>
#include <string>

#include "common/result.h"

namespace bg::storage {
namespace {

struct Migration {
  int version;
  const char* name;
  const char* sql;
};

// Every uint64 of the domain (ids, timestamps, seq) is a bigint with the
// same bits (ids at or above 2^63 read as negative in SQL); uint32 fields
// are bigints too, uint16 integers, uint8 smallints. Hashes are 32-byte
// byteas.
constexpr const char* kLedgerSchema = R"sql(
-- One row per engine batch: the hash-chained journal, the source of truth.
CREATE TABLE journal (
  seq bigint PRIMARY KEY,
  first_ts bigint NOT NULL,
  last_ts bigint NOT NULL,
  prev_hash bytea NOT NULL,
  hash bytea NOT NULL,
  payload bytea NOT NULL
);
-- A read of a period (the activity) starts at its first entry.
CREATE INDEX journal_last_ts ON journal (last_ts);

-- Encoded state after journal entry `seq`; restart = latest snapshot + replay.
CREATE TABLE snapshots (
  seq bigint PRIMARY KEY,
  chain_head bytea NOT NULL,
  state_hash bytea NOT NULL,
  state bytea NOT NULL
);

-- Projection: every ledger account with its balances, upserted per batch.
CREATE TABLE accounts (
  id bigint PRIMARY KEY,
  ledger bigint NOT NULL,
  code integer NOT NULL,
  flags integer NOT NULL,
  owner bigint NOT NULL,
  debits_pending bigint NOT NULL,
  debits_posted bigint NOT NULL,
  credits_pending bigint NOT NULL,
  credits_posted bigint NOT NULL,
  timestamp bigint NOT NULL
);

-- Projection: every transfer, inserted once; only pending_status changes
-- later, when a hold is posted, voided or expires.
CREATE TABLE transfers (
  id bigint PRIMARY KEY,
  debit_account_id bigint NOT NULL,
  credit_account_id bigint NOT NULL,
  amount bigint NOT NULL,
  pending_id bigint NOT NULL,
  reference bigint NOT NULL,
  timeout bigint NOT NULL,
  ledger bigint NOT NULL,
  code integer NOT NULL,
  flags integer NOT NULL,
  timestamp bigint NOT NULL,
  pending_status smallint NOT NULL,
  expires_at bigint NOT NULL
);
-- Lookups by external reference (orders, usage records) and by hold.
CREATE INDEX transfers_reference ON transfers (reference) WHERE reference <> 0;
CREATE INDEX transfers_pending_id ON transfers (pending_id) WHERE pending_id <> 0;
)sql";

// The answers given to requests with an Idempotency-Key, committed with
// the batch that made them true; ids in the order kept, so that the oldest
// are a prefix (forgetting deletes up to the first one young enough).
// Notices: one feed per recipient, unread first and newest first; `key`
// keeps a notice from being stored twice. Webhooks: one URL per recipient
// and how far it has acknowledged.
constexpr const char* kAnswersAndNotices = R"sql(
CREATE TABLE answers (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  caller text NOT NULL,
  key text NOT NULL,
  request bytea NOT NULL,
  answer bytea NOT NULL,
  at bigint NOT NULL,
  UNIQUE (caller, key)
);
CREATE TABLE notices (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  key text NOT NULL UNIQUE,
  recipient text NOT NULL,
  kind text NOT NULL,
  at bigint NOT NULL,
  body text NOT NULL,
  read boolean NOT NULL DEFAULT false
);
CREATE INDEX notices_feed ON notices (recipient, read, id DESC);
CREATE INDEX notices_all ON notices (read, id DESC);
CREATE TABLE webhooks (
  recipient text PRIMARY KEY,
  url text NOT NULL,
  secret text NOT NULL,
  created_at bigint NOT NULL,
  delivered bigint NOT NULL
);
)sql";

// The fenced writer lease (postgres_store.h): one row, free at first (no
// holder, epoch 0, expired long ago). Each writer takes it with epoch + 1;
// expires_at is the database's clock plus the TTL, never a client's.
constexpr const char* kWriterLease = R"sql(
CREATE TABLE writer_lease (
  one boolean PRIMARY KEY DEFAULT true CHECK (one),
  holder text NOT NULL,
  epoch bigint NOT NULL,
  expires_at timestamptz NOT NULL
);
INSERT INTO writer_lease (holder, epoch, expires_at) VALUES ('', 0, 'epoch');
)sql";

// Records retired from the engine's state (storage/store.h, ArchiveRow),
// by kind and id, and by owner for an enterprise's lists.
constexpr const char* kArchive = R"sql(
CREATE TABLE archive (
  kind integer NOT NULL,
  id bigint NOT NULL,
  owner bigint NOT NULL,
  at bigint NOT NULL,
  body bytea NOT NULL,
  PRIMARY KEY (kind, id)
);
CREATE INDEX archive_owner ON archive (kind, owner, id);
)sql";

// Transfers by time: a journal entry's transfers once the engine's ledger
// has retired them (Store::ReadTransfersBetween).
constexpr const char* kTransfersByTime = R"sql(
CREATE INDEX transfers_timestamp ON transfers (timestamp);
)sql";

// Append only; versions strictly increase by one.
constexpr Migration kMigrations[] = {
    {1, "journal, snapshots, accounts, transfers", kLedgerSchema},
    {2, "answers kept for idempotency keys; notices and webhooks", kAnswersAndNotices},
    {3, "the fenced writer lease", kWriterLease},
    {4, "the archive of records retired from the state", kArchive},
    {5, "transfers by time", kTransfersByTime},
};

// pg_advisory_xact_lock's key for migrations ("bgmigr").
constexpr int64_t kMigrationLock = 0x6267'6d69'6772;

// Inside a transaction: waits for any other migrating store, makes sure the
// table of versions exists and returns the highest version applied.
Result<int> LockAndReadVersion(pg::Connection& conn) {
  BG_RETURN_IF_ERROR(conn.Run("SELECT pg_advisory_xact_lock($1)", pg::Params().Int(kMigrationLock),
                              "lock the schema"));
  BG_RETURN_IF_ERROR(
      conn.Script("CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, "
                  "name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())",
                  "create schema_migrations"));
  BG_ASSIGN_OR_RETURN(
      const pg::Rows rows,
      conn.Exec("SELECT COALESCE(MAX(version), 0) FROM schema_migrations", {}, "schema version"));
  return static_cast<int>(rows.Int(0, 0));
}

Status ApplyIfNew(pg::Connection& conn, const Migration& m) {
  return conn.Transaction([&]() -> Status {
    BG_ASSIGN_OR_RETURN(const int current, LockAndReadVersion(conn));
    if (m.version <= current) return Status::Ok();  // another store was first
    BG_RETURN_IF_ERROR(conn.Script(m.sql, "apply migration " + std::to_string(m.version)));
    return conn.Run("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)",
                    pg::Params().Int(m.version).Text(m.name), "record a migration");
  });
}

}  // namespace

int LatestPostgresSchemaVersion() { return std::span(kMigrations).back().version; }

Status MigratePostgres(pg::Connection& conn) {
  int current = 0;
  BG_RETURN_IF_ERROR(conn.Transaction([&]() -> Status {
    BG_ASSIGN_OR_RETURN(current, LockAndReadVersion(conn));
    return Status::Ok();
  }));
  if (current > LatestPostgresSchemaVersion()) {
    return FailedPrecondition("postgresql schema version " + std::to_string(current) +
                              " is newer than this program's " +
                              std::to_string(LatestPostgresSchemaVersion()));
  }
  for (const Migration& m : kMigrations) {
    if (m.version > current) BG_RETURN_IF_ERROR(ApplyIfNew(conn, m));
  }
  return Status::Ok();
}

}  // namespace bg::storage
