#include "engine/projection.h"

namespace bg::engine {

storage::AccountRow ToRow(const ledger::Account& a) {
  return storage::AccountRow{.id = a.id.value(),
                             .ledger = a.ledger.value(),
                             .code = a.code,
                             .flags = a.flags,
                             .owner = a.owner,
                             .debits_pending = a.debits_pending,
                             .debits_posted = a.debits_posted,
                             .credits_pending = a.credits_pending,
                             .credits_posted = a.credits_posted,
                             .timestamp = a.timestamp};
}

storage::TransferRow ToRow(const ledger::StoredTransfer& s) {
  const ledger::Transfer& t = s.transfer;
  return storage::TransferRow{.id = t.id.value(),
                              .debit_account_id = t.debit_account_id.value(),
                              .credit_account_id = t.credit_account_id.value(),
                              .amount = t.amount,
                              .pending_id = t.pending_id.value(),
                              .reference = t.reference,
                              .timeout = t.timeout,
                              .ledger = t.ledger.value(),
                              .code = t.code,
                              .flags = t.flags,
                              .timestamp = t.timestamp,
                              .pending_status = static_cast<uint8_t>(s.status),
                              .expires_at = s.expires_at};
}

storage::Projection BuildProjection(const ledger::Ledger& ledger,
                                    const ledger::BatchChanges& changes) {
  storage::Projection p;
  BuildProjectionInto(ledger, changes, &p);
  return p;
}

void BuildProjectionInto(const ledger::Ledger& ledger, const ledger::BatchChanges& changes,
                         storage::Projection* p) {
  p->accounts.clear();
  p->transfers.clear();
  p->pending_updates.clear();
  const auto accounts = ledger.accounts();
  const auto& transfers = ledger.transfers();
  for (uint32_t i : changes.accounts) p->accounts.push_back(ToRow(accounts[i]));
  for (size_t i = changes.first_new_transfer; i < transfers.size(); ++i) {
    p->transfers.push_back(ToRow(transfers[i]));
  }
  for (uint32_t i : changes.resolved_pending) {
    p->pending_updates.push_back(
        {transfers[i].transfer.id.value(), static_cast<uint8_t>(transfers[i].status)});
  }
}

}  // namespace bg::engine
