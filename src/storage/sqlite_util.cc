#include "storage/sqlite_util.h"

#include <algorithm>
#include <string>

namespace bg::storage::sqlite_util {

StatusCode CodeFor(int rc) {
  switch (rc) {
    case SQLITE_CONSTRAINT_PRIMARYKEY:
    case SQLITE_CONSTRAINT_UNIQUE:
      return StatusCode::kAlreadyExists;
    default:
      break;
  }
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_CANTOPEN:
    case SQLITE_FULL:
    case SQLITE_IOERR:
    case SQLITE_READONLY:
      return StatusCode::kUnavailable;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return StatusCode::kDataLoss;
    default:
      return StatusCode::kInternal;
  }
}

Status SqliteError(sqlite3* db, int rc, std::string_view what) {
  std::string m(what);
  m += ": ";
  m += db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  return {CodeFor(rc), std::move(m)};
}

Status StepDone(sqlite3_stmt* stmt, std::string_view what) {
  ResetOnExit reset(stmt);
  const int rc = sqlite3_step(stmt);
  if (rc != SQLITE_DONE) return SqliteError(sqlite3_db_handle(stmt), rc, what);
  return Status::Ok();
}

int BindBytes(sqlite3_stmt* stmt, int index, std::span<const uint8_t> bytes) {
  if (bytes.empty()) return sqlite3_bind_zeroblob(stmt, index, 0);
  return sqlite3_bind_blob64(stmt, index, bytes.data(), bytes.size(), SQLITE_STATIC);
}

int BindText(sqlite3_stmt* stmt, int index, std::string_view text) {
  return sqlite3_bind_text64(stmt, index, text.data(), text.size(), SQLITE_STATIC, SQLITE_UTF8);
}

std::string_view ColumnText(sqlite3_stmt* stmt, int col) {
  const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, col));
  return text == nullptr
             ? std::string_view{}
             : std::string_view(text, static_cast<size_t>(sqlite3_column_bytes(stmt, col)));
}

std::vector<uint8_t> ColumnBytes(sqlite3_stmt* stmt, int col) {
  const auto* data = static_cast<const uint8_t*>(sqlite3_column_blob(stmt, col));
  const auto size = static_cast<size_t>(sqlite3_column_bytes(stmt, col));
  if (data == nullptr) return {};
  return {data, data + size};
}

bool ColumnHash(sqlite3_stmt* stmt, int col, Hash256* out) {
  const auto* data = static_cast<const uint8_t*>(sqlite3_column_blob(stmt, col));
  if (data == nullptr || sqlite3_column_bytes(stmt, col) != static_cast<int>(out->size())) {
    return false;
  }
  std::copy(data, data + out->size(), out->begin());
  return true;
}

Status Prepare(sqlite3* db, const char* sql, sqlite3_stmt** out) {
  const int rc = sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, out, nullptr);
  if (rc != SQLITE_OK) return SqliteError(db, rc, std::string("prepare: ") + sql);
  return Status::Ok();
}

Status Exec(sqlite3* db, const char* sql) {
  const int rc = sqlite3_exec(db, sql, nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return SqliteError(db, rc, sql);
  return Status::Ok();
}

// journal_mode answers with the mode it ended up in; a file system without
// shared memory support silently stays in "delete" mode.
Status EnableWal(sqlite3* db) {
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v2(db, "PRAGMA journal_mode=WAL", -1, &stmt, nullptr);
  if (rc != SQLITE_OK) return SqliteError(db, rc, "PRAGMA journal_mode=WAL");
  rc = sqlite3_step(stmt);
  std::string mode;
  if (rc == SQLITE_ROW) mode = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
  Status status = rc == SQLITE_ROW ? Status::Ok() : SqliteError(db, rc, "PRAGMA journal_mode=WAL");
  sqlite3_finalize(stmt);
  if (status.ok() && mode != "wal") {
    return FailedPrecondition("sqlite store: journal_mode is " + mode + ", WAL is required");
  }
  return status;
}

}  // namespace bg::storage::sqlite_util
