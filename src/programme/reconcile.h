// Reconciliation: every programme's money, counted two ways — from the
// book's own records (vouchers issued, claims held and captured) and from
// the ledger (balances of its accounts, sweeps by transfer code) — and the
// identities that must hold between them, to the fen:
//
//   issued    = spent + held + swept + remaining          (vouchers)
//   funded + returned + clawed back
//             = uncommitted + approved + issued + automatic   (the budget)
//   funded    = Σ kFund − Σ kWithdraw                          (its moves)
//
// where issued counts vouchers when their grant was posted, swept is what
// expiry, lapse and revocation took back from vouchers, and automatic is
// 免申即享 spend (held or captured) paid from the budget directly. Also: no
// budget and no voucher below zero, usage counters equal to the claims
// behind them. Used by the property test, the scenario runner and (later)
// audits.
//
// Thread-safety: pure functions over a consistent view.
#pragma once

#include <string>
#include <vector>

#include "ledger/ledger.h"
#include "programme/book.h"
#include "programme/registry.h"

namespace bg::programme {

struct ProgrammeTotals {
  ProgrammeId programme{};
  Money funded{};       // the programme's total budget (top-ups in, cuts and the close out)
  Money funded_in{};    // moved in from the issuer's funding (kFund): creation and top-ups
  Money withdrawn{};    // cut, or returned at the close, to the issuer's funding (kWithdraw)
  Money approved{};     // approvals not issued yet (held on the budget)
  Money issued{};       // vouchers issued (grant posted)
  Money spent{};        // captured voucher claims
  Money held{};         // voucher claims not settled yet
  Money automatic{};    // 免申即享 claims, held or captured
  Money swept{};        // taken back from vouchers: expiry, lapse, revocation
  Money lapsed{};       // the part of swept kept apart (LapsePolicy::kLapse)
  Money returned{};     // the part of swept credited to the budget again
  Money clawed_back{};  // credited to the budget by clawbacks
  Money remaining{};    // spendable on vouchers (ledger balances)
  Money uncommitted{};  // the budget account's available balance
  friend bool operator==(const ProgrammeTotals&, const ProgrammeTotals&) = default;
};

// Per programme, in id order.
std::vector<ProgrammeTotals> Totals(const Book& book, const Registry& registry,
                                    const ledger::Ledger& ledger);

// An empty string when every identity holds; otherwise the first breach,
// with the programme and the numbers.
std::string CheckReconciled(const Book& book, const Registry& registry,
                            const ledger::Ledger& ledger);

}  // namespace bg::programme
