// Versioned schema migrations for the PostgreSQL store: the same tables as
// the SQLite store's (sqlite_migrations.cc), in PostgreSQL's types, and the
// writer lease's row (postgres_store.h), which SQLite does without.
//
// As for SQLite: an ordered, append-only list of (version, name, SQL);
// `schema_migrations` records what was applied, and opening a database
// applies only the newer versions, each in its own transaction (PostgreSQL's
// DDL is transactional, so a crash leaves the database at the last whole
// version). A transaction-scoped advisory lock serialises two stores opening
// one database at once: the second re-reads the version under the lock and
// finds nothing left to do.
//
// Thread-safety: Migrate uses the connection it is given, before the store
// shares it.
#pragma once

#include "common/status.h"
#include "storage/pg.h"

namespace bg::storage {

// The version the last PostgreSQL migration brings a database to.
int LatestPostgresSchemaVersion();

// Brings the database of `conn` up to date; FailedPrecondition when it is
// newer than this program.
Status MigratePostgres(pg::Connection& conn);

}  // namespace bg::storage
