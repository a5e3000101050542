#include "cmd/standby.h"

#include "storage/open.h"

namespace bg::cmd {

std::string JournalFollower::Step() {
  if (engine_ == nullptr) {
    engine::EngineOptions options;
    options.read_only = true;
    Result<std::unique_ptr<storage::Store>> store = storage::OpenFollower(db_);
    Result<std::unique_ptr<engine::Engine>> engine =
        store.ok() ? engine::Engine::Open(store->get(), &clock_, options)
                   : Result<std::unique_ptr<engine::Engine>>(store.status());
    if (!engine.ok()) {
      const std::string why = engine.status().ToString();
      if (why == said_) return "";
      said_ = why;
      return "baygrid: standby, not following the journal: " + why;
    }
    store_ = std::move(store).value();
    engine_ = std::move(engine).value();
    said_.clear();
    const engine::RecoveryInfo& r = engine_->recovery();
    return "baygrid: standby, following the journal from entry " +
           std::to_string(engine_->last_seq()) + " (snapshot at " + std::to_string(r.snapshot_seq) +
           ", " + std::to_string(r.replayed_entries) + " entries replayed)";
  }
  Result<uint64_t> applied = engine_->CatchUp();
  if (applied.ok()) return "";
  // Dropped, to be opened again: after a fork (DataLoss) too, which the
  // writer's own recovery will then refuse loudly.
  engine_.reset();
  store_.reset();
  said_ = applied.status().ToString();
  return "baygrid: standby, stopped following the journal: " + said_;
}

std::shared_ptr<const storage::SnapshotRecord> JournalFollower::Warm() const {
  if (engine_ == nullptr) return nullptr;
  return std::make_shared<const storage::SnapshotRecord>(engine_->SnapshotNow());
}

}  // namespace bg::cmd
