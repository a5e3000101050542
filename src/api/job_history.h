// Jobs retired from the engine's state into the store's archive
// (scheduler::kRetainEndedS), for the routes that read a job by id or list
// them, and their settled claims, which leave memory with them
// (programme::Book::RetireClaim). Internal to api/.
#pragma once

#include <map>
#include <optional>
#include <vector>

#include "api/handlers.h"
#include "common/result.h"
#include "scheduler/job.h"
#include "storage/store.h"

namespace bg::api {

// The archived job `id`, if the archive has it.
Result<std::optional<scheduler::Job>> ArchivedJob(engine::Engine& e, OrderId id);
// Job `id` from the state as applied or, once retired, from the batch that
// retired it (not yet committed) or the store's archive; never waits.
Result<std::optional<scheduler::Job>> AnyJob(engine::Engine& e, Call& c, OrderId id);
// The jobs of enterprise `owner` (0: everyone's) retired by batches not yet
// committed (Engine::Retiring). A list reads the applied state, then these,
// then the store's archive: every job the state no longer holds is in one.
Result<std::vector<scheduler::Job>> RetiringJobs(engine::Engine& e, uint64_t owner);

// Claims of jobs read with them, by claim id: copies of the state's, and
// those that left memory with their jobs, read back.
using ArchivedClaims = std::map<ClaimId, programme::Claim>;
// The claim of job `j`: the state's, else the one read back in `archived`;
// null when the job has none.
const programme::Claim* ClaimOf(const state::State& s, const scheduler::Job& j,
                                const ArchivedClaims& archived);
// The claims of `jobs`: copies of those the state holds now, and those it
// no longer holds from the batch that retired them (not yet committed) or
// the store's archive; DataLoss when one is in neither.
Result<ArchivedClaims> ArchivedClaimsOf(engine::Engine& e, Call& c,
                                        const std::vector<scheduler::Job>& jobs);
// Every claim of enterprise `owner`'s jobs that left memory (0: everyone's).
Result<ArchivedClaims> ArchivedClaimsOfOwner(engine::Engine& e, uint64_t owner);

}  // namespace bg::api
