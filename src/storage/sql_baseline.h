// SqlBaselineLedger: the conventional SQL ledger that `baygrid bench ledger`
// measures the engine against. One SQL transaction per transfer: a
// balance-checked UPDATE of the debit account, an UPDATE of the credit
// account and an INSERT of the transfer, committed with synchronous=FULL.
// It exists only as a yardstick; nothing in baygrid uses it to keep money.
//
// Thread-safety: none.
#pragma once

#include <memory>
#include <string>

#include "common/result.h"

struct sqlite3;
struct sqlite3_stmt;

namespace bg::storage {

class SqlBaselineLedger {
 public:
  // `page_size` applies when the file is created (SQLite's default: 4096).
  static Result<std::unique_ptr<SqlBaselineLedger>> Open(const std::string& path,
                                                         int page_size = 4096);
  ~SqlBaselineLedger();
  SqlBaselineLedger(const SqlBaselineLedger&) = delete;
  SqlBaselineLedger& operator=(const SqlBaselineLedger&) = delete;

  // Creates accounts 1..n, each credited with `opening` fen, in one transaction.
  Status CreateAccounts(uint64_t n, int64_t opening);
  // One transaction; FailedPrecondition if the debit account lacks the funds.
  Status Transfer(uint64_t id, uint64_t debit, uint64_t credit, int64_t amount);

 private:
  explicit SqlBaselineLedger(sqlite3* db) : db_(db) {}
  Status Exec(const char* sql);
  Status Prepare();

  sqlite3* db_;
  sqlite3_stmt* debit_ = nullptr;
  sqlite3_stmt* credit_ = nullptr;
  sqlite3_stmt* insert_ = nullptr;
};

}  // namespace bg::storage
