#include "engine/engine.h"

#include <string>

#include "engine/journal.h"
#include "engine/projection.h"

namespace bg::engine {

Engine::Engine(storage::Store* store, const Clock* clock, EngineOptions options)
    : store_(store), clock_(clock), options_(options) {}

Result<std::unique_ptr<Engine>> Engine::Open(storage::Store* store, const Clock* clock,
                                             EngineOptions options) {
  std::unique_ptr<Engine> engine(new Engine(store, clock, options));
  BG_RETURN_IF_ERROR(engine->Recover());
  engine->writer_ = std::thread([e = engine.get()] { e->WriterLoop(); });
  return engine;
}

Engine::~Engine() { (void)Shutdown(); }

Status Engine::Recover() {
  BG_ASSIGN_OR_RETURN(std::optional<storage::SnapshotRecord> snapshot, store_->LatestSnapshot());
  if (snapshot.has_value()) {
    if (!State::Decode(snapshot->state, &state_)) {
      return DataLoss("snapshot at seq " + std::to_string(snapshot->seq) + " does not decode");
    }
    if (state_.Hash() != snapshot->state_hash) {
      return DataLoss("snapshot at seq " + std::to_string(snapshot->seq) +
                      " does not match its state hash");
    }
    seq_ = snapshot->seq;
    head_ = snapshot->chain_head;
    recovery_.snapshot_seq = snapshot->seq;
  }
  BG_RETURN_IF_ERROR(store_->ReadJournal(seq_, [this](const storage::JournalEntry& entry) {
    BG_RETURN_IF_ERROR(VerifyEntry(entry, seq_ + 1, head_));
    BG_ASSIGN_OR_RETURN(std::vector<Command> commands, DecodePayload(entry.payload));
    for (const Command& c : commands) (void)state_.Apply(c);
    seq_ = entry.seq;
    head_ = entry.hash;
    ++recovery_.replayed_entries;
    recovery_.replayed_commands += commands.size();
    return Status::Ok();
  }));
  last_ts_ = state_.ledger().last_timestamp();
  return Status::Ok();
}

std::future<Result<CommandResult>> Engine::Submit(CommandBody body) {
  Pending pending{Command{0, std::move(body)}, {}};
  std::future<Result<CommandResult>> future = pending.promise.get_future();
  {
    std::lock_guard lock(queue_mu_);
    if (stopping_) {
      pending.promise.set_value(Unavailable("engine is shut down"));
      return future;
    }
    queue_.push_back(std::move(pending));
  }
  queue_cv_.notify_one();
  return future;
}

Status Engine::Snapshot() {
  std::promise<Status> done;
  std::future<Status> result = done.get_future();
  {
    std::lock_guard lock(queue_mu_);
    if (stopping_) return Unavailable("engine is shut down");
    snapshot_requests_.push_back(std::move(done));
  }
  queue_cv_.notify_one();
  return result.get();
}

Status Engine::Shutdown() {
  std::call_once(shutdown_once_, [this] {
    {
      std::lock_guard lock(queue_mu_);
      stopping_ = true;
    }
    queue_cv_.notify_one();
    if (writer_.joinable()) writer_.join();
    std::unique_lock state_lock(state_mu_);
    shutdown_status_ = batches_since_snapshot_ > 0 ? WriteSnapshotLocked() : Status::Ok();
  });
  return shutdown_status_;
}

void Engine::WriterLoop() {
  std::unique_lock lock(queue_mu_);
  while (true) {
    auto ready = [this] { return stopping_ || !queue_.empty() || !snapshot_requests_.empty(); };
    if (options_.idle_tick.count() > 0) {
      if (!queue_cv_.wait_for(lock, options_.idle_tick, ready)) {
        if (!TickDue()) continue;
        queue_.push_back(Pending{Command{0, Tick{}}, {}});  // nobody waits for its answer
      }
    } else {
      queue_cv_.wait(lock, ready);
    }
    if (!snapshot_requests_.empty()) {
      auto requests = std::move(snapshot_requests_);
      snapshot_requests_.clear();
      lock.unlock();
      std::unique_lock state_lock(state_mu_);
      Status s = WriteSnapshotLocked();
      state_lock.unlock();
      for (auto& r : requests) r.set_value(s);
      lock.lock();
    }
    if (queue_.empty()) {
      if (stopping_) return;  // drained: every submitted command was answered
      continue;
    }
    std::vector<Pending> batch = TakeBatch(lock);
    lock.unlock();
    ProcessBatch(batch);
    lock.lock();
  }
}

bool Engine::TickDue() const {
  // Exclusive: NextExpiry prunes the deadline heap.
  std::unique_lock lock(state_mu_);
  auto next = state_.ledger().NextExpiry();
  return next.has_value() && *next <= clock_->Now();
}

std::vector<Engine::Pending> Engine::TakeBatch(std::unique_lock<std::mutex>& lock) {
  if (options_.batch_window.count() > 0 && !stopping_) {
    const auto deadline = std::chrono::steady_clock::now() + options_.batch_window;
    queue_cv_.wait_until(lock, deadline, [this] {
      return stopping_ || queue_.size() >= options_.max_batch_commands;
    });
  }
  std::vector<Pending> batch;
  size_t events = 0;
  while (!queue_.empty() && batch.size() < options_.max_batch_commands) {
    const size_t n = EventCount(queue_.front().command.body);
    if (!batch.empty() && events + n > options_.max_batch_events) break;
    events += n;
    batch.push_back(std::move(queue_.front()));
    queue_.pop_front();
  }
  return batch;
}

Timestamp Engine::Stamp(size_t events) {
  const Timestamp ts = std::max(clock_->Now(), last_ts_ + 1);
  last_ts_ = ts + events - 1;
  return ts;
}

void Engine::ProcessBatch(std::vector<Pending>& batch) {
  std::vector<Command> commands;
  std::vector<CommandResult> results;
  commands.reserve(batch.size());
  results.reserve(batch.size());

  std::unique_lock state_lock(state_mu_);
  const auto t0 = std::chrono::steady_clock::now();
  ledger::Ledger& ledger = state_.mutable_ledger();
  ledger.BeginBatch();
  for (Pending& p : batch) {
    p.command.ts = Stamp(EventCount(p.command.body));
    results.push_back(state_.Apply(p.command));
    commands.push_back(std::move(p.command));
  }
  storage::JournalEntry entry = MakeEntry(seq_ + 1, head_, commands);
  storage::Projection projection = BuildProjection(ledger, ledger.Changes());
  const auto t1 = std::chrono::steady_clock::now();
  Status status = store_->Commit(entry, projection);
  const auto t2 = std::chrono::steady_clock::now();
  stats_.apply_ns += static_cast<uint64_t>(std::chrono::nanoseconds(t1 - t0).count());
  stats_.commit_ns += static_cast<uint64_t>(std::chrono::nanoseconds(t2 - t1).count());
  stats_.batches++;
  stats_.commands += batch.size();
  if (!status.ok()) {
    stats_.failed_batches++;
    ledger.RollbackBatch();
    state_lock.unlock();
    Status failed = status.WithContext("batch " + std::to_string(entry.seq) + " not committed");
    for (Pending& p : batch) p.promise.set_value(failed);
    return;
  }
  ledger.CommitBatch();
  seq_ = entry.seq;
  head_ = entry.hash;
  ++batches_since_snapshot_;
  if (options_.snapshot_every_batches > 0 &&
      batches_since_snapshot_ >= options_.snapshot_every_batches) {
    // A failed periodic snapshot costs only a longer replay; the next try
    // comes after another interval.
    (void)WriteSnapshotLocked();
  }
  state_lock.unlock();
  for (size_t i = 0; i < batch.size(); ++i) batch[i].promise.set_value(std::move(results[i]));
}

Status Engine::WriteSnapshotLocked() {
  storage::SnapshotRecord snapshot;
  snapshot.seq = seq_;
  snapshot.chain_head = head_;
  state_.Encode(&snapshot.state);
  snapshot.state_hash = HashBytes(snapshot.state);
  Status s = store_->SaveSnapshot(snapshot);
  if (s.ok()) batches_since_snapshot_ = 0;
  return s;
}

EngineStats Engine::stats() const {
  std::shared_lock lock(state_mu_);
  return stats_;
}

uint64_t Engine::last_seq() const {
  std::shared_lock lock(state_mu_);
  return seq_;
}

Hash256 Engine::chain_head() const {
  std::shared_lock lock(state_mu_);
  return head_;
}

Hash256 Engine::StateHash() const {
  std::shared_lock lock(state_mu_);
  return state_.Hash();
}

}  // namespace bg::engine
