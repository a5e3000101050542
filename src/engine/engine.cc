#include "engine/engine.h"

#include <algorithm>
#include <set>
#include <span>
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
// NOLINTNEXTLINE(cert-err58-cpp): constinit, so no constructor runs at start-up
constinit Mutex stores_mu(kConstInit);
std::set<const storage::Store*> stores_in_use BG_GUARDED_BY(stores_mu);

bool ClaimStore(const storage::Store* store) {
  MutexLock lock(&stores_mu);
  return stores_in_use.insert(store).second;
}

void ReleaseStore(const storage::Store* store) {
  MutexLock lock(&stores_mu);
  stores_in_use.erase(store);
}

// A snapshot whose bytes decode to the state its hash names.
bool SnapshotIsSound(const storage::SnapshotRecord& snapshot) {
  State state;
  return State::Decode(snapshot.state, &state) && state.Hash() == snapshot.state_hash;
}

}  // namespace

Engine::Engine(storage::Store* store, const Clock* clock, EngineOptions options)
    : store_(store),
      clock_(clock),
      options_(std::move(options)),
      line_archive_(store, [this] { return Retiring(storage::ArchiveKind::kChargeLine); }) {}

Result<std::unique_ptr<Engine>> Engine::Open(storage::Store* store, const Clock* clock,
                                             const EngineOptions& options) {
  if (!ClaimStore(store)) {
    return FailedPrecondition("another engine in this process already writes this store");
  }
  std::unique_ptr<Engine> engine(new Engine(store, clock, options));
  engine->owns_store_claim_ = true;
  {
    MutexLock lock(&engine->state_mu_);
    BG_RETURN_IF_ERROR(engine->Recover());
  }
  // Used or not, the warm state's bytes are not needed again.
  engine->options_.warm_start.reset();
  if (options.read_only) return engine;
  // A writer's lease (a PostgreSQL store's) may have aged while the state
  // was rebuilt: renewed now, or the engine does not start.
  BG_RETURN_IF_ERROR(store->KeepAlive());
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
  std::string warm_rejected;
  if (const auto& warm = options_.warm_start; warm != nullptr) {
    if (snapshot.has_value() && warm->seq < snapshot->seq) {
      warm_rejected = "older (entry " + std::to_string(warm->seq) +
                      ") than the stored snapshot (entry " + std::to_string(snapshot->seq) + ")";
    } else if (Status from_warm = Replay(warm.get(), nullptr); from_warm.ok()) {
      recovery_.warm_started = true;
      return FinishRecovery();
    } else {
      warm_rejected = from_warm.ToString();
      state_ = State{};
      replay_archive_.clear();
      recovery_ = RecoveryInfo{};
    }
  }
  recovery_.warm_start_rejected = warm_rejected;
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
  recovery_ = RecoveryInfo{.snapshot_rejected = rejected, .warm_start_rejected = warm_rejected};
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
  // ReadJournal calls the visitor on this thread before it returns, so the
  // state lock Replay holds is held; the analysis cannot see through the
  // std::function, hence the visitor's own BG_REQUIRES.
  BG_RETURN_IF_ERROR(store_->ReadJournal(
      snapshot_seq > 0 ? snapshot_seq - 1 : 0,
      [&](const storage::JournalEntry& entry) BG_REQUIRES(state_mu_) {
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
        BG_RETURN_IF_ERROR(ApplyJournalEntryLocked(entry, &seq, &head));
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
  BG_RETURN_IF_ERROR(StoreReplayedArchive());
  applied_seq_ = durable_seq_ = seq;
  applied_head_ = durable_head_ = head;
  PublishProgressLocked();
  return Status::Ok();
}

namespace {

// The snapshot record of `state` as of entry `seq` (chain head `head`).
storage::SnapshotRecord RecordOf(const State& state, uint64_t seq, const Hash256& head) {
  storage::SnapshotRecord snapshot;
  snapshot.seq = seq;
  snapshot.chain_head = head;
  state.Encode(&snapshot.state);
  snapshot.state_hash = HashBytes(snapshot.state);
  return snapshot;
}

}  // namespace

Status Engine::ApplyJournalEntryLocked(const storage::JournalEntry& entry, uint64_t* seq,
                                       Hash256* head) {
  BG_RETURN_IF_ERROR(VerifyEntry(entry, *seq + 1, *head));
  BG_ASSIGN_OR_RETURN(std::vector<Command> commands, DecodePayload(entry.payload));
  for (const Command& c : commands) (void)state_.Apply(c);
  const State::Retired retired = state_.TakeRetired();
  if (!options_.read_only) {
    storage::Projection rows;
    ArchiveRowsInto(retired, &rows);
    std::move(rows.archived.begin(), rows.archived.end(), std::back_inserter(replay_archive_));
  }
  *seq = entry.seq;
  *head = entry.hash;
  ++recovery_.replayed_entries;
  recovery_.replayed_commands += commands.size();
  return Status::Ok();
}

std::vector<storage::ArchiveRow> Engine::Retiring(storage::ArchiveKind kind) const {
  MutexLock lock(&retiring_mu_);
  std::vector<storage::ArchiveRow> out;
  for (auto it = retiring_.lower_bound({kind, 0}); it != retiring_.end() && it->first.first == kind;
       ++it) {
    out.push_back(it->second.row);
  }
  return out;
}

Status Engine::StoreReplayedArchive() {
  constexpr size_t kRowsPerTransaction = 4096;
  std::vector<storage::ArchiveRow> rows = std::move(replay_archive_);
  replay_archive_.clear();
  for (size_t at = 0; at < rows.size(); at += kRowsPerTransaction) {
    storage::Projection p;
    const size_t end = std::min(rows.size(), at + kRowsPerTransaction);
    p.archived.assign(std::make_move_iterator(rows.begin() + static_cast<std::ptrdiff_t>(at)),
                      std::make_move_iterator(rows.begin() + static_cast<std::ptrdiff_t>(end)));
    BG_RETURN_IF_ERROR(
        store_->CommitAnswers(p).WithContext("archive the records a replay retired"));
  }
  return Status::Ok();
}

Result<uint64_t> Engine::CatchUp() {
  BG_CHECK(options_.read_only) << "CatchUp is for a read-only engine: a writer's state is its own";
  MutexLock lock(&state_mu_);
  uint64_t seq = applied_seq_;
  Hash256 head = applied_head_;
  const uint64_t from = seq;
  // ReadJournal gives the entries after `seq`; the visitor runs on this
  // thread, under the state lock held here.
  const Status read =
      store_->ReadJournal(seq, [&](const storage::JournalEntry& entry) BG_REQUIRES(state_mu_) {
        return ApplyJournalEntryLocked(entry, &seq, &head);
      });
  // Each entry is applied whole or not at all: what was reached before a
  // failure (a lost connection on the second page, a fork) is the state's
  // seq, so that a retry or SnapshotNow labels it right.
  if (seq != from) {
    applied_seq_ = durable_seq_ = seq;
    applied_head_ = durable_head_ = head;
    last_ts_ = state_.ledger().last_timestamp();
    PublishProgressLocked();
    MutexLock keys_lock(&keys_mu_);
    keys_ = state_.metering().keys();
  }
  if (!read.ok()) return read;
  return seq - from;
}

storage::SnapshotRecord Engine::SnapshotNow() const {
  // A writer's state may run ahead of what is committed: wait until it is not.
  DurableReadLock lock(this);
  return RecordOf(state_, durable_seq_, durable_head_);
}

Status Engine::FinishRecovery() {
  state_.set_line_archive(&line_archive_);
  state_.mutable_ledger().Reserve(options_.reserve_accounts, options_.reserve_transfers);
  const std::string broken = state_.ledger().CheckInvariants();
  if (!broken.empty()) return DataLoss("state after recovery breaks an invariant: " + broken);
  last_ts_ = state_.ledger().last_timestamp();
  if (options_.observer != nullptr) options_.observer->Reset(state_, last_ts_);
  MutexLock keys_lock(&keys_mu_);
  keys_ = state_.metering().keys();
  return Status::Ok();
}

namespace {

// The waiter behind the blocking Submit: a promise.
class PromiseWaiter final : public Waiter {
 public:
  std::future<Result<CommandResult>> Future() { return promise_.get_future(); }
  void Done(Result<CommandResult> result) override { promise_.set_value(std::move(result)); }

 private:
  std::promise<Result<CommandResult>> promise_;
};

size_t Bucket(std::span<const uint64_t> bounds, uint64_t value) {
  return static_cast<size_t>(std::lower_bound(bounds.begin(), bounds.end(), value) -
                             bounds.begin());
}

}  // namespace

std::future<Result<CommandResult>> Engine::Submit(CommandBody body) {
  auto waiter = std::make_unique<PromiseWaiter>();
  std::future<Result<CommandResult>> future = waiter->Future();
  Submit(std::move(body), std::move(waiter));
  return future;
}

void Engine::Submit(CommandBody body, std::unique_ptr<Waiter> waiter) {
  BG_CHECK(waiter != nullptr);
  if (auto* usage = std::get_if<SubmitUsage>(&body)) {
    // Signatures are verified here, on the caller's thread, not by the one
    // writer (metering/metering.h); against a copy of the keys, so that no
    // lock is held while they are checked.
    const std::map<ProviderId, metering::PublicKey> keys = KeysOf(*usage);
    metering::CheckSignatures(*usage, [&keys](ProviderId p) -> const metering::PublicKey* {
      auto it = keys.find(p);
      return it == keys.end() ? nullptr : &it->second;
    });
  }
  Status refused;
  {
    MutexLock lock(&queue_mu_);
    refused = AdmitLocked();
    if (refused.ok()) {
      queue_.push_back(Pending{Command{0, std::move(body)}, std::move(waiter)});
      return;
    }
  }
  waiter->Done(std::move(refused));
}

Status Engine::AdmitLocked() {
  if (options_.read_only) return FailedPrecondition("the engine is open read-only");
  if (stopping_) return Unavailable("engine is shut down");
  if (queue_.size() + riders_.size() < options_.max_queued) return Status::Ok();
  ++refused_;
  return ResourceExhausted("the engine's queue is full (" + std::to_string(options_.max_queued) +
                           " waiting); retry later");
}

void Engine::Keep(storage::KeptAnswer answer, Seen seen, std::function<void(Status)> done,
                  storage::NoticeRows rows) {
  Enqueue({.answer = std::move(answer),
           .seen = seen,
           .done = std::move(done),
           .void_read = false,
           .read_state = true,
           .notices = std::move(rows)});
}

void Engine::Note(storage::NoticeRows rows, std::function<void(Status)> done) {
  Enqueue({.answer = {},
           .seen = {},
           .done = std::move(done),
           .void_read = false,
           .read_state = false,
           .notices = std::move(rows)});
}

void Engine::Enqueue(Rider rider) {
  Status refused;
  {
    MutexLock lock(&queue_mu_);
    refused = AdmitLocked();
    if (refused.ok()) {
      riders_.push_back(std::move(rider));
      return;
    }
  }
  rider.done(std::move(refused));
}

void Engine::PublishProgressLocked() {
  applied_atomic_.store(applied_seq_);
  durable_atomic_.store(durable_seq_);
  generation_atomic_.store(generation_);
}

void Engine::WhenDurable(Seen seen, std::function<void(Status)> done) {
  // Without the lock when it is plainly durable: the writer holds the lock
  // while it applies a batch, and most answers read nothing newer.
  // The durable seq is loaded before the generation: if the generation is
  // still the reader's, that durable seq was reached in it.
  const uint64_t durable = durable_atomic_.load();
  if (seen.seq <= durable && seen.generation == generation_atomic_.load()) {
    return done(Status::Ok());
  }
  Status now;
  {
    MutexLock lock(&state_mu_);
    if (seen.generation != generation_) {
      now = Aborted("a batch this answer was read from failed to commit");
    } else if (seen.seq > durable_seq_) {
      durable_waiters_.emplace(seen.seq, DurableWaiter{seen.generation, std::move(done)});
      return;
    }
  }
  done(std::move(now));
}

void Engine::CheckNotWriter() const {
  BG_CHECK(std::this_thread::get_id() != writer_.get_id())
      << "a blocking read on the writer thread (from a Waiter's Applied?) would wait for itself";
}

std::map<ProviderId, metering::PublicKey> Engine::KeysOf(const SubmitUsage& usage) const {
  std::map<ProviderId, metering::PublicKey> out;
  ReaderMutexLock lock(&keys_mu_);
  for (const metering::UsageRecord& r : usage.records) {
    if (out.count(r.provider) != 0) continue;
    auto it = keys_.find(r.provider);
    if (it != keys_.end()) out.emplace(it->first, it->second);
  }
  return out;
}

Status Engine::Snapshot() {
  if (options_.read_only) return FailedPrecondition("the engine is open read-only");
  std::promise<Status> done;
  std::future<Status> result = done.get_future();
  {
    MutexLock lock(&queue_mu_);
    if (stopping_) return Unavailable("engine is shut down");
    snapshot_requests_.push_back(std::move(done));
  }
  return result.get();
}

Status Engine::Shutdown() {
  std::call_once(shutdown_once_, [this] {
    {
      MutexLock lock(&queue_mu_);
      stopping_ = true;
    }
    if (writer_.joinable()) writer_.join();  // drains the queue, then tells the committer
    if (committer_.joinable()) committer_.join();
    MutexLock state_lock(&state_mu_);
    shutdown_status_ = batches_since_snapshot_ > 0 && options_.snapshot_on_shutdown
                           ? WriteSnapshotLocked()
                           : Status::Ok();
  });
  return shutdown_status_;
}

void Engine::WriterLoop() {
  pthread_setname_np(pthread_self(), "bg-writer");  // shows in top -H, perf, gdb
  while (true) {
    std::optional<WriterWork> work = AwaitWork();
    if (!work.has_value()) {
      // Idle. Not under the queue lock: TickDue waits for the state lock,
      // which a long Read may hold, and Submit must not wait for that.
      if (TickDue()) QueueTick();
      KeepStoreAlive();
      continue;
    }
    if (work->stop) break;
    if (!work->snapshot_requests.empty()) {
      AnswerSnapshotRequests(std::move(work->snapshot_requests));
    }
    if (!work->batch.empty() || !work->riders.empty()) {
      PushBatch(ApplyBatch(std::move(work->batch), std::move(work->riders), work->queue_depth));
    }
  }
  MarkWriterDone();
}

std::optional<Engine::WriterWork> Engine::AwaitWork() {
  MutexLock lock(&queue_mu_);
  const Condition has_work(this, &Engine::HasWorkLocked);
  if (options_.idle_tick.count() > 0) {
    if (!queue_mu_.AwaitWithTimeout(has_work, MutexTimeout(options_.idle_tick))) {
      return std::nullopt;
    }
  } else {
    queue_mu_.Await(has_work);
  }
  return TakeWorkLocked();
}

Engine::WriterWork Engine::TakeWorkLocked() {
  WriterWork work;
  if (!snapshot_requests_.empty()) {
    work.snapshot_requests = std::move(snapshot_requests_);
    snapshot_requests_.clear();
  } else if (!queue_.empty() || !riders_.empty()) {
    work.queue_depth = queue_.size();
    work.batch = TakeBatchLocked();
    work.riders = std::move(riders_);
    riders_.clear();
  } else {
    // Drained: every submitted command is in a batch and every snapshot
    // request an answer. There was work, so it is to stop.
    work.stop = stopping_;
  }
  return work;
}

bool Engine::HasWorkLocked() const {
  return stopping_ || !queue_.empty() || !riders_.empty() || !snapshot_requests_.empty();
}

bool Engine::BatchFullLocked() const {
  return stopping_ || queue_.size() >= options_.max_batch_commands;
}

bool Engine::TickDue() {
  // Exclusive: NextExpiry prunes the deadline heap.
  MutexLock lock(&state_mu_);
  const Timestamp now = clock_->Now();
  auto next = state_.mutable_ledger().NextExpiry();
  const std::optional<Timestamp> due = state_.NextDue();
  return (next.has_value() && *next <= now) || (due.has_value() && *due <= now);
}

void Engine::KeepStoreAlive() {
  // No lock of ours: a renewal may wait for the database (a failover), and
  // readers must not wait with it. The store serialises its own calls: the
  // committer may be committing meanwhile.
  const Status kept = store_->KeepAlive();
  // Unavailable (the database is away) may pass; refused may not.
  if (kept.code() == StatusCode::kFailedPrecondition) Halt(kept);
}

void Engine::Halt(const Status& why) {
  {
    MutexLock lock(&queue_mu_);
    if (!halted_.ok()) return;
    stopping_ = true;
    halted_ = why.ok() ? Internal("halted") : why;
  }
  if (options_.on_halt) options_.on_halt(why);
}

Status Engine::halted() const {
  MutexLock lock(&queue_mu_);
  return halted_;
}

void Engine::QueueTick() {
  MutexLock lock(&queue_mu_);
  queue_.push_back(Pending{Command{0, Tick{}}, nullptr});  // nobody waits for its answer
}

void Engine::AnswerSnapshotRequests(std::vector<std::promise<Status>> requests) {
  Status s;
  {
    MutexLock state_lock(&state_mu_);
    DrainLocked();
    s = WriteSnapshotLocked();
  }
  for (auto& r : requests) r.set_value(s);
}

std::vector<Engine::Pending> Engine::TakeBatchLocked() {
  if (options_.batch_window.count() > 0 && !stopping_) {
    queue_mu_.AwaitWithTimeout(Condition(this, &Engine::BatchFullLocked),
                               MutexTimeout(options_.batch_window));
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

Engine::AppliedBatch Engine::ApplyBatch(std::vector<Pending> batch, std::vector<Rider> riders,
                                        size_t queue_depth) {
  // Readers waiting for a durable view go first; see DurableReadLock.
  MutexLock state_lock(&state_mu_, Condition(this, &Engine::NoReaderWaiting));
  stats_.queue_depths[Bucket(kQueueDepthBounds, queue_depth)]++;
  stats_.queue_depth_sum += queue_depth;
  if (batch.empty()) {
    // Only answers to keep: no journal entry, nothing applied.
    AppliedBatch out = SpareBatch();
    out.entry = storage::JournalEntry{};
    out.projection.accounts.clear();
    out.projection.transfers.clear();
    out.projection.pending_updates.clear();
    out.projection.answers.clear();
    out.projection.notices.clear();
    out.projection.archived.clear();
    out.projection.forget_answers_before = forget_answers_before_.exchange(0);
    out.generation = generation_;
    LoadRiders(std::move(riders), &out);
    return out;
  }
  if (options_.snapshot_every_batches > 0 &&
      batches_since_snapshot_ >= options_.snapshot_every_batches &&
      commands_since_snapshot_ >= options_.snapshot_min_commands) {
    DrainLocked();
    // A failed periodic snapshot costs only a longer replay. Try again after
    // another interval, not on every batch (each try encodes the whole
    // state under the exclusive lock); shutdown still writes one.
    if (!WriteSnapshotLocked().ok()) {
      batches_since_snapshot_ = 1;
      commands_since_snapshot_ = options_.snapshot_min_commands;
      stats_.failed_snapshots++;
    }
  }
  const auto start = std::chrono::steady_clock::now();
  AppliedBatch out = SpareBatch();
  out.projection.notices.clear();
  out.results.reserve(batch.size());
  auto observe = [&](const Command& command) BG_REQUIRES(state_mu_) {
    if (options_.observer != nullptr) {
      options_.observer->Applied(state_, command, out.results.back(), &out.projection.notices);
    }
  };
  std::vector<Command> commands;
  commands.reserve(batch.size());
  ledger::Ledger& ledger = state_.mutable_ledger();
  state_.BeginBatch();
  std::vector<Pending> applied;
  applied.reserve(batch.size());
  std::vector<storage::KeptAnswer> kept;
  // Time's work due by a command's timestamp is journaled before it, as
  // Ticks (command.h), so that the command, and its replay, sees it done.
  // A Tick that did nothing ends the catching up (nothing more can be done).
  auto catch_up = [&](size_t events) BG_REQUIRES(state_mu_) {
    while (true) {
      const std::optional<Timestamp> due = state_.NextDue();
      if (!due.has_value() || *due > NextStamp(events)) return;
      Command tick{Stamp(kTickEvents), Tick{}};
      CommandResult result = state_.Apply(tick);
      const auto& t = std::get<TickResult>(result);
      const bool did =
          t.finished > 0 || t.expired_vouchers > 0 || t.bookings_ended > 0 || t.retired > 0;
      out.results.push_back(std::move(result));
      observe(tick);
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
    observe(p.command);
    if (p.waiter != nullptr) p.waiter->Applied(state_, out.results.back(), &kept);
    if (const auto* key = std::get_if<RegisterProviderKey>(&p.command.body)) {
      if (std::get<KeyOutcome>(out.results.back()).result == metering::KeyResult::kOk) {
        MutexLock keys(&keys_mu_);
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
  ArchiveRowsInto(state_.TakeRetired(), &out.projection);
  if (!out.projection.archived.empty()) {
    MutexLock retiring(&retiring_mu_);
    for (const storage::ArchiveRow& row : out.projection.archived) {
      retiring_.insert_or_assign(std::make_pair(row.kind, row.id),
                                 RetiringRow{generation_, out.entry.seq, row});
    }
  }
  out.projection.answers = std::move(kept);
  out.projection.forget_answers_before = forget_answers_before_.exchange(0);
  out.pending = std::move(applied);
  out.generation = generation_;
  LoadRiders(std::move(riders), &out);
  applied_seq_ = out.entry.seq;
  applied_head_ = out.entry.hash;
  PublishProgressLocked();
  const uint64_t apply_ns = NanosSince(start);
  stats_.apply_ns += apply_ns;
  stats_.apply_micros[Bucket(kLatencyMicrosBounds, apply_ns / 1000)]++;
  stats_.applied_batches++;
  return out;
}

void Engine::LoadRiders(std::vector<Rider> riders, AppliedBatch* out) const {
  for (Rider& r : riders) {
    r.void_read = r.read_state && r.seen.generation != generation_;
    if (r.void_read) continue;
    if (!r.answer.key.empty()) out->projection.answers.push_back(std::move(r.answer));
    out->projection.notices.Append(std::move(r.notices));
  }
  out->riders = std::move(riders);
}

Engine::AppliedBatch Engine::SpareBatch() {
  MutexLock lock(&commit_mu_);
  if (spare_batches_.empty()) return AppliedBatch{};
  AppliedBatch spare = std::move(spare_batches_.back());
  spare_batches_.pop_back();
  return spare;
}

void Engine::PushBatch(AppliedBatch batch) {
  // One batch waits while one commits: the writer runs at most one batch ahead.
  MutexLock lock(&commit_mu_, Condition(this, &Engine::CommitSlotFreeLocked));
  commit_queue_.push_back(std::move(batch));
}

void Engine::MarkWriterDone() {
  MutexLock lock(&commit_mu_);
  writer_done_ = true;
}

void Engine::CommitterLoop() {
  pthread_setname_np(pthread_self(), "bg-commit");
  while (std::optional<AppliedBatch> batch = AwaitBatchToCommit()) {
    FinishBatch(*batch, CommitToStore(*batch));
    RecycleBatch(std::move(*batch));
  }
}

std::optional<Engine::AppliedBatch> Engine::AwaitBatchToCommit() {
  MutexLock lock(&commit_mu_, Condition(this, &Engine::HasCommitWorkLocked));
  if (commit_queue_.empty()) return std::nullopt;  // the writer is done, everything committed
  AppliedBatch batch = std::move(commit_queue_.front());
  commit_queue_.pop_front();
  return batch;
}

bool Engine::CommitSlotFreeLocked() const { return commit_queue_.empty(); }

bool Engine::HasCommitWorkLocked() const { return !commit_queue_.empty() || writer_done_; }

Status Engine::CommitToStore(const AppliedBatch& batch) {
  if (batch.generation != CommitterGeneration()) {
    return Aborted("an earlier batch failed to commit, so this one was rolled back with it");
  }
  const auto start = std::chrono::steady_clock::now();
  Status status;
  if (batch.entry.seq == 0) {
    status = store_->CommitAnswers(batch.projection);
  } else {
    status = store_->Commit(batch.entry, batch.projection);
    if (!status.ok()) status = ResolveFailedCommit(batch.entry, status);
  }
  const uint64_t commit_ns = NanosSince(start);
  MutexLock state_lock(&state_mu_);
  stats_.commit_ns += commit_ns;
  stats_.commit_micros[Bucket(kLatencyMicrosBounds, commit_ns / 1000)]++;
  return status;
}

uint64_t Engine::CommitterGeneration() const { return generation_; }

Status Engine::ResolveFailedCommit(const storage::JournalEntry& entry, const Status& failure) {
  // An I/O error may be reported after the commit record reached the disk.
  // Ask the store: if our entry is there, the batch is committed, and
  // failing it would tell callers "no" about money that moved. "Ours" means
  // the same hash: an entry of that seq written by someone else is not.
  Result<storage::JournalHead> head = store_->Head();
  if (head.ok() && head->seq == entry.seq && head->hash == entry.hash) return Status::Ok();
  if (head.ok() && head->seq + 1 == entry.seq &&
      (head->seq == 0 || head->hash == entry.prev_hash)) {
    // Not stored. Refused (another writer took the store over: a deposed
    // lease, a journal that moved on) is for good: stop writing.
    if (failure.code() == StatusCode::kFailedPrecondition) Halt(failure);
    return failure;
  }
  // The store cannot say: answer the error, and refuse further work rather
  // than reuse a seq that may be taken.
  Status unknown =
      failure.WithContext("store state unknown after a failed commit; restart to recover");
  Halt(unknown);
  return unknown;
}

void Engine::FinishBatch(AppliedBatch& batch, const Status& status) {
  const bool journaled = batch.entry.seq != 0;
  std::vector<std::pair<std::function<void(Status)>, Status>> released;
  {
    MutexLock state_lock(&state_mu_);
    if (journaled) {
      stats_.batches++;
      stats_.commands += batch.pending.size();
      stats_.batch_sizes[Bucket(kBatchSizeBounds, batch.pending.size())]++;
      stats_.batch_size_sum += batch.pending.size();
    }
    if (status.ok()) {
      stats_.kept_answers += batch.projection.answers.size();
      if (journaled) {
        state_.CommitBatch();
        durable_seq_ = batch.entry.seq;
        durable_head_ = batch.entry.hash;
        ++batches_since_snapshot_;
        commands_since_snapshot_ += batch.pending.size();
        PublishProgressLocked();
        released = ReleaseWaitersLocked(true);
      }
    } else if (journaled) {
      stats_.failed_batches++;
      if (batch.generation == generation_) {
        // Undo this batch and every batch applied after it; those are
        // failed when they reach the committer (their generation is old).
        state_.RollbackBatch();
        if (options_.observer != nullptr) {
          options_.observer->Reset(state_, state_.ledger().last_timestamp());
        }
        applied_seq_ = durable_seq_;
        applied_head_ = durable_head_;
        ++generation_;
        PublishProgressLocked();
        released = ReleaseWaitersLocked(false);
      }
    }
  }
  if (!batch.projection.archived.empty()) {
    MutexLock retiring(&retiring_mu_);
    for (const storage::ArchiveRow& row : batch.projection.archived) {
      auto it = retiring_.find(std::make_pair(row.kind, row.id));
      if (it != retiring_.end() && it->second.generation == batch.generation &&
          it->second.seq == batch.entry.seq) {
        retiring_.erase(it);
      }
    }
  }
  for (auto& [done, why] : released) done(why);
  const Status failed =
      status.ok()
          ? status
          : status.WithContext(journaled
                                   ? "batch " + std::to_string(batch.entry.seq) + " not committed"
                                   : "answers not kept");
  for (Rider& r : batch.riders) {
    r.done(r.void_read ? Aborted("a batch this answer was read from failed to commit") : failed);
  }
  for (size_t i = 0; i < batch.pending.size(); ++i) {
    Pending& p = batch.pending[i];
    if (p.waiter == nullptr) continue;
    if (status.ok()) {
      p.waiter->Done(std::move(batch.results[i]));
    } else {
      p.waiter->Done(failed);
    }
  }
}

std::vector<std::pair<std::function<void(Status)>, Status>> Engine::ReleaseWaitersLocked(
    bool committed) {
  std::vector<std::pair<std::function<void(Status)>, Status>> out;
  // Committed: those waiting for a seq now durable. Rolled back: everyone
  // left, as what they read is gone (they read past durable_seq_).
  auto end = committed ? durable_waiters_.upper_bound(durable_seq_) : durable_waiters_.end();
  for (auto it = durable_waiters_.begin(); it != end; ++it) {
    out.emplace_back(std::move(it->second.done),
                     committed && it->second.generation == generation_
                         ? Status::Ok()
                         : Aborted("a batch this answer was read from failed to commit"));
  }
  durable_waiters_.erase(durable_waiters_.begin(), end);
  return out;
}

void Engine::RecycleBatch(AppliedBatch batch) {
  MutexLock lock(&commit_mu_);
  if (spare_batches_.size() >= 2) return;
  batch.pending.clear();
  batch.results.clear();
  batch.riders.clear();
  spare_batches_.push_back(std::move(batch));
}

void Engine::DrainLocked() { state_mu_.Await(Condition(this, &Engine::DurableLocked)); }

bool Engine::DurableLocked() const { return applied_seq_ == durable_seq_; }

// A Mutex condition should read only what the Mutex guards; this one reads
// an atomic, and that is safe: the count drops only while the reader holds
// the state lock (DurableReadLock), and the Mutex evaluates waiting
// conditions again when a holder releases it, so the writer misses no drop.
bool Engine::NoReaderWaiting() const { return readers_waiting_.load() == 0; }

Engine::DurableReadLock::DurableReadLock(const Engine* engine) : engine_(engine) {
  engine->readers_waiting_.fetch_add(1);
  engine->state_mu_.ReaderLock();
  engine->state_mu_.Await(Condition(engine, &Engine::DurableLocked));
  // The writer may go on once no reader waits (ApplyBatch): it does when
  // this lock is released (NoReaderWaiting).
  engine->readers_waiting_.fetch_sub(1);
}

Engine::DurableReadLock::~DurableReadLock() { engine_->state_mu_.ReaderUnlock(); }

Status Engine::WriteSnapshotLocked() {
  BG_CHECK(applied_seq_ == durable_seq_) << "snapshot of a state that is not durable";
  Status s = store_->SaveSnapshot(RecordOf(state_, durable_seq_, durable_head_));
  if (s.ok()) {
    batches_since_snapshot_ = 0;
    commands_since_snapshot_ = 0;
  }
  return s;
}

EngineStats Engine::stats() const {
  EngineStats out;
  {
    ReaderMutexLock lock(&state_mu_);
    out = stats_;
  }
  MutexLock lock(&queue_mu_);
  out.refused = refused_;
  return out;
}

uint64_t Engine::last_seq() const {
  ReaderMutexLock lock(&state_mu_);
  return durable_seq_;
}

Hash256 Engine::chain_head() const {
  ReaderMutexLock lock(&state_mu_);
  return durable_head_;
}

Hash256 Engine::StateHash() const {
  DurableReadLock lock(this);
  return state_.Hash();
}

}  // namespace bg::engine
