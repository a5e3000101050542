#include "storage/sql_baseline.h"

#include <sqlite3.h>

namespace bg::storage {
namespace {

Status SqlError(sqlite3* db, const std::string& what) {
  return Internal(what + ": " + sqlite3_errmsg(db));
}

}  // namespace

Result<std::unique_ptr<SqlBaselineLedger>> SqlBaselineLedger::Open(const std::string& path,
                                                                   int page_size) {
  sqlite3* db = nullptr;
  if (sqlite3_open(path.c_str(), &db) != SQLITE_OK) {
    Status s = Unavailable("cannot open " + path + ": " + sqlite3_errmsg(db));
    sqlite3_close(db);
    return s;
  }
  std::unique_ptr<SqlBaselineLedger> l(new SqlBaselineLedger(db));
  const std::string pragmas = "PRAGMA page_size=" + std::to_string(page_size) +
                              "; PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;";
  BG_RETURN_IF_ERROR(l->Exec(pragmas.c_str()));
  BG_RETURN_IF_ERROR(l->Exec(
      "CREATE TABLE IF NOT EXISTS accounts(id INTEGER PRIMARY KEY, debits INTEGER NOT NULL,"
      " credits INTEGER NOT NULL);"
      "CREATE TABLE IF NOT EXISTS transfers(id INTEGER PRIMARY KEY, debit_account_id INTEGER"
      " NOT NULL, credit_account_id INTEGER NOT NULL, amount INTEGER NOT NULL);"));
  BG_RETURN_IF_ERROR(l->Prepare());
  return l;
}

SqlBaselineLedger::~SqlBaselineLedger() {
  sqlite3_finalize(debit_);
  sqlite3_finalize(credit_);
  sqlite3_finalize(insert_);
  sqlite3_close(db_);
}

Status SqlBaselineLedger::Exec(const char* sql) {
  char* error = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &error) != SQLITE_OK) {
    Status s = Internal(std::string(sql) + ": " + (error ? error : "?"));
    sqlite3_free(error);
    return s;
  }
  return Status::Ok();
}

Status SqlBaselineLedger::Prepare() {
  // The balance check lives in the UPDATE: no row changes if funds are short.
  const char* debit =
      "UPDATE accounts SET debits = debits + ?1 WHERE id = ?2 AND debits + ?1 <= credits";
  const char* credit = "UPDATE accounts SET credits = credits + ?1 WHERE id = ?2";
  const char* insert = "INSERT INTO transfers VALUES(?1, ?2, ?3, ?4)";
  if (sqlite3_prepare_v2(db_, debit, -1, &debit_, nullptr) != SQLITE_OK ||
      sqlite3_prepare_v2(db_, credit, -1, &credit_, nullptr) != SQLITE_OK ||
      sqlite3_prepare_v2(db_, insert, -1, &insert_, nullptr) != SQLITE_OK) {
    return SqlError(db_, "prepare");
  }
  return Status::Ok();
}

Status SqlBaselineLedger::CreateAccounts(uint64_t n, int64_t opening) {
  BG_RETURN_IF_ERROR(Exec("BEGIN"));
  sqlite3_stmt* stmt = nullptr;
  sqlite3_prepare_v2(db_, "INSERT OR REPLACE INTO accounts VALUES(?1, 0, ?2)", -1, &stmt, nullptr);
  for (uint64_t id = 1; id <= n; ++id) {
    sqlite3_bind_int64(stmt, 1, static_cast<sqlite3_int64>(id));
    sqlite3_bind_int64(stmt, 2, opening);
    if (sqlite3_step(stmt) != SQLITE_DONE) {
      sqlite3_finalize(stmt);
      (void)Exec("ROLLBACK");
      return SqlError(db_, "create account");
    }
    sqlite3_reset(stmt);
  }
  sqlite3_finalize(stmt);
  return Exec("COMMIT");
}

Status SqlBaselineLedger::Transfer(uint64_t id, uint64_t debit, uint64_t credit, int64_t amount) {
  BG_RETURN_IF_ERROR(Exec("BEGIN IMMEDIATE"));
  auto step = [](sqlite3_stmt* stmt) {
    int rc = sqlite3_step(stmt);
    sqlite3_reset(stmt);
    return rc == SQLITE_DONE;
  };
  sqlite3_bind_int64(debit_, 1, amount);
  sqlite3_bind_int64(debit_, 2, static_cast<sqlite3_int64>(debit));
  if (!step(debit_)) return SqlError(db_, "debit");
  if (sqlite3_changes(db_) != 1) {
    BG_RETURN_IF_ERROR(Exec("ROLLBACK"));
    return FailedPrecondition("insufficient funds in account " + std::to_string(debit));
  }
  sqlite3_bind_int64(credit_, 1, amount);
  sqlite3_bind_int64(credit_, 2, static_cast<sqlite3_int64>(credit));
  sqlite3_bind_int64(insert_, 1, static_cast<sqlite3_int64>(id));
  sqlite3_bind_int64(insert_, 2, static_cast<sqlite3_int64>(debit));
  sqlite3_bind_int64(insert_, 3, static_cast<sqlite3_int64>(credit));
  sqlite3_bind_int64(insert_, 4, amount);
  if (!step(credit_) || !step(insert_)) {
    Status s = SqlError(db_, "transfer " + std::to_string(id));
    (void)Exec("ROLLBACK");
    return s;
  }
  return Exec("COMMIT");
}

}  // namespace bg::storage
