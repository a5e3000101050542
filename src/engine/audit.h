// Audit: an offline check of a database (`baygrid audit verify --db <db>`). It
// reads the journal from the first entry, recomputes every entry's hash and
// the chain, replays the commands into a fresh state, re-verifies every
// usage record's Ed25519 signature against the key registered at the time,
// and compares the state with the latest snapshot's state hash and the
// projection's account balances. The first problem is reported with the
// journal entry (batch) it was found in; nothing is written.
#pragma once

#include <cstdint>
#include <string>

#include "common/hash.h"
#include "common/result.h"
#include "storage/store.h"

namespace bg::engine {

struct AuditReport {
  uint64_t entries = 0;   // journal entries read and verified
  uint64_t commands = 0;  // commands replayed
  uint64_t usage_records = 0;
  uint64_t bad_seq = 0;  // the first bad entry; 0 if none
  std::string problem;   // what is wrong; empty if nothing
  bool snapshot_checked = false;
  // The latest snapshot does not decode to its own hash with this version
  // (another version's encoding, or damage): the journal reached it and its
  // chain head was checked, its state was not (recovery replays past it).
  bool snapshot_unreadable = false;
  uint64_t accounts_checked = 0;
  uint64_t archived_checked = 0;  // retired jobs, charge lines and claims found as retired
  Hash256 chain_head{};
  Hash256 state_hash{};
  bool ok() const { return problem.empty(); }
};

// Errors only when the store cannot be read at all; a bad journal is a
// report, not an error.
Result<AuditReport> AuditStore(storage::Store& store);

}  // namespace bg::engine
