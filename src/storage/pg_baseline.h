// PgBaselineLedger: the conventional PostgreSQL ledger that `baygrid bench
// ledger --pg` measures the engine on PostgreSQL against, in the style of
// pgledger: one transaction per transfer, a balance-checked UPDATE of the
// debit account, an UPDATE of the credit account and an INSERT of the
// transfer, committed with PostgreSQL's defaults (fsync on, synchronous
// commit). The same yardstick as SqlBaselineLedger, on the other database;
// nothing in baygrid keeps money with it.
//
// Thread-safety: none.
#pragma once

#include <memory>
#include <string>

#include "common/result.h"

namespace bg::storage {

namespace pg {
class Connection;
}

class PgBaselineLedger {
 public:
  // Connects to `url` and makes its two tables (dropped first if there).
  static Result<std::unique_ptr<PgBaselineLedger>> Open(const std::string& url);
  ~PgBaselineLedger();
  PgBaselineLedger(const PgBaselineLedger&) = delete;
  PgBaselineLedger& operator=(const PgBaselineLedger&) = delete;

  // Creates accounts 1..n, each credited with `opening` fen, in one transaction.
  Status CreateAccounts(uint64_t n, int64_t opening);
  // One transaction; FailedPrecondition if the debit account lacks the funds.
  Status Transfer(uint64_t id, uint64_t debit, uint64_t credit, int64_t amount);

 private:
  explicit PgBaselineLedger(std::unique_ptr<pg::Connection> conn);

  std::unique_ptr<pg::Connection> conn_;
};

}  // namespace bg::storage
