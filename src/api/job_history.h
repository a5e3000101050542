// Jobs retired from the engine's state into the store's archive
// (scheduler::kRetainEndedS), for the routes that read a job by id or list
// them. Internal to api/.
#pragma once

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

}  // namespace bg::api
