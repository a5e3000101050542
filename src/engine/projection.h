// Turns what a batch changed in the ledger into the storage projection rows
// that are written in the same transaction as the journal entry.
#pragma once

#include "ledger/ledger.h"
#include "storage/store.h"

namespace bg::engine {

storage::AccountRow ToRow(const ledger::Account& a);
storage::TransferRow ToRow(const ledger::StoredTransfer& t);

storage::Projection BuildProjection(const ledger::Ledger& ledger,
                                    const ledger::BatchChanges& changes);
// The same, into `out`, reusing its buffers.
void BuildProjectionInto(const ledger::Ledger& ledger, const ledger::BatchChanges& changes,
                         storage::Projection* out);

}  // namespace bg::engine
