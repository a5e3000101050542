// Opening a store by what names it: a file path is a SQLite database, a
// postgresql:// (or postgres://) URL a PostgreSQL one. The one place that
// tells them apart, so that `serve --db`, the API's readers and the tools
// take either.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "common/result.h"
#include "storage/store.h"

namespace bg::storage {

// True for postgresql:// and postgres:// URLs.
bool IsPostgresUrl(std::string_view db);

// `db` as messages and logs may show it: a URL without its password.
std::string Shown(const std::string& db);

struct OpenOptions {
  // PostgreSQL only (storage/postgres_store.h): who the writer lease names
  // ("" = host:pid), its TTL, and how long to wait for it while another
  // writer holds it (a standby waits as long as it must: milliseconds::max()).
  std::string holder = {};
  std::chrono::milliseconds lease_ttl{10'000};
  std::chrono::milliseconds lease_wait{0};
};

// The writer's store: SqliteStore (durable, synchronous commits, its file's
// writer lock) or PostgresStore (migrated, the lease taken).
Result<std::unique_ptr<Store>> OpenWriter(const std::string& db, const OpenOptions& options = {});

// A read-only store with one consistent view of the database as it is
// now, while a writer (in this process or another) goes on; writes are
// refused. For the API's audit and drill-down reads.
Result<std::unique_ptr<Store>> OpenReader(const std::string& db);

// A read-only store whose reads see what is committed by then, for a
// standby following the journal (PostgreSQL only: a SQLite file has no
// standby).
Result<std::unique_ptr<Store>> OpenFollower(const std::string& db);

}  // namespace bg::storage
