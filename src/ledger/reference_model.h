// ReferenceModel: a deliberately simple second implementation of the ledger's
// semantics (docs/ledger.md §1.1), used by the property test as the oracle
// that every reply of Ledger is checked against (§9 F10, I11).
//
// It trades speed for obviousness: plain std::map state keyed by id, balances
// computed in 128-bit integers so that overflow is a comparison rather than a
// trap, and no undo log: a linked chain is applied to a copy of the whole
// model, and the copy is kept if the chain succeeds or dropped if it fails.
// The result codes, and the order in which they are checked, are the same as
// Ledger's (ValidateBody, CreateTransfer, CreateSimple, ResolvePending).
//
// Test-only code; not linked into the server.
#pragma once

#include <cstddef>
#include <map>
#include <ostream>
#include <span>
#include <vector>

#include "ledger/result_codes.h"
#include "ledger/types.h"

namespace bg::ledger {

class ReferenceModel {
 public:
  std::vector<AccountResult> CreateAccounts(std::span<const Account> accounts, Timestamp first_ts);
  std::vector<TransferResult> CreateTransfers(std::span<const Transfer> transfers,
                                              Timestamp first_ts);
  // Expires every open hold whose deadline is <= now; returns how many.
  size_t ExpireDue(Timestamp now);

  // The state, as Ledger stores it: accounts with their balances and flags,
  // transfers with their pending status and deadline, ids that failed.
  const std::map<AccountId, Account>& accounts() const { return accounts_; }
  const std::map<TransferId, StoredTransfer>& transfers() const { return transfers_; }
  const std::map<TransferId, TransferResult>& failed() const { return failed_; }

 private:
  AccountResult CreateAccount(const Account& a, Timestamp ts);
  TransferResult CreateTransfer(const Transfer& t, Timestamp ts);
  TransferResult CompareExisting(const Transfer& t, const Transfer& existing) const;
  TransferResult CreateSimple(const Transfer& t, Timestamp ts);
  TransferResult ResolvePending(const Transfer& t, Timestamp ts);

  std::map<AccountId, Account> accounts_;
  std::map<TransferId, StoredTransfer> transfers_;
  std::map<TransferId, TransferResult> failed_;  // the first failure of each burnt id
};

// Readable names in GoogleTest failure messages ("exceeds_credits", not a byte).
inline void PrintTo(TransferResult r, std::ostream* os) { *os << TransferResultName(r); }
inline void PrintTo(AccountResult r, std::ostream* os) { *os << AccountResultName(r); }
inline void PrintTo(PendingStatus s, std::ostream* os) { *os << PendingStatusName(s); }

}  // namespace bg::ledger
