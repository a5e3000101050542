#include "storage/idempotency_store.h"

#include "storage/sqlite_util.h"

namespace bg::storage {

using namespace sqlite_util;  // NOLINT(google-build-using-namespace): our own helpers

namespace {

constexpr const char* kSchema =
    "CREATE TABLE IF NOT EXISTS idempotency ("
    "  caller TEXT NOT NULL,"
    "  key TEXT NOT NULL,"
    "  request BLOB NOT NULL,"
    "  answer BLOB NOT NULL,"
    "  at INTEGER NOT NULL,"
    "  PRIMARY KEY (caller, key)) WITHOUT ROWID;"
    "CREATE INDEX IF NOT EXISTS idempotency_at ON idempotency (at);";

int BindText(sqlite3_stmt* stmt, int index, std::string_view text) {
  return sqlite3_bind_text64(stmt, index, text.data(), text.size(), SQLITE_STATIC, SQLITE_UTF8);
}

}  // namespace

Result<std::unique_ptr<IdempotencyStore>> IdempotencyStore::Open(const std::string& path) {
  sqlite3* db = nullptr;
  const std::string name = path.empty() ? ":memory:" : path;
  const int rc = sqlite3_open_v2(
      name.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  std::unique_ptr<IdempotencyStore> store(new IdempotencyStore(db));
  if (rc != SQLITE_OK) return SqliteError(db, rc, "open idempotency store " + name);
  sqlite3_busy_timeout(db, kBusyTimeoutMs);
  if (!path.empty()) {
    BG_RETURN_IF_ERROR(EnableWal(db));
    // NORMAL in WAL mode: a kept answer survives the process's death
    // (kill -9), not a power cut; that loss is the one the header allows
    // (the retry runs again and meets its ids), and it saves an fsync per
    // request: keyed quotes run at 0.36 of plain ones instead of 0.12
    // (docs/benchmarks.md).
    BG_RETURN_IF_ERROR(Exec(db, "PRAGMA synchronous=NORMAL"));
  }
  BG_RETURN_IF_ERROR(Exec(db, kSchema));
  BG_RETURN_IF_ERROR(store->Prepare());
  return store;
}

Status IdempotencyStore::Prepare() {
  struct Statement {
    sqlite3_stmt** stmt;
    const char* sql;
  };
  const Statement all[] = {
      {&find_, "SELECT request, answer, at FROM idempotency WHERE caller = ?1 AND key = ?2"},
      {&insert_,
       "INSERT INTO idempotency (caller, key, request, answer, at) VALUES (?1, ?2, ?3, ?4, ?5) "
       "ON CONFLICT (caller, key) DO NOTHING"},
      {&forget_, "DELETE FROM idempotency WHERE at < ?1"},
  };
  for (const Statement& s : all) {
    const int rc = sqlite3_prepare_v3(db_, s.sql, -1, SQLITE_PREPARE_PERSISTENT, s.stmt, nullptr);
    if (rc != SQLITE_OK) return SqliteError(db_, rc, s.sql);
  }
  return Status::Ok();
}

IdempotencyStore::~IdempotencyStore() {
  for (sqlite3_stmt* s : {find_, insert_, forget_}) sqlite3_finalize(s);
  sqlite3_close(db_);
}

Result<std::optional<RememberedAnswer>> IdempotencyStore::Find(std::string_view caller,
                                                               std::string_view key) {
  MutexLock lock(&mu_);
  ResetOnExit reset(find_);
  BindText(find_, 1, caller);
  BindText(find_, 2, key);
  const int rc = sqlite3_step(find_);
  if (rc == SQLITE_DONE) return std::optional<RememberedAnswer>();
  if (rc != SQLITE_ROW) return SqliteError(db_, rc, "find idempotency key");
  RememberedAnswer out;
  if (!ColumnHash(find_, 0, &out.request)) {
    return DataLoss("idempotency key " + std::string(key) + " has a malformed request hash");
  }
  out.answer = ColumnBytes(find_, 1);
  out.at = U64(find_, 2);
  return std::optional<RememberedAnswer>(std::move(out));
}

Status IdempotencyStore::Remember(std::string_view caller, std::string_view key,
                                  const RememberedAnswer& answer) {
  MutexLock lock(&mu_);
  BindText(insert_, 1, caller);
  BindText(insert_, 2, key);
  BindBytes(insert_, 3, answer.request);
  BindBytes(insert_, 4, answer.answer);
  sqlite3_bind_int64(insert_, 5, ToSql(answer.at));
  return StepDone(insert_, "remember idempotency key");
}

Result<uint64_t> IdempotencyStore::ForgetBefore(Timestamp before) {
  MutexLock lock(&mu_);
  sqlite3_bind_int64(forget_, 1, ToSql(before));
  BG_RETURN_IF_ERROR(StepDone(forget_, "forget idempotency keys"));
  return static_cast<uint64_t>(sqlite3_changes64(db_));
}

}  // namespace bg::storage
