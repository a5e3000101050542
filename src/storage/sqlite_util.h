// Small helpers over SQLite's C API shared by the stores that keep SQLite
// files (sqlite_store.cc, sqlite_answers.cc, agent_store.cc): errors as Status, byte and
// hash columns, a statement reset on scope exit, WAL. Internal to storage/.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include <sqlite3.h>

#include "common/hash.h"
#include "common/status.h"

namespace bg::storage::sqlite_util {

constexpr int kBusyTimeoutMs = 5000;

// SQLite integers are signed 64-bit. A uint64 is stored as the int64 with
// the same bits and cast back on read, so every value round-trips exactly;
// only SQL comparisons see ids >= 2^63 as negative (see ReadRows).
inline sqlite3_int64 ToSql(uint64_t v) { return static_cast<sqlite3_int64>(v); }
inline uint64_t U64(sqlite3_stmt* stmt, int col) {
  return static_cast<uint64_t>(sqlite3_column_int64(stmt, col));
}
inline int64_t I64(sqlite3_stmt* stmt, int col) { return sqlite3_column_int64(stmt, col); }

// Resets a statement when the scope ends, so that an early return cannot
// leave it mid-step holding a read lock.
class ResetOnExit {
 public:
  explicit ResetOnExit(sqlite3_stmt* stmt) : stmt_(stmt) {}
  ResetOnExit(const ResetOnExit&) = delete;
  ResetOnExit& operator=(const ResetOnExit&) = delete;
  ~ResetOnExit() { sqlite3_reset(stmt_); }

 private:
  sqlite3_stmt* stmt_;
};

StatusCode CodeFor(int rc);
// Built only on the error path, so the hot loops never format strings.
// Without a connection (bind errors), the generic text for `rc` is used.
Status SqliteError(sqlite3* db, int rc, std::string_view what);
// Steps a statement that returns no rows, then resets it.
Status StepDone(sqlite3_stmt* stmt, std::string_view what);
// SQLITE_STATIC: the bytes must outlive the step. An empty span is bound as
// a zero-length blob, because a null pointer would bind SQL NULL.
int BindBytes(sqlite3_stmt* stmt, int index, std::span<const uint8_t> bytes);
std::vector<uint8_t> ColumnBytes(sqlite3_stmt* stmt, int col);
// UTF-8 text; SQLITE_STATIC: the text must outlive the step.
int BindText(sqlite3_stmt* stmt, int index, std::string_view text);
// A text column, valid until the statement steps again or is reset.
std::string_view ColumnText(sqlite3_stmt* stmt, int col);
bool ColumnHash(sqlite3_stmt* stmt, int col, Hash256* out);
Status Exec(sqlite3* db, const char* sql);
// A statement kept for the connection's life (SQLITE_PREPARE_PERSISTENT).
Status Prepare(sqlite3* db, const char* sql, sqlite3_stmt** out);
// FailedPrecondition when the file system keeps the file out of WAL mode.
Status EnableWal(sqlite3* db);

}  // namespace bg::storage::sqlite_util
