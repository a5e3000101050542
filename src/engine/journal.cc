#include "engine/journal.h"

#include <string>

#include "common/codec.h"

namespace bg::engine {

using state::Command;
using state::DecodeCommand;
using state::EncodeCommand;
using state::EventCount;

storage::JournalEntry MakeEntry(uint64_t seq, const Hash256& prev_hash,
                                std::span<const Command> commands) {
  storage::JournalEntry entry;
  MakeEntryInto(seq, prev_hash, commands, &entry);
  return entry;
}

void MakeEntryInto(uint64_t seq, const Hash256& prev_hash, std::span<const Command> commands,
                   storage::JournalEntry* entry) {
  entry->seq = seq;
  entry->prev_hash = prev_hash;
  entry->first_ts = commands.empty() ? 0 : commands.front().ts;
  entry->last_ts = commands.empty() ? 0 : commands.back().ts + EventCount(commands.back().body) - 1;
  entry->payload.clear();
  Writer w(&entry->payload);
  w.U32(kJournalVersion);
  w.U32(static_cast<uint32_t>(commands.size()));
  for (const Command& c : commands) EncodeCommand(w, c);
  entry->hash = EntryHash(*entry);
}

Hash256 EntryHash(const storage::JournalEntry& entry) {
  Hasher h;
  h.Update(entry.prev_hash);
  h.UpdateU64(entry.seq);
  h.UpdateU64(entry.first_ts);
  h.UpdateU64(entry.last_ts);
  h.Update(entry.payload);
  return h.Finish();
}

Result<std::vector<Command>> DecodePayload(std::span<const uint8_t> payload) {
  Reader r(payload);
  uint32_t version = 0, n = 0;
  if (!r.U32(&version) || version != kJournalVersion) {
    return DataLoss("journal payload has unknown version " + std::to_string(version));
  }
  if (!r.U32(&n) || n > r.remaining()) return DataLoss("journal payload is truncated");
  std::vector<Command> commands(n);
  for (uint32_t i = 0; i < n; ++i) {
    if (!DecodeCommand(r, &commands[i])) {
      return DataLoss("journal payload: command " + std::to_string(i) + " does not decode");
    }
  }
  if (!r.done()) return DataLoss("journal payload has trailing bytes");
  return commands;
}

Status VerifyEntry(const storage::JournalEntry& entry, uint64_t expected_seq,
                   const Hash256& prev_hash) {
  const std::string where = "journal entry " + std::to_string(entry.seq);
  if (entry.seq != expected_seq) {
    return DataLoss(where + ": expected seq " + std::to_string(expected_seq));
  }
  if (entry.prev_hash != prev_hash) return DataLoss(where + ": previous hash does not chain");
  if (EntryHash(entry) != entry.hash) return DataLoss(where + ": content does not match its hash");
  return Status::Ok();
}

}  // namespace bg::engine
