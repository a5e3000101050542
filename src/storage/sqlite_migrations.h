// Versioned schema migrations for the SQLite store.
//
// The schema is an ordered list of migrations, each a version number, a name
// and SQL. `schema_migrations` records the versions already applied, so that
// opening an existing file applies only the newer ones, each in its own
// transaction: a crash mid-way leaves the file at the last whole version.
// Migrations are append-only: once a version has shipped, its SQL never
// changes; a fix is a new version.
//
// Thread-safety: Migrate uses the connection it is given; call it before the
// connection is shared (SqliteStore::Open does).
#pragma once

#include "common/status.h"

struct sqlite3;

namespace bg::storage {

// The version the last migration brings a file to.
int LatestSchemaVersion();

// Applies, in order, every migration whose version is above the highest one
// recorded in `db`, each in one IMMEDIATE transaction. Safe to call on every
// open, also from two processes at once (the second sees the first's rows).
Status Migrate(sqlite3* db);

}  // namespace bg::storage
