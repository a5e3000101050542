#include "engine/engine.h"

#include <set>
#include <string>

#include <pthread.h>

#include "engine/journal.h"
#include "engine/projection.h"

namespace bg::engine {

using state::Command;
using state::CommandBody;
using state::CommandResult;
using state::EventCount;
using state::KeyOutcome;
using state::kTickEvents;
using state::RegisterProviderKey;
using state::State;
using state::SubmitUsage;
using state::Tick;
using state::TickResult;
namespace {

uint64_t NanosSince(std::chrono::steady_clock::time_point start) {
  return static_cast<uint64_t>(
      std::chrono::nanoseconds{std::chrono::steady_clock::now() - start}.count());
}

// The stores live engines write through. A second engine on one store would
// be a second writer of one journal; the store's own lock cannot see it, as
// both share the store's one connection.
std::mutex stores_mu;
std::set<const storage::Store*> stores_in_use;

bool ClaimStore(const storage::Store* store) {
  std::lock_guard lock(stores_mu);
  return stores_in_use.insert(store).second;
}

void ReleaseStore(const storage::Store* store) {
  std::lock_guard lock(stores_mu);
  stores_in_use.erase(store);
}

// A snapshot whose bytes decode to the state its hash names.
bool SnapshotIsSound(const storage::SnapshotRecord& snapshot) {
  State state;
  return State::Decode(snapshot.state, &state) && state.Hash() == snapshot.state_hash;
}

}  // namespace

Engine::Engine(storage::Store* store, const Clock* clock, EngineOptions options)
    : store_(store), clock_(clock), options_(options) {}

Result<std::unique_ptr<Engine>> Engine::Open(storage::Store* store, const Clock* clock,
                                             EngineOptions options) {
  if (!ClaimStore(store)) {
    return FailedPrecondition("another engine in this process already writes this store");
  }
  std::unique_ptr<Engine> engine(new Engine(store, clock, options));
  engine->owns_store_claim_ = true;
  BG_RETURN_IF_ERROR(engine->Recover());
  if (options.read_only) return engine;
  engine->committer_ = std::thread([e = engine.get()] { e->CommitterLoop(); });
  engine->writer_ = std::thread([e = engine.get()] { e->WriterLoop(); });
  return engine;
}

Engine::~Engine() {
  (void)Shutdown();
  if (owns_store_claim_) ReleaseStore(store_);
}

Status Engine::Recover() {
  BG_ASSIGN_OR_RETURN(std::optional<storage::SnapshotRecord> snapshot, store_->LatestSnapshot());
  if (!snapshot.has_value()) {
    BG_RETURN_IF_ERROR(Replay(nullptr, nullptr));
    return FinishRecovery();
  }
  Status from_snapshot = Replay(&*snapshot, nullptr);
  if (from_snapshot.ok()) return FinishRecovery();
  // The journal is kept whole, so a bad snapshot costs only a longer
  // replay. But the snapshot still bears witness: the journal must reach
  // its seq and, if the snapshot itself is sound, rebuild its state there.
  // Otherwise the journal lost or changed entries and starting would
  // silently drop acknowledged batches.
  const std::string rejected = from_snapshot.ToString();
  state_ = State{};
  recovery_ = RecoveryInfo{.snapshot_rejected = rejected};
  BG_RETURN_IF_ERROR(Replay(nullptr, &*snapshot));
  if (applied_seq_ < snapshot->seq) {
    return DataLoss("the journal ends at entry " + std::to_string(applied_seq_) +
                    " but a snapshot was taken after entry " + std::to_string(snapshot->seq) +
                    ": the journal is truncated; run `baygrid audit verify` on the file");
  }
  return FinishRecovery();
}

Status Engine::Replay(const storage::SnapshotRecord* snapshot,
                      const storage::SnapshotRecord* witness) {
  uint64_t seq = 0;
  Hash256 head{};
  if (snapshot != nullptr) {
    const std::string where = "snapshot at seq " + std::to_string(snapshot->seq);
    if (!State::Decode(snapshot->state, &state_)) return DataLoss(where + " does not decode");
    if (state_.Hash() != snapshot->state_hash) {
      return DataLoss(where + " does not match its state hash");
    }
    seq = snapshot->seq;
    head = snapshot->chain_head;
    recovery_.snapshot_seq = snapshot->seq;
  }
  // A witness counts only if it is sound by itself.
  const bool witness_sound = witness != nullptr && SnapshotIsSound(*witness);
  // Read from the entry the snapshot was taken after, to check that the
  // snapshot's chain head is that entry's hash.
  const uint64_t snapshot_seq = seq;
  bool head_checked = snapshot_seq == 0;
  BG_RETURN_IF_ERROR(store_->ReadJournal(
      snapshot_seq > 0 ? snapshot_seq - 1 : 0, [&](const storage::JournalEntry& entry) {
        if (entry.seq <= snapshot_seq) {
          if (entry.seq == snapshot_seq) {
            if (entry.hash != head) {
              return DataLoss("snapshot at seq " + std::to_string(snapshot_seq) +
                              ": its chain head is not the hash of journal entry " +
                              std::to_string(snapshot_seq));
            }
            head_checked = true;
          }
          return Status::Ok();
        }
        BG_RETURN_IF_ERROR(VerifyEntry(entry, seq + 1, head));
        BG_ASSIGN_OR_RETURN(std::vector<Command> commands, DecodePayload(entry.payload));
        for (const Command& c : commands) (void)state_.Apply(c);
        seq = entry.seq;
        head = entry.hash;
        ++recovery_.replayed_entries;
        recovery_.replayed_commands += commands.size();
        if (witness_sound && seq == witness->seq && state_.Hash() != witness->state_hash) {
          return DataLoss("journal entries up to " + std::to_string(seq) +
                          " do not rebuild the state of the snapshot taken after entry " +
                          std::to_string(seq) +
                          ": the journal was changed or forked; run `baygrid audit verify` "
                          "on the file");
        }
        return Status::Ok();
      }));
  if (!head_checked) {
    return DataLoss("snapshot at seq " + std::to_string(snapshot_seq) +
                    ": the journal has no entry " + std::to_string(snapshot_seq));
  }
  applied_seq_ = durable_seq_ = seq;
  applied_head_ = durable_head_ = head;
  return Status::Ok();
}

Status Engine::FinishRecovery() {
  state_.mutable_ledger().Reserve(options_.reserve_accounts, options_.reserve_transfers);
  const std::string broken = state_.ledger().CheckInvariants();
  if (!broken.empty()) return DataLoss("state after recovery breaks an invariant: " + broken);
  last_ts_ = state_.ledger().last_timestamp();
  keys_ = state_.metering().keys();
  return Status::Ok();
}

std::future<Result<CommandResult>> Engine::Submit(CommandBody body) {
  if (auto* usage = std::get_if<SubmitUsage>(&body)) {
    // Signatures are verified here, on the caller's thread, not by the one
    // writer (metering/metering.h).
    std::shared_lock keys(keys_mu_);
    metering::CheckSignatures(*usage, [this](ProviderId p) -> const metering::PublicKey* {
      auto it = keys_.find(p);
      return it == keys_.end() ? nullptr : &it->second;
    });
  }
  Pending pending{Command{0, std::move(body)}, {}};
  std::future<Result<CommandResult>> future = pending.promise.get_future();
  if (options_.read_only) {
    pending.promise.set_value(FailedPrecondition("the engine is open read-only"));
    return future;
  }
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
  if (options_.read_only) return FailedPrecondition("the engine is open read-only");
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
    if (writer_.joinable()) writer_.join();  // drains the queue, then tells the committer
    if (committer_.joinable()) committer_.join();
    std::unique_lock state_lock(state_mu_);
    shutdown_status_ = batches_since_snapshot_ > 0 ? WriteSnapshotLocked() : Status::Ok();
  });
  return shutdown_status_;
}

