#include "storage/sqlite_archive.h"

#include <sqlite3.h>

#include "storage/sqlite_util.h"

namespace bg::storage {

using namespace sqlite_util;  // NOLINT(google-build-using-namespace): our own helpers

namespace {

constexpr const char* kColumns = "SELECT kind, id, owner, at, body FROM archive";

Status NoArchive() {
  return FailedPrecondition(
      "this file predates the archive (schema version 5); open it once read-write to migrate it");
}

}  // namespace

Result<std::unique_ptr<ArchiveWriter>> ArchiveWriter::Prepare(sqlite3* db) {
  std::unique_ptr<ArchiveWriter> w(new ArchiveWriter(db));
  BG_RETURN_IF_ERROR(sqlite_util::Prepare(
      db,
      // Only the same (kind, id) is skipped (OR IGNORE would skip a NULL body too).
      "INSERT INTO archive (kind, id, owner, at, body) VALUES (?1, ?2, ?3, ?4, ?5)"
      " ON CONFLICT (kind, id) DO NOTHING",
      &w->insert_));
  return w;
}

ArchiveWriter::~ArchiveWriter() { sqlite3_finalize(insert_); }

Status ArchiveWriter::Write(std::span<const ArchiveRow> rows) {
  for (const ArchiveRow& r : rows) {
    int rc = sqlite3_bind_int(insert_, 1, static_cast<int>(r.kind));
    if (rc == SQLITE_OK) rc = sqlite3_bind_int64(insert_, 2, ToSql(r.id));
    if (rc == SQLITE_OK) rc = sqlite3_bind_int64(insert_, 3, ToSql(r.owner));
    if (rc == SQLITE_OK) rc = sqlite3_bind_int64(insert_, 4, ToSql(r.at));
    if (rc == SQLITE_OK) {
      rc = BindBytes(insert_, 5, r.body);
    }
    if (rc != SQLITE_OK) return SqliteError(db_, rc, "bind an archived record");
    BG_RETURN_IF_ERROR(StepDone(insert_, "archive a record"));
  }
  return Status::Ok();
}

Result<std::unique_ptr<ArchiveReader>> ArchiveReader::Open(const std::string& path) {
  sqlite3* db = nullptr;
  const int rc =
      sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nullptr);
  std::unique_ptr<ArchiveReader> reader(new ArchiveReader(db));
  if (rc != SQLITE_OK) return SqliteError(db, rc, "open the archive connection");
  sqlite3_busy_timeout(db, kBusyTimeoutMs);
  MutexLock lock(&reader->mu_);
  // A file from before the archive (opened read-only, so not migrated):
  // every read is refused, saying so (a job retired by a replay of it could
  // not be found, and must not read as unknown).
  sqlite3_stmt* has_table = nullptr;
  BG_RETURN_IF_ERROR(Prepare(
      db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'archive'", &has_table));
  const int found = sqlite3_step(has_table);
  sqlite3_finalize(has_table);
  if (found == SQLITE_DONE) return reader;
  if (found != SQLITE_ROW) return SqliteError(db, found, "look for the archive table");
  const std::string find = std::string(kColumns) + " WHERE kind = ?1 AND id = ?2";
  const std::string all =
      std::string(kColumns) + " WHERE kind = ?1 AND id > ?2 ORDER BY id LIMIT ?3";
  const std::string owner =
      std::string(kColumns) + " WHERE kind = ?1 AND owner = ?4 AND id > ?2 ORDER BY id LIMIT ?3";
  BG_RETURN_IF_ERROR(Prepare(db, find.c_str(), &reader->find_));
  BG_RETURN_IF_ERROR(Prepare(db, all.c_str(), &reader->list_all_));
  BG_RETURN_IF_ERROR(Prepare(db, owner.c_str(), &reader->list_owner_));
  return reader;
}

ArchiveReader::~ArchiveReader() {
  MutexLock lock(&mu_);
  for (sqlite3_stmt* stmt : {find_, list_all_, list_owner_}) sqlite3_finalize(stmt);
  sqlite3_close(db_);
}

Result<std::vector<ArchiveRow>> ArchiveReader::Rows(sqlite3_stmt* stmt) {
  ResetOnExit reset(stmt);
  std::vector<ArchiveRow> out;
  int rc = 0;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    out.push_back(ArchiveRow{.kind = static_cast<ArchiveKind>(sqlite3_column_int(stmt, 0)),
                             .id = U64(stmt, 1),
                             .owner = U64(stmt, 2),
                             .at = U64(stmt, 3),
                             .body = ColumnBytes(stmt, 4)});
  }
  if (rc != SQLITE_DONE) return SqliteError(db_, rc, "read the archive");
  return out;
}

Result<std::optional<ArchiveRow>> ArchiveReader::Find(ArchiveKind kind, uint64_t id) {
  MutexLock lock(&mu_);
  if (find_ == nullptr) return NoArchive();
  int rc = sqlite3_bind_int(find_, 1, static_cast<int>(kind));
  if (rc == SQLITE_OK) rc = sqlite3_bind_int64(find_, 2, ToSql(id));
  if (rc != SQLITE_OK) return SqliteError(db_, rc, "bind an archive lookup");
  BG_ASSIGN_OR_RETURN(std::vector<ArchiveRow> rows, Rows(find_));
  if (rows.empty()) return std::optional<ArchiveRow>();
  return std::optional<ArchiveRow>(std::move(rows.front()));
}

Result<std::vector<ArchiveRow>> ArchiveReader::List(const ArchiveQuery& q) {
  MutexLock lock(&mu_);
  if (find_ == nullptr) return NoArchive();
  sqlite3_stmt* stmt = q.owner == 0 ? list_all_ : list_owner_;
  int rc = sqlite3_bind_int(stmt, 1, static_cast<int>(q.kind));
  if (rc == SQLITE_OK) rc = sqlite3_bind_int64(stmt, 2, ToSql(q.after_id));
  if (rc == SQLITE_OK) rc = sqlite3_bind_int64(stmt, 3, static_cast<sqlite3_int64>(q.limit));
  if (rc == SQLITE_OK && q.owner != 0) rc = sqlite3_bind_int64(stmt, 4, ToSql(q.owner));
  if (rc != SQLITE_OK) return SqliteError(db_, rc, "bind an archive query");
  return Rows(stmt);
}

}  // namespace bg::storage
