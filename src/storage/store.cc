#include "storage/store.h"

#include <iterator>
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

void NoticeRows::Append(NoticeRows&& more) {
  auto move_all = [](auto& to, auto& from) {
    to.insert(to.end(), std::make_move_iterator(from.begin()), std::make_move_iterator(from.end()));
  };
  move_all(notices, more.notices);
  move_all(marks, more.marks);
  move_all(webhooks, more.webhooks);
  move_all(cursors, more.cursors);
}

}  // namespace bg::storage
