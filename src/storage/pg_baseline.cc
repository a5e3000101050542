#include "storage/pg_baseline.h"

#include "storage/pg.h"

namespace bg::storage {

PgBaselineLedger::PgBaselineLedger(std::unique_ptr<pg::Connection> conn) : conn_(std::move(conn)) {}

PgBaselineLedger::~PgBaselineLedger() = default;

Result<std::unique_ptr<PgBaselineLedger>> PgBaselineLedger::Open(const std::string& url) {
  BG_ASSIGN_OR_RETURN(std::unique_ptr<pg::Connection> conn, pg::Connection::Open(url));
  BG_RETURN_IF_ERROR(conn->Script(
      "DROP TABLE IF EXISTS baseline_transfers, baseline_accounts;"
      "CREATE TABLE baseline_accounts (id int8 PRIMARY KEY, debits int8 NOT NULL,"
      " credits int8 NOT NULL);"
      "CREATE TABLE baseline_transfers (id int8 PRIMARY KEY, debit_account_id int8 NOT NULL,"
      " credit_account_id int8 NOT NULL, amount int8 NOT NULL);",
      "create the baseline ledger"));
  return std::unique_ptr<PgBaselineLedger>(new PgBaselineLedger(std::move(conn)));
}

Status PgBaselineLedger::CreateAccounts(uint64_t n, int64_t opening) {
  return conn_->Run(
      "INSERT INTO baseline_accounts SELECT g, 0, $2 FROM generate_series(1, $1) AS g",
      pg::Params().Uint(n).Int(opening), "create accounts");
}

Status PgBaselineLedger::Transfer(uint64_t id, uint64_t debit, uint64_t credit, int64_t amount) {
  return conn_->Transaction([&]() -> Status {
    // The balance check lives in the UPDATE: no row changes if funds are
    // short, and the transaction is rolled back.
    BG_ASSIGN_OR_RETURN(pg::Rows debited,
                        conn_->Exec("UPDATE baseline_accounts SET debits = debits + $1"
                                    " WHERE id = $2 AND debits + $1 <= credits",
                                    pg::Params().Int(amount).Uint(debit), "debit"));
    if (debited.affected() != 1) {
      return FailedPrecondition("insufficient funds in account " + std::to_string(debit));
    }
    BG_ASSIGN_OR_RETURN(
        pg::Rows credited,
        conn_->Exec("UPDATE baseline_accounts SET credits = credits + $1 WHERE id = $2",
                    pg::Params().Int(amount).Uint(credit), "credit"));
    if (credited.affected() != 1) {
      return NotFound("no account " + std::to_string(credit) + " to credit");
    }
    return conn_->Run("INSERT INTO baseline_transfers VALUES ($1, $2, $3, $4)",
                      pg::Params().Uint(id).Uint(debit).Uint(credit).Int(amount),
                      "transfer " + std::to_string(id));
  });
}

}  // namespace bg::storage
