// The archive in the PostgreSQL store (storage/store.h, ArchiveRow), the
// same rows and order as sqlite_archive.h: Write runs inside the batch's
// transaction on the writer's connection, so a record leaves the engine's
// state exactly when it is archived; the reads run on the store's shared
// reader connection, for the API's threads. Ids are int8 with the same
// bits (as the ledger's), so the id order is uint64's below 2^63 — every
// record id is (they are below 2^54). Internal to storage/.
//
// Thread-safety: each function uses the connection it is given.
#pragma once

#include <optional>
#include <span>
#include <vector>

#include "storage/pg.h"
#include "storage/store.h"

namespace bg::storage::pg_archive {

// Inside the caller's transaction; a record archived already stays as it is.
Status Write(pg::Connection& conn, std::span<const ArchiveRow> rows);

Result<std::optional<ArchiveRow>> Find(pg::Connection& conn, ArchiveKind kind, uint64_t id);
Result<std::vector<ArchiveRow>> List(pg::Connection& conn, const ArchiveQuery& query);

}  // namespace bg::storage::pg_archive
