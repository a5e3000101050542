// Small helpers shared by the book's files (book*.cc) and the scheduler:
// refusals, checked money sums, and system transfers that must not fail.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "common/check.h"
#include "ledger/ledger.h"
#include "programme/accounts.h"
#include "programme/book.h"

namespace bg::programme::book {

inline Outcome Refuse(Code code, std::string message) {
  return Outcome{.code = code, .message = std::move(message)};
}

// "programme 3 (Dongguan 算力券)": a programme in a message.
inline std::string ProgName(const ProgrammeRules& p) {
  return "programme " + std::to_string(p.id.value()) + " (" + p.name + ")";
}

// Whether `x` is one of the book's own moves of money, counted by what it
// moved (reconciliation, pacing): a system transfer that is no post or
// void of a hold (the hold itself counted the money).
inline bool IsBookMove(const ledger::Transfer& x) {
  return ledger::IsSystemId(x.id.value()) &&
         (x.flags & (ledger::kPostPending | ledger::kVoidPending)) == 0;
}

// Sums of amounts the ledger already holds cannot overflow; if one does, the
// state is broken.
inline Money Plus(Money a, Money b) {
  std::optional<Money> sum = a.Add(b);
  BG_CHECK(sum.has_value()) << "money overflow: " << a << " + " << b;
  return *sum;
}
inline Money Minus(Money a, Money b) {
  std::optional<Money> d = a.Sub(b);
  BG_CHECK(d.has_value()) << "money overflow: " << a << " - " << b;
  return *d;
}

inline ledger::Transfer Move(TransferId id, AccountId from, AccountId to, Money amount,
                             uint32_t currency, MoneyCode code, uint64_t reference,
                             uint16_t flags = 0) {
  ledger::Transfer t;
  t.id = id;
  t.debit_account_id = from;
  t.credit_account_id = to;
  t.amount = amount.fen();
  t.reference = reference;
  t.ledger = LedgerId(currency);
  t.code = TransferCode(code);
  t.flags = flags;
  return t;
}

inline ledger::Transfer Resolve(TransferId id, TransferId hold, bool post, uint64_t reference) {
  ledger::Transfer t;
  t.id = id;
  t.pending_id = hold;
  t.reference = reference;
  t.flags = post ? ledger::kPostPending : ledger::kVoidPending;
  return t;
}

// Applies transfers the book has already checked; a refusal is a bug.
// Several transfers are linked: they succeed or fail together.
inline void MustTransfer(ledger::Ledger& ledger, std::vector<ledger::Transfer> transfers,
                         Timestamp ts) {
  if (transfers.empty()) return;
  for (size_t i = 0; i + 1 < transfers.size(); ++i) transfers[i].flags |= ledger::kLinked;
  const std::vector<ledger::TransferResult> results =
      ledger.CreateTransfers(transfers, ts, ledger::Origin::kSystem);
  for (size_t i = 0; i < results.size(); ++i) {
    BG_CHECK(results[i] == ledger::TransferResult::kOk)
        << "system transfer " << transfers[i].id
        << " refused: " << ledger::TransferResultName(results[i]);
  }
}

inline void MustOpenAccount(ledger::Ledger& ledger, AccountId id, uint32_t currency,
                            AccountKind kind, uint64_t owner, uint16_t flags, Timestamp ts) {
  ledger::Account a;
  a.id = id;
  a.ledger = LedgerId(currency);
  a.code = AccountCode(kind);
  a.owner = owner;
  a.flags = flags;
  const std::vector<ledger::AccountResult> r =
      ledger.CreateAccounts(std::span(&a, 1), ts, ledger::Origin::kSystem);
  BG_CHECK(r[0] == ledger::AccountResult::kOk)
      << "system account " << id << " refused: " << ledger::AccountResultName(r[0]);
}

}  // namespace bg::programme::book
