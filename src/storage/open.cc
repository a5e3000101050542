#include "storage/open.h"

#include "storage/pg.h"
#include "storage/postgres_store.h"
#include "storage/sqlite_store.h"

namespace bg::storage {

bool IsPostgresUrl(std::string_view db) {
  return db.starts_with("postgresql://") || db.starts_with("postgres://");
}

std::string Shown(const std::string& db) { return IsPostgresUrl(db) ? pg::Redacted(db) : db; }

Result<std::unique_ptr<Store>> OpenWriter(const std::string& db, const OpenOptions& options) {
  if (IsPostgresUrl(db)) {
    BG_ASSIGN_OR_RETURN(std::unique_ptr<PostgresStore> store,
                        PostgresStore::Open({.url = db,
                                             .holder = options.holder,
                                             .lease_ttl = options.lease_ttl,
                                             .lease_wait = options.lease_wait}));
    return std::unique_ptr<Store>(std::move(store));
  }
  BG_ASSIGN_OR_RETURN(std::unique_ptr<SqliteStore> store, SqliteStore::Open({.path = db}));
  return std::unique_ptr<Store>(std::move(store));
}

Result<std::unique_ptr<Store>> OpenReader(const std::string& db) {
  if (IsPostgresUrl(db)) {
    BG_ASSIGN_OR_RETURN(std::unique_ptr<PostgresStore> store, PostgresStore::OpenReader(db));
    return std::unique_ptr<Store>(std::move(store));
  }
  BG_ASSIGN_OR_RETURN(std::unique_ptr<SqliteStore> store,
                      SqliteStore::Open({.path = db, .read_only = true}));
  return std::unique_ptr<Store>(std::move(store));
}

Result<std::unique_ptr<Store>> OpenFollower(const std::string& db) {
  if (!IsPostgresUrl(db)) {
    return InvalidArgument("only a PostgreSQL database is followed by a standby, not " + db);
  }
  BG_ASSIGN_OR_RETURN(std::unique_ptr<PostgresStore> store, PostgresStore::OpenFollower(db));
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace bg::storage