void Engine::WriterLoop() {
  pthread_setname_np(pthread_self(), "bg-writer");  // shows in top -H, perf, gdb
  std::unique_lock lock(queue_mu_);
  while (true) {
    auto ready = [this] { return stopping_ || !queue_.empty() || !snapshot_requests_.empty(); };
    if (options_.idle_tick.count() > 0) {
      if (!queue_cv_.wait_for(lock, options_.idle_tick, ready)) {
        // Not under the queue lock: TickDue waits for the state lock, which a
        // long Read may hold, and Submit must not wait for that.
        lock.unlock();
        const bool due = TickDue();
        lock.lock();
        if (!due) continue;
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
      DrainLocked(state_lock);
      Status s = WriteSnapshotLocked();
      state_lock.unlock();
      for (auto& r : requests) r.set_value(s);
      lock.lock();
    }
    if (queue_.empty()) {
      // Drained: every submitted command is in a batch and every snapshot
      // request (one may have arrived while the lock was released) an answer.
      if (stopping_ && snapshot_requests_.empty()) break;
      continue;
    }
    std::vector<Pending> batch = TakeBatch(lock);
    lock.unlock();
    PushBatch(ApplyBatch(std::move(batch)));
    lock.lock();
  }
  {
    std::lock_guard commit_lock(commit_mu_);
    writer_done_ = true;
  }
  commit_cv_.notify_all();
}

bool Engine::TickDue() {
  // Exclusive: NextExpiry prunes the deadline heap.
  std::unique_lock lock(state_mu_);
  const Timestamp now = clock_->Now();
  auto next = state_.mutable_ledger().NextExpiry();
  const std::optional<Timestamp> due = state_.NextDue();
  return (next.has_value() && *next <= now) || (due.has_value() && *due <= now);
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

Timestamp Engine::NextStamp(size_t events) const {
  Timestamp ts = std::max(clock_->Now(), last_ts_ + 1);
  // A command's events never straddle a whole second, so a settlement
  // period (whole seconds) never splits one command's charge line from its
  // ledger transfers.
  if (events <= kNanosPerSecond && ts / kNanosPerSecond != (ts + events - 1) / kNanosPerSecond) {
    ts = (ts / kNanosPerSecond + 1) * kNanosPerSecond;
  }
  return ts;
}

Timestamp Engine::Stamp(size_t events) {
  const Timestamp ts = NextStamp(events);
  last_ts_ = ts + events - 1;
  return ts;
}

Engine::AppliedBatch Engine::ApplyBatch(std::vector<Pending> batch) {
  std::unique_lock state_lock(state_mu_);
  // Readers waiting for a durable view go first; see LockDurable.
  state_cv_.wait(state_lock, [this] { return readers_waiting_.load() == 0; });
  if (options_.snapshot_every_batches > 0 &&
      batches_since_snapshot_ >= options_.snapshot_every_batches) {
    DrainLocked(state_lock);
    // A failed periodic snapshot costs only a longer replay. Try again after
    // another interval, not on every batch (each try encodes the whole
    // state under the exclusive lock); shutdown still writes one.
    if (!WriteSnapshotLocked().ok()) {
      batches_since_snapshot_ = 1;
      stats_.failed_snapshots++;
    }
  }
  const auto start = std::chrono::steady_clock::now();
  AppliedBatch out = SpareBatch();
  out.results.reserve(batch.size());
  std::vector<Command> commands;
  commands.reserve(batch.size());
  ledger::Ledger& ledger = state_.mutable_ledger();
  state_.BeginBatch();
  std::vector<Pending> applied;
  applied.reserve(batch.size());
  // Time's work due by a command's timestamp is journaled before it, as
  // Ticks (command.h), so that the command, and its replay, sees it done.
  // A Tick that did nothing ends the catching up (nothing more can be done).
  auto catch_up = [&](size_t events) {
    while (true) {
      const std::optional<Timestamp> due = state_.NextDue();
      if (!due.has_value() || *due > NextStamp(events)) return;
      Command tick{Stamp(kTickEvents), Tick{}};
      CommandResult result = state_.Apply(tick);
      const auto& t = std::get<TickResult>(result);
      const bool did = t.finished > 0 || t.expired_vouchers > 0;
      out.results.push_back(std::move(result));
      commands.push_back(tick);
      applied.push_back(Pending{std::move(tick), {}});  // nobody waits for its answer
      if (!did) return;
    }
  };
  for (Pending& p : batch) {
    const bool tick = std::holds_alternative<Tick>(p.command.body);
    if (!tick) catch_up(EventCount(p.command.body));
    p.command.ts = Stamp(EventCount(p.command.body));
    if (auto* usage = std::get_if<SubmitUsage>(&p.command.body)) {
      // A mark made with a key that is no longer the provider's is dropped:
      // the state checks that record again, and the journal says so.
      for (size_t i = 0; i < usage->checked.size(); ++i) {
        const metering::PublicKey* key = state_.metering().KeyOf(usage->records[i].provider);
        if (key == nullptr || usage->checked_with[i] != *key) usage->checked[i] = 0;
      }
    }
    out.results.push_back(state_.Apply(p.command));
    if (const auto* key = std::get_if<RegisterProviderKey>(&p.command.body)) {
      if (std::get<KeyOutcome>(out.results.back()).result == metering::KeyResult::kOk) {
        std::unique_lock keys(keys_mu_);
        keys_[key->provider] = key->key;
      }
    }
    commands.push_back(std::move(p.command));
    applied.push_back(std::move(p));
    // More than one Tick's worth was due.
    if (tick) catch_up(kTickEvents);
  }
  MakeEntryInto(applied_seq_ + 1, applied_head_, commands, &out.entry);
  BuildProjectionInto(ledger, ledger.Changes(), &out.projection);
  out.pending = std::move(applied);
  out.generation = generation_;
  applied_seq_ = out.entry.seq;
  applied_head_ = out.entry.hash;
  stats_.apply_ns += NanosSince(start);
  stats_.applied_batches++;
  return out;
}

Engine::AppliedBatch Engine::SpareBatch() {
  std::lock_guard lock(commit_mu_);
  if (spare_batches_.empty()) return AppliedBatch{};
  AppliedBatch spare = std::move(spare_batches_.back());
  spare_batches_.pop_back();
  return spare;
}

void Engine::PushBatch(AppliedBatch batch) {
  std::unique_lock lock(commit_mu_);
  // One batch waits while one commits: the writer runs at most one batch ahead.
  commit_cv_.wait(lock, [this] { return commit_queue_.empty(); });
  commit_queue_.push_back(std::move(batch));
  commit_cv_.notify_all();
}

void Engine::CommitterLoop() {
  pthread_setname_np(pthread_self(), "bg-commit");
  std::unique_lock lock(commit_mu_);
  while (true) {
    commit_cv_.wait(lock, [this] { return !commit_queue_.empty() || writer_done_; });
    if (commit_queue_.empty()) return;  // the writer is done and everything is committed
    AppliedBatch batch = std::move(commit_queue_.front());
    commit_queue_.pop_front();
    commit_cv_.notify_all();
    lock.unlock();
    // Only this thread changes generation_ (in FinishBatch), so reading it
    // without the state lock is safe here.
    Status status;
    if (batch.generation != generation_) {
      status = Aborted("an earlier batch failed to commit, so this one was rolled back with it");
    } else {
      const auto start = std::chrono::steady_clock::now();
      status = store_->Commit(batch.entry, batch.projection);
      if (!status.ok()) status = ResolveFailedCommit(batch.entry, status);
      const uint64_t commit_ns = NanosSince(start);
      std::unique_lock state_lock(state_mu_);
      stats_.commit_ns += commit_ns;
    }
    FinishBatch(batch, status);
    lock.lock();
    if (spare_batches_.size() < 2) {
      batch.pending.clear();
      batch.results.clear();
      spare_batches_.push_back(std::move(batch));
    }
  }
}

Status Engine::ResolveFailedCommit(const storage::JournalEntry& entry, const Status& failure) {
  // An I/O error may be reported after the commit record reached the disk.
  // Ask the store: if our entry is there, the batch is committed, and
  // failing it would tell callers "no" about money that moved. "Ours" means
  // the same hash: an entry of that seq written by someone else is not.
  Result<storage::JournalHead> head = store_->Head();
  if (head.ok() && head->seq == entry.seq && head->hash == entry.hash) return Status::Ok();
  if (head.ok() && head->seq + 1 == entry.seq &&
      (head->seq == 0 || head->hash == entry.prev_hash)) {
    return failure;
  }
  // The store cannot say: answer the error, and refuse further work rather
  // than reuse a seq that may be taken.
  std::lock_guard lock(queue_mu_);
  stopping_ = true;
  return failure.WithContext("store state unknown after a failed commit; restart to recover");
}

void Engine::FinishBatch(AppliedBatch& batch, const Status& status) {
  {
    std::unique_lock state_lock(state_mu_);
    stats_.batches++;
    stats_.commands += batch.pending.size();
    if (status.ok()) {
      state_.CommitBatch();
      durable_seq_ = batch.entry.seq;
      durable_head_ = batch.entry.hash;
      ++batches_since_snapshot_;
    } else {
      stats_.failed_batches++;
      if (batch.generation == generation_) {
        // Undo this batch and every batch applied after it; those are
        // failed when they reach the committer (their generation is old).
        state_.RollbackBatch();
        applied_seq_ = durable_seq_;
        applied_head_ = durable_head_;
        ++generation_;
      }
    }
  }
  state_cv_.notify_all();
  if (!status.ok()) {
    Status failed =
        status.WithContext("batch " + std::to_string(batch.entry.seq) + " not committed");
    for (Pending& p : batch.pending) p.promise.set_value(failed);
    return;
  }
  for (size_t i = 0; i < batch.pending.size(); ++i) {
    batch.pending[i].promise.set_value(std::move(batch.results[i]));
  }
}

void Engine::DrainLocked(std::unique_lock<std::shared_mutex>& lock) {
  state_cv_.wait(lock, [this] { return applied_seq_ == durable_seq_; });
}

std::shared_lock<std::shared_mutex> Engine::LockDurable() const {
  readers_waiting_.fetch_add(1);
  std::shared_lock lock(state_mu_);
  state_cv_.wait(lock, [this] { return applied_seq_ == durable_seq_; });
  readers_waiting_.fetch_sub(1);
  state_cv_.notify_all();  // the writer may be waiting for readers to finish
  return lock;
}

Status Engine::WriteSnapshotLocked() {
  BG_CHECK(applied_seq_ == durable_seq_) << "snapshot of a state that is not durable";
  storage::SnapshotRecord snapshot;
  snapshot.seq = durable_seq_;
  snapshot.chain_head = durable_head_;
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
  return durable_seq_;
}

Hash256 Engine::chain_head() const {
  std::shared_lock lock(state_mu_);
  return durable_head_;
}

Hash256 Engine::StateHash() const {
  std::shared_lock lock = LockDurable();
  return state_.Hash();
}

}  // namespace bg::engine
