// Journal entries: one per engine batch, hash-chained. Each entry's hash
// covers the previous entry's hash, its sequence number, its time range and
// its payload (the batch's commands), so changing any byte of any entry, or
// dropping or reordering entries, breaks the chain from there on.
//
// Payload format (docs/ledger.md): u32 version (1), u32 command count, then
// each command (command.h).
#pragma once

#include <span>
#include <vector>

#include "common/result.h"
#include "state/command.h"
#include "storage/store.h"

namespace bg::engine {

inline constexpr uint32_t kJournalVersion = 1;

storage::JournalEntry MakeEntry(uint64_t seq, const Hash256& prev_hash,
                                std::span<const state::Command> commands);
// The same, into `entry`, reusing its payload buffer (the engine recycles
// entries: a fresh multi-megabyte buffer per batch costs page faults).
void MakeEntryInto(uint64_t seq, const Hash256& prev_hash, std::span<const state::Command> commands,
                   storage::JournalEntry* entry);

Hash256 EntryHash(const storage::JournalEntry& entry);

Result<std::vector<state::Command>> DecodePayload(std::span<const uint8_t> payload);

// Checks that `entry` follows (expected_seq - 1, prev_hash) and that its
// stored hash matches its content; DataLoss naming the entry if not.
Status VerifyEntry(const storage::JournalEntry& entry, uint64_t expected_seq,
                   const Hash256& prev_hash);

}  // namespace bg::engine
