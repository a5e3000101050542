#include "engine/line_archive.h"

#include "engine/projection.h"

namespace bg::engine {

Status EngineLineArchive::Read(uint64_t from_seq, uint64_t to_seq,
                               const std::function<void(const settlement::ChargeLine&)>& fn) const {
  const std::vector<storage::ArchiveRow> in_flight = in_flight_();
  uint64_t next = from_seq;  // the next seq to give
  auto give = [&](const storage::ArchiveRow& row) -> Status {
    BG_ASSIGN_OR_RETURN(settlement::ChargeLine line, LineFromArchiveRow(row));
    fn(line);
    ++next;
    return Status::Ok();
  };
  // Archive ids are seq + 1: after_id = from_seq starts at seq from_seq.
  storage::ArchiveQuery q{
      .kind = storage::ArchiveKind::kChargeLine, .owner = 0, .after_id = from_seq, .limit = 4096};
  bool more = next < to_seq;
  while (more) {
    BG_ASSIGN_OR_RETURN(std::vector<storage::ArchiveRow> rows, store_->ListArchived(q));
    for (const storage::ArchiveRow& row : rows) {
      // Past the range, or a gap: what follows is in flight (or lost).
      if (row.id - 1 != next || next >= to_seq) {
        more = false;
        break;
      }
      BG_RETURN_IF_ERROR(give(row));
    }
    more = more && rows.size() == q.limit;
    if (more) q.after_id = rows.back().id;
  }
  for (const storage::ArchiveRow& row : in_flight) {
    if (next >= to_seq) break;
    if (row.id - 1 < next) continue;
    if (row.id - 1 != next) break;
    BG_RETURN_IF_ERROR(give(row));
  }
  if (next < to_seq) {
    return DataLoss("charge line " + std::to_string(next) +
                    " left the state but is neither in the archive nor in a batch in flight");
  }
  return Status::Ok();
}

}  // namespace bg::engine
