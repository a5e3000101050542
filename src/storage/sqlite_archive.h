// The archive in the SQLite file (storage/store.h, ArchiveRow): records
// retired from the engine's state. ArchiveWriter writes them on the store's
// own connection, inside the batch's transaction, so a record leaves the
// state exactly when it is in the archive; ArchiveReader reads them on a
// connection of its own, for the API's threads while the engine commits.
// Internal to storage/.
#pragma once

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "common/mutex.h"
#include "common/result.h"
#include "storage/store.h"

struct sqlite3;
struct sqlite3_stmt;

namespace bg::storage {

class ArchiveWriter {
 public:
  static Result<std::unique_ptr<ArchiveWriter>> Prepare(sqlite3* db);
  ~ArchiveWriter();
  ArchiveWriter(const ArchiveWriter&) = delete;
  ArchiveWriter& operator=(const ArchiveWriter&) = delete;

  // Inside the caller's transaction; a record archived already stays as it is.
  Status Write(std::span<const ArchiveRow> rows);

 private:
  explicit ArchiveWriter(sqlite3* db) : db_(db) {}

  sqlite3* db_;
  sqlite3_stmt* insert_ = nullptr;
};

class ArchiveReader {
 public:
  static Result<std::unique_ptr<ArchiveReader>> Open(const std::string& path);
  ~ArchiveReader();
  ArchiveReader(const ArchiveReader&) = delete;
  ArchiveReader& operator=(const ArchiveReader&) = delete;

  Result<std::optional<ArchiveRow>> Find(ArchiveKind kind, uint64_t id) BG_EXCLUDES(mu_);
  Result<std::vector<ArchiveRow>> List(const ArchiveQuery& query) BG_EXCLUDES(mu_);

 private:
  explicit ArchiveReader(sqlite3* db) : db_(db) {}
  Result<std::vector<ArchiveRow>> Rows(sqlite3_stmt* stmt) BG_REQUIRES(mu_);

  Mutex mu_;
  sqlite3* db_ BG_PT_GUARDED_BY(mu_);
  sqlite3_stmt* find_ BG_PT_GUARDED_BY(mu_) = nullptr;
  sqlite3_stmt* list_all_ BG_PT_GUARDED_BY(mu_) = nullptr;
  sqlite3_stmt* list_owner_ BG_PT_GUARDED_BY(mu_) = nullptr;
};

}  // namespace bg::storage
