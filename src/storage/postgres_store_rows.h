// How the PostgreSQL store's rows travel: journal entries, accounts and
// transfers read from a result and added to a statement's parameters, in
// the column order of the tables (postgres_store_migrations.cc), and the
// multi-row statements that write them. Internal to storage/
// (postgres_store.cc).
//
// Thread-safety: functions of their arguments only.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "common/result.h"
#include "storage/pg.h"
#include "storage/store.h"

namespace bg::storage::pg_rows {

inline constexpr std::string_view kAccountColumns =
    "id, ledger, code, flags, owner, debits_pending, debits_posted, credits_pending, "
    "credits_posted, timestamp";
inline constexpr int kAccountColumnCount = 10;
inline constexpr std::string_view kTransferColumns =
    "id, debit_account_id, credit_account_id, amount, pending_id, reference, timeout, ledger, "
    "code, flags, timestamp, pending_status, expires_at";
inline constexpr int kTransferColumnCount = 13;

// Row `r` of a result whose columns are seq, first_ts, last_ts, prev_hash,
// hash, payload; DataLoss when a hash is not 32 bytes.
Result<JournalEntry> JournalFrom(const pg::Rows& rows, int r);
// Row `r` of a result of kAccountColumns / kTransferColumns.
AccountRow AccountFrom(const pg::Rows& rows, int r);
TransferRow TransferFrom(const pg::Rows& rows, int r);
// Appends the row, its columns in that order and of their exact widths, to
// a binary COPY of kAccountColumns / kTransferColumns.
void CopyAccount(pg::CopyRows& copy, const AccountRow& a);
void CopyTransfer(pg::CopyRows& copy, const TransferRow& t);

// "($1, $2), ($3, $4)": `rows` groups of `columns` numbered parameters.
std::string ValuesClause(int columns, size_t rows);
// Upserts the rows of a table of kAccountColumns (whole rows, one per id).
std::string UpsertAccountsFromSql(std::string_view table);

}  // namespace bg::storage::pg_rows
