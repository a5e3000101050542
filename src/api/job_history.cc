// Jobs retired from the engine's state (scheduler::kRetainEndedS), read
// back from the store's archive: a retired job answers as it did before it
// left the state, by id and in the lists.
#include "api/job_history.h"

#include "engine/projection.h"
#include "scheduler/job.h"

namespace bg::api {

Result<std::optional<scheduler::Job>> ArchivedJob(engine::Engine& e, OrderId id) {
  BG_ASSIGN_OR_RETURN(std::optional<storage::ArchiveRow> row,
                      e.store().FindArchived(storage::ArchiveKind::kJob, id.value()));
  if (!row) return std::optional<scheduler::Job>();
  BG_ASSIGN_OR_RETURN(scheduler::Job job, engine::FromArchiveRow(*row));
  return std::optional<scheduler::Job>(std::move(job));
}

Result<std::optional<scheduler::Job>> AnyJob(engine::Engine& e, Call& c, OrderId id) {
  auto [live, retired] = Look(e, c, [id](const state::State& s) {
    const scheduler::Job* j = s.scheduler().FindJob(id);
    return std::make_pair(j == nullptr ? std::optional<scheduler::Job>() : *j,
                          s.scheduler().IsRetired(id));
  });
  if (live || !retired) return live;
  // In a batch not yet committed, or else in the store: a batch's rows
  // leave Retiring only once they are in the store. Nobody waits.
  for (const storage::ArchiveRow& row : e.Retiring(storage::ArchiveKind::kJob)) {
    if (row.id != id.value()) continue;
    BG_ASSIGN_OR_RETURN(scheduler::Job job, engine::FromArchiveRow(row));
    return std::optional<scheduler::Job>(std::move(job));
  }
  return ArchivedJob(e, id);
}

Result<std::vector<scheduler::Job>> RetiringJobs(engine::Engine& e, uint64_t owner) {
  std::vector<scheduler::Job> out;
  for (const storage::ArchiveRow& row : e.Retiring(storage::ArchiveKind::kJob)) {
    if (owner != 0 && row.owner != owner) continue;
    BG_ASSIGN_OR_RETURN(scheduler::Job job, engine::FromArchiveRow(row));
    out.push_back(std::move(job));
  }
  return out;
}

}  // namespace bg::api
