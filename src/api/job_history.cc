// Jobs retired from the engine's state (scheduler::kRetainEndedS), read
// back from the store's archive: a retired job answers as it did before it
// left the state, by id and in the lists.
#include "api/job_history.h"

#include <set>

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

const programme::Claim* ClaimOf(const state::State& s, const scheduler::Job& j,
                                const ArchivedClaims& archived) {
  if (j.claim.is_zero()) return nullptr;
  if (const programme::Claim* claim = s.book().FindClaim(j.claim)) return claim;
  auto it = archived.find(j.claim);
  return it == archived.end() ? nullptr : &it->second;
}

Result<ArchivedClaims> ArchivedClaimsOf(engine::Engine& e, Call& c,
                                        const std::vector<scheduler::Job>& jobs) {
  // The claims the book holds are copied now (one may leave before the
  // caller's next look: the copy stands in, the state's own comes first);
  // those of retired jobs it no longer holds are read back.
  ArchivedClaims out;
  std::set<uint64_t> wanted = Look(e, c, [&](const state::State& s) {
    std::set<uint64_t> missing;
    for (const scheduler::Job& j : jobs) {
      if (j.claim.is_zero()) continue;
      if (const programme::Claim* claim = s.book().FindClaim(j.claim)) {
        out.emplace(j.claim, *claim);
      } else if (s.scheduler().IsRetired(j.submitted.request.id)) {
        missing.insert(j.submitted.request.id.value());
      }
    }
    return missing;
  });
  if (wanted.empty()) return out;
  for (const storage::ArchiveRow& row : e.Retiring(storage::ArchiveKind::kJobClaim)) {
    if (wanted.erase(row.id) == 0) continue;
    BG_ASSIGN_OR_RETURN(programme::Claim claim, engine::ClaimFromArchiveRow(row));
    out.emplace(claim.request.id, std::move(claim));
  }
  for (uint64_t id : wanted) {
    BG_ASSIGN_OR_RETURN(std::optional<storage::ArchiveRow> row,
                        e.store().FindArchived(storage::ArchiveKind::kJobClaim, id));
    if (!row) return DataLoss("the claim of job " + std::to_string(id) + " is not in the archive");
    BG_ASSIGN_OR_RETURN(programme::Claim claim, engine::ClaimFromArchiveRow(*row));
    out.emplace(claim.request.id, std::move(claim));
  }
  return out;
}

Result<ArchivedClaims> ArchivedClaimsOfOwner(engine::Engine& e, uint64_t owner) {
  ArchivedClaims out;
  auto add = [&](const storage::ArchiveRow& row) -> Status {
    BG_ASSIGN_OR_RETURN(programme::Claim claim, engine::ClaimFromArchiveRow(row));
    out.emplace(claim.request.id, std::move(claim));
    return Status::Ok();
  };
  // The batches not yet committed first, then the store: a batch's rows
  // leave Retiring only once they are in the store (a row in both is one).
  for (const storage::ArchiveRow& row : e.Retiring(storage::ArchiveKind::kJobClaim)) {
    if (owner == 0 || row.owner == owner) BG_RETURN_IF_ERROR(add(row));
  }
  storage::ArchiveQuery q{.kind = storage::ArchiveKind::kJobClaim, .owner = owner, .limit = 1024};
  while (true) {
    BG_ASSIGN_OR_RETURN(std::vector<storage::ArchiveRow> rows, e.store().ListArchived(q));
    for (const storage::ArchiveRow& row : rows) BG_RETURN_IF_ERROR(add(row));
    if (rows.size() < q.limit) break;
    q.after_id = rows.back().id;
  }
  return out;
}

}  // namespace bg::api
