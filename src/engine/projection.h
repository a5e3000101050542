// Turns what a batch changed in the ledger into the storage projection rows
// that are written in the same transaction as the journal entry, and the
// records it retired from the state into archive rows.
#pragma once

#include <vector>

#include "common/result.h"
#include "ledger/ledger.h"
#include "scheduler/job.h"
#include "settlement/settlement.h"
#include "state/state.h"
#include "storage/store.h"

namespace bg::engine {

storage::AccountRow ToRow(const ledger::Account& a);
storage::TransferRow ToRow(const ledger::StoredTransfer& t);
// The transfer a row holds (the reads of transfers the ledger retired).
ledger::StoredTransfer FromRow(const storage::TransferRow& row);

storage::Projection BuildProjection(const ledger::Ledger& ledger,
                                    const ledger::BatchChanges& changes);
// The same, into `out`, reusing its buffers.
void BuildProjectionInto(const ledger::Ledger& ledger, const ledger::BatchChanges& changes,
                         storage::Projection* out);

// The archive rows of jobs the state retired (State::TakeRetired),
// appended to `out`: the job's canonical encoding, its enterprise, when it
// ended.
storage::ArchiveRow ToArchiveRow(const scheduler::Job& job);
// The job an archive row holds; DataLoss if it does not decode as one.
Result<scheduler::Job> FromArchiveRow(const storage::ArchiveRow& row);
// Every archived job of enterprise `owner` (0: every enterprise's), in id
// order, a page of the archive at a time.
Result<std::vector<scheduler::Job>> ReadArchivedJobs(storage::Store& store, uint64_t owner);
// A charge line's archive row (id = seq + 1) and back; DataLoss if it does
// not decode as one.
storage::ArchiveRow ToArchiveRow(const settlement::NumberedLine& line);
Result<settlement::ChargeLine> LineFromArchiveRow(const storage::ArchiveRow& row);
// A job's claim that left memory with it: its archive row (id = the job's
// id) and back; DataLoss if it does not decode as one.
storage::ArchiveRow ToArchiveRow(const programme::Claim& claim);
Result<programme::Claim> ClaimFromArchiveRow(const storage::ArchiveRow& row);
// The archive rows of what the state retired (State::TakeRetired).
void ArchiveRowsInto(const state::State::Retired& retired, storage::Projection* out);

}  // namespace bg::engine
