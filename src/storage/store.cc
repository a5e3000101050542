#include "storage/store.h"

#include <string>

namespace bg::storage {

Status CheckContinues(const JournalHead& head, const JournalEntry& entry) {
  if (entry.seq != head.seq + 1) {
    return FailedPrecondition("journal entry " + std::to_string(entry.seq) +
                              " out of order, expected " + std::to_string(head.seq + 1) +
                              " (did another writer append?)");
  }
  if (head.seq > 0 && entry.prev_hash != head.hash) {
    return FailedPrecondition("journal entry " + std::to_string(entry.seq) +
                              " does not continue the stored entry " + std::to_string(head.seq) +
                              ": another writer appended to this journal");
  }
  return Status::Ok();
}

}  // namespace bg::storage
