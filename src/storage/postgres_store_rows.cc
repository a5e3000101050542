#include "storage/postgres_store_rows.h"

#include <cstdint>
#include <span>
#include <string>

namespace bg::storage::pg_rows {
namespace {

// Narrow columns were written from the same narrow fields, so the casts are
// exact unless someone edited the rows by hand.
template <typename T>
T Narrow(const pg::Rows& rows, int row, int col) {
  return static_cast<T>(rows.Int(row, col));
}

}  // namespace

// Columns: seq, first_ts, last_ts, prev_hash, hash, payload.
Result<JournalEntry> JournalFrom(const pg::Rows& rows, int r) {
  JournalEntry e;
  e.seq = rows.Uint(r, 0);
  e.first_ts = rows.Uint(r, 1);
  e.last_ts = rows.Uint(r, 2);
  if (!rows.Hash(r, 3, &e.prev_hash) || !rows.Hash(r, 4, &e.hash)) {
    return DataLoss("journal entry " + std::to_string(e.seq) + " has a malformed hash");
  }
  const std::span<const uint8_t> payload = rows.Bytes(r, 5);
  e.payload.assign(payload.begin(), payload.end());
  return e;
}

AccountRow AccountFrom(const pg::Rows& rows, int r) {
  return {.id = rows.Uint(r, 0),
          .ledger = Narrow<uint32_t>(rows, r, 1),
          .code = Narrow<uint16_t>(rows, r, 2),
          .flags = Narrow<uint16_t>(rows, r, 3),
          .owner = rows.Uint(r, 4),
          .debits_pending = rows.Int(r, 5),
          .debits_posted = rows.Int(r, 6),
          .credits_pending = rows.Int(r, 7),
          .credits_posted = rows.Int(r, 8),
          .timestamp = rows.Uint(r, 9)};
}

TransferRow TransferFrom(const pg::Rows& rows, int r) {
  return {.id = rows.Uint(r, 0),
          .debit_account_id = rows.Uint(r, 1),
          .credit_account_id = rows.Uint(r, 2),
          .amount = rows.Int(r, 3),
          .pending_id = rows.Uint(r, 4),
          .reference = rows.Uint(r, 5),
          .timeout = Narrow<uint32_t>(rows, r, 6),
          .ledger = Narrow<uint32_t>(rows, r, 7),
          .code = Narrow<uint16_t>(rows, r, 8),
          .flags = Narrow<uint16_t>(rows, r, 9),
          .timestamp = rows.Uint(r, 10),
          .pending_status = Narrow<uint8_t>(rows, r, 11),
          .expires_at = rows.Uint(r, 12)};
}

void CopyAccount(pg::CopyRows& copy, const AccountRow& a) {
  copy.Row(kAccountColumnCount).Uint8(a.id).Int8(a.ledger).Int4(a.code).Int4(a.flags);
  copy.Uint8(a.owner).Int8(a.debits_pending).Int8(a.debits_posted).Int8(a.credits_pending);
  copy.Int8(a.credits_posted).Uint8(a.timestamp);
}

void CopyTransfer(pg::CopyRows& copy, const TransferRow& t) {
  copy.Row(kTransferColumnCount).Uint8(t.id).Uint8(t.debit_account_id).Uint8(t.credit_account_id);
  copy.Int8(t.amount).Uint8(t.pending_id).Uint8(t.reference).Int8(t.timeout).Int8(t.ledger);
  copy.Int4(t.code).Int4(t.flags).Uint8(t.timestamp).Int2(t.pending_status).Uint8(t.expires_at);
}

// "($1, $2), ($3, $4)": `rows` groups of `columns` numbered parameters.
std::string ValuesClause(int columns, size_t rows) {
  std::string out;
  int n = 0;
  for (size_t r = 0; r < rows; ++r) {
    out += r == 0 ? "(" : ", (";
    for (int c = 0; c < columns; ++c) out += (c == 0 ? "$" : ", $") + std::to_string(++n);
    out += ")";
  }
  return out;
}

namespace {

// Every column but the id from the row that was to be inserted.
constexpr std::string_view kAccountUpsertSet =
    " ON CONFLICT (id) DO UPDATE SET ledger = excluded.ledger, code = excluded.code, "
    "flags = excluded.flags, owner = excluded.owner, "
    "debits_pending = excluded.debits_pending, debits_posted = excluded.debits_posted, "
    "credits_pending = excluded.credits_pending, credits_posted = excluded.credits_posted, "
    "timestamp = excluded.timestamp";

}  // namespace

std::string UpsertAccountsFromSql(std::string_view table) {
  return "INSERT INTO accounts (" + std::string(kAccountColumns) + ") SELECT " +
         std::string(kAccountColumns) + " FROM " + std::string(table) +
         std::string(kAccountUpsertSet);
}

}  // namespace bg::storage::pg_rows
