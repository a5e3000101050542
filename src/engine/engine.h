// Engine: the one writer. Callers on any thread submit commands and wait for
// their results; a single writer thread takes a batch of queued commands (up
// to a size, or a short time window), stamps each with the logical clock and
// applies them to the State; a committer thread then makes the batch durable
// in ONE storage transaction (journal entry + projections) before anyone in
// it is answered. While batch N is being committed the writer already
// applies batch N+1 (a two-stage pipeline: CPU on one core, SQLite on the
// other). If the store fails a commit, every caller of that batch and of any
// batch applied after it gets the error, and the state is rolled back to
// exactly what it was before the failed batch.
//
// Callers need not block: Submit with a Waiter hears of its command on the
// writer thread right after it is applied (Waiter::Applied, with the state
// as the command left it) and once its batch is durable (Waiter::Done, on
// the committer thread). The queue is bounded: a command that finds it full
// is answered ResourceExhausted at once, so that a burst meets a clear
// refusal instead of memory growing without limit.
//
// The logical clock is max(clock.Now(), last + 1): monotonic even when the
// wall clock jumps back. Queries read in one of two ways. Read() waits
// until every applied batch is durable (the writer pauses while a reader
// waits), so a reader never sees a batch that could still fail. ReadApplied()
// does not wait: it reads the state as applied and says how far (Seen); the
// caller holds back whatever it learnt until WhenDurable(seen) says that
// state is durable. That is how the API reads without blocking a thread.
//
// Answers to requests with an idempotency key ride with the batches: a
// Waiter's Applied may keep one (committed in the batch's transaction), and
// Keep() sends one that goes with no command in the next batch.
//
// On Open the state is rebuilt from the latest snapshot plus the journal
// after it, verifying the hash chain and the snapshot's state hash; a
// snapshot is taken every `snapshot_every_batches` batches that carried at
// least `snapshot_min_commands` commands, and on clean shutdown.
//
// Thread-safety: Submit, Execute, Read and the accessors are thread-safe.
// Every member a lock guards says which (BG_GUARDED_BY), and clang's
// analysis (the `tidy` preset) checks each use; the lock order is state_mu_,
// then keys_mu_ or commit_mu_.
#pragma once

#include <atomic>
#include <chrono>
#include <deque>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "common/clock.h"
#include "common/mutex.h"
#include "common/result.h"
#include "engine/line_archive.h"
#include "state/command.h"
#include "state/state.h"
#include "storage/store.h"

namespace bg::engine {

// Hears of each command the writer applies (not of replay), on the writer
// thread under the state lock, and adds rows that commit in the batch's
// transaction: the notices (notice/derive.h). Keep it short; never call
// back into the engine.
class Observer {
 public:
  virtual ~Observer() = default;
  // After recovery, and after a batch failed to commit (the state is back
  // to the durable one): `last` is the time of the state's last command,
  // as far as the ledger knows.
  virtual void Reset(const state::State& state, Timestamp last) = 0;
  virtual void Applied(const state::State& state, const state::Command& command,
                       const state::CommandResult& result, storage::NoticeRows* out) = 0;
};

struct EngineOptions {
  size_t max_batch_commands = 1024;
  size_t max_batch_events = size_t{8190} * 16;
  // After the first command of a batch arrives, wait this long for more
  // (0: take what is queued now; group commit happens anyway while the
  // previous batch is being made durable).
  std::chrono::microseconds batch_window{0};
  uint64_t snapshot_every_batches = 10'000;  // 0 = only on shutdown
  // A simulation's store is thrown away after the run: its last snapshot
  // (the whole state encoded once more) would only add to its peak memory.
  bool snapshot_on_shutdown = true;
  // ...and only once this many commands were applied since the last one: a
  // snapshot stops the writer while it encodes the state (tens of ms for a
  // month of history), and what it saves is replay, which costs per
  // command. Small batches (an API under load makes ~1,000 a second) would
  // otherwise snapshot every few seconds and put that stop into the p99.
  uint64_t snapshot_min_commands = 1'000'000;
  // Pre-size the ledger's indexes (Ledger::Reserve); 0 = grow as needed.
  size_t reserve_accounts = 0;
  size_t reserve_transfers = 0;
  // While idle, how often the writer checks for holds past their deadline
  // and journals a Tick to release them (0 = never; tests tick explicitly).
  std::chrono::milliseconds idle_tick{100};
  // Recover the state and serve Read only: no writer, no snapshots; every
  // Submit answers FailedPrecondition. For exports over a read-only store.
  bool read_only = false;
  // Commands (and kept answers) that may wait for the writer; one more is
  // refused with ResourceExhausted.
  size_t max_queued = 100'000;
  // Not owned; must outlive the engine. Null: no notices.
  Observer* observer = nullptr;
  // Called once, on an engine thread, when the engine stops taking commands
  // by itself: the store no longer lets this writer write (another took it
  // over: a deposed PostgreSQL writer, Store::KeepAlive), or the store's
  // state is unknown after a failed commit. Commands queued then are
  // answered with errors; nothing more is committed. `serve` exits on it.
  std::function<void(const Status& why)> on_halt = nullptr;
  // A state to start from instead of the store's latest snapshot, when it
  // is at least as new: a standby's followed state (SnapshotNow of a
  // read-only engine that kept up with CatchUp), so that taking over
  // replays only what was committed after it. Checked as a stored snapshot
  // is (its hash, its chain head against the journal); one that does not
  // fit is set aside and recovery starts from the store's own.
  std::shared_ptr<const storage::SnapshotRecord> warm_start = nullptr;
};

// How far the state a reader saw was applied: the batch seq, and the
// generation (which a failed commit moves: what was read before is void).
struct Seen {
  uint64_t seq = 0;
  uint64_t generation = 0;
};

// Who waits for a command's answer.
class Waiter {
 public:
  virtual ~Waiter() = default;
  // On the writer thread, under the state lock, right after the command is
  // applied: the state as the command (and those before it) left it. Keep
  // it short, and never call back into the engine. Answers appended to
  // *keep are committed in the batch's transaction.
  virtual void Applied(const state::State& /*state*/, const state::CommandResult& /*result*/,
                       std::vector<storage::KeptAnswer>* /*keep*/) {}
  // Once: the result when the batch is durable, or why it failed. On the
  // committer thread, or on the caller's when refused at once.
  virtual void Done(Result<state::CommandResult> result) = 0;
};

// Histogram bounds (upper, inclusive) for /metrics; one more bucket counts
// what is above the last.
inline constexpr uint64_t kBatchSizeBounds[] = {1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024};
inline constexpr uint64_t kQueueDepthBounds[] = {0, 1, 10, 100, 1'000, 10'000, 100'000};
// Microseconds a batch took to apply (writer) and to commit (Store::Commit).
inline constexpr uint64_t kLatencyMicrosBounds[] = {
    50, 100, 250, 500, 1'000, 2'000, 5'000, 10'000, 20'000, 50'000, 100'000, 250'000};

struct RecoveryInfo {
  std::string snapshot_rejected = {};  // why the latest snapshot was not used, if it was not
  uint64_t snapshot_seq = 0;           // 0: started from the empty state
  uint64_t replayed_entries = 0;
  uint64_t replayed_commands = 0;
  bool warm_started = false;             // from EngineOptions::warm_start
  std::string warm_start_rejected = {};  // why it was not used, if it was given and not used
};

// Counters since Open, for benchmarks and /metrics.
struct EngineStats {
  uint64_t applied_batches = 0;  // applied by the writer (some may still be committing)
  uint64_t batches = 0;          // finished: committed or failed
  uint64_t commands = 0;
  uint64_t failed_batches = 0;
  uint64_t failed_snapshots = 0;
  uint64_t apply_ns = 0;   // applying commands and building the entry/projection
  uint64_t commit_ns = 0;  // Store::Commit (the durability point)
  uint64_t refused = 0;    // commands and answers refused: the queue was full
  uint64_t kept_answers = 0;
  // Commands per committed batch, and queued commands each time the writer
  // took a batch: counts per bucket of kBatchSizeBounds / kQueueDepthBounds,
  // the last bucket above the last bound.
  uint64_t batch_sizes[std::size(kBatchSizeBounds) + 1] = {};
  uint64_t queue_depths[std::size(kQueueDepthBounds) + 1] = {};
  // Per batch (commits: answer-only ones too), buckets of
  // kLatencyMicrosBounds: a slow commit
  // (a checkpoint, a snapshot) shows here, not only in a request's p99.
  uint64_t apply_micros[std::size(kLatencyMicrosBounds) + 1] = {};
  uint64_t commit_micros[std::size(kLatencyMicrosBounds) + 1] = {};
  uint64_t batch_size_sum = 0;
  uint64_t queue_depth_sum = 0;
};

class Engine {
 public:
  // Rebuilds the state from `store` and starts the writer. `store` and
  // `clock` must outlive the engine. One engine per store: a second Open on
  // a store a live engine uses is refused (FailedPrecondition).
  static Result<std::unique_ptr<Engine>> Open(storage::Store* store, const Clock* clock,
                                              const EngineOptions& options = {});
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Queues a command; the future is fulfilled once its batch is durable (or
  // has failed). After Shutdown, returns Unavailable at once.
  std::future<Result<state::CommandResult>> Submit(state::CommandBody body);
  Result<state::CommandResult> Execute(state::CommandBody body) {
    return Submit(std::move(body)).get();
  }
  // Queues a command; `waiter` hears of it as Waiter says. Refused at once
  // (waiter->Done on this thread) when the queue is full or the engine is
  // shut down or read-only.
  void Submit(state::CommandBody body, std::unique_ptr<Waiter> waiter);

  // Calls f(const State&) under the read lock, over a durable state, and
  // returns what it returns. Blocks until the batches in flight are
  // durable: not for threads that must not wait (ReadApplied is), and never
  // from a Waiter's Applied (a loud check).
  template <typename F>
  auto Read(F&& f) const BG_EXCLUDES(state_mu_) {
    CheckNotWriter();
    DurableReadLock lock(this);
    return f(static_cast<const state::State&>(state_));
  }

  // Calls f(const State&) under the read lock over the state as applied,
  // durable or not, without waiting for a commit; returns what it returns
  // and how far the state was applied. Send nothing learnt from it before
  // WhenDurable(seen) says so.
  template <typename F>
  auto ReadApplied(F&& f) const BG_EXCLUDES(state_mu_) {
    CheckNotWriter();
    ReaderMutexLock lock(&state_mu_);
    const Seen seen{applied_seq_, generation_};
    return std::make_pair(f(static_cast<const state::State&>(state_)), seen);
  }

  // Calls done(Ok) once the state `seen` describes is durable: at once if
  // it is, else on the committer thread when its batch commits. Aborted
  // when that batch failed (what was read is void).
  void WhenDurable(Seen seen, std::function<void(Status)> done) BG_EXCLUDES(state_mu_);

  // Keeps `answer` with the next batch (in its transaction; a batch of its
  // own when no command is queued) and calls done once it is durable.
  // `seen`: the state the answer was made from; Aborted if that is void.
  // Refused at once like Submit when the queue is full. `rows` (notice
  // marks, webhooks) are written in the same transaction; an answer whose
  // key is "" is not kept.
  void Keep(storage::KeptAnswer answer, Seen seen, std::function<void(Status)> done,
            storage::NoticeRows rows = {});
  // Writes `rows` (marks, webhooks, cursors: what goes with no command)
  // with the next batch, and calls done once they are durable. Refused at
  // once like Submit when the queue is full.
  void Note(storage::NoticeRows rows, std::function<void(Status)> done);
  // The kept answer for (caller, key), from the store. Thread-safe.
  Result<std::optional<storage::KeptAnswer>> FindAnswer(std::string_view caller,
                                                        std::string_view key) {
    return store_->FindAnswer(caller, key);
  }
  // The store, for its thread-safe reads (notices, webhooks, the archive).
  storage::Store& store() const { return *store_; }
  // The archive rows of `kind` that batches applied but not yet committed
  // carry, in id order (thread-safe, never waits for a commit). A reader
  // that read the applied state, then this, then the store's archive, has
  // seen every record that state no longer holds.
  std::vector<storage::ArchiveRow> Retiring(storage::ArchiveKind kind) const
      BG_EXCLUDES(retiring_mu_);
  // Answers kept before `before` are forgotten with the next batch.
  void ForgetAnswersBefore(Timestamp before) { forget_answers_before_.store(before); }

  // Answers every queued command, writes a snapshot, stops the writer.
  // Idempotent; the destructor calls it.
  Status Shutdown();
  // Asks the writer to write a snapshot now and waits for it.
  Status Snapshot();
  // Why the engine stopped by itself (EngineOptions::on_halt); OK while it
  // has not.
  Status halted() const;

  // How far the state is applied, and durable: a moment's view, without a
  // lock (the answer may be stale by the time it is used).
  Seen applied() const { return {applied_atomic_.load(), generation_atomic_.load()}; }
  Seen durable() const { return {durable_atomic_.load(), generation_atomic_.load()}; }

  uint64_t last_seq() const;
  // A read-only engine (a standby's) applies the journal entries committed
  // since it last looked, checking that they continue what it applied;
  // returns how many. DataLoss when the journal does not (a fork).
  Result<uint64_t> CatchUp();
  // The state as of last_seq() as a snapshot record, not stored: what a
  // writer opened with EngineOptions::warm_start starts from.
  storage::SnapshotRecord SnapshotNow() const;
  Hash256 chain_head() const;
  Hash256 StateHash() const;
  const RecoveryInfo& recovery() const { return recovery_; }
  EngineStats stats() const;

 private:
  struct Pending {
    state::Command command;
    std::unique_ptr<Waiter> waiter;  // null: nobody waits (Ticks)
  };
  // An answer to keep that goes with no command (Keep).
  struct Rider {
    storage::KeptAnswer answer;  // none when its key is "" (Note)
    Seen seen;
    std::function<void(Status)> done;
    bool void_read = false;  // its read was rolled back: not kept, Aborted
    bool read_state = true;  // false: made from no state, never void (Note)
    storage::NoticeRows notices = {};
  };
  // Queues `rider` for the next batch, or answers it at once like Submit
  // when the queue is full (Keep, Note).
  void Enqueue(Rider rider) BG_EXCLUDES(queue_mu_);
  // A batch applied by the writer, waiting for (or in) its commit. Without
  // commands (entry.seq 0) it carries only riders' answers.
  struct AppliedBatch {
    std::vector<Pending> pending;
    std::vector<state::CommandResult> results;
    std::vector<Rider> riders;
    storage::JournalEntry entry;
    storage::Projection projection;
    uint64_t generation = 0;
  };
  // Someone waiting for a seq to be durable (WhenDurable).
  struct DurableWaiter {
    uint64_t generation = 0;
    std::function<void(Status)> done;
  };

  // The writer's next work, taken under the queue lock: the snapshot
  // requests come first, then a batch; `stop` once everything is answered.
  struct WriterWork {
    std::vector<std::promise<Status>> snapshot_requests;
    std::vector<Pending> batch;
    std::vector<Rider> riders;
    size_t queue_depth = 0;  // commands queued when the batch was taken
    bool stop = false;
  };

  Engine(storage::Store* store, const Clock* clock, EngineOptions options);

  // Recovery runs in Open, before the threads start; it holds the state
  // lock all the same, so that the analysis sees every use of the state.
  Status Recover() BG_REQUIRES(state_mu_);
  // Rebuilds state_ from `snapshot` (or from nothing) plus the journal after
  // it. A sound `witness` (a snapshot not used to start from) must match the
  // state replayed up to its seq.
  Status Replay(const storage::SnapshotRecord* snapshot, const storage::SnapshotRecord* witness)
      BG_REQUIRES(state_mu_);
  Status FinishRecovery() BG_REQUIRES(state_mu_);
  // Verifies `entry` continues (*seq, *head), applies its commands to
  // state_ and moves (*seq, *head) to it.
  Status ApplyJournalEntryLocked(const storage::JournalEntry& entry, uint64_t* seq, Hash256* head)
      BG_REQUIRES(state_mu_);
  // Stores what a replay retired (kept by ApplyJournalEntryLocked in
  // replay_archive_): rows the journal's writer stored already are left as
  // they are, and a journal written before the archive existed gets them
  // now. A read-only engine drops them.
  Status StoreReplayedArchive() BG_REQUIRES(state_mu_);

  // The writer thread.
  void WriterLoop();
  // Waits for the writer's next work and takes it; nullopt after
  // options_.idle_tick with nothing to do.
  std::optional<WriterWork> AwaitWork() BG_EXCLUDES(queue_mu_);
  WriterWork TakeWorkLocked() BG_REQUIRES(queue_mu_);
  std::vector<Pending> TakeBatchLocked() BG_REQUIRES(queue_mu_);
  bool HasWorkLocked() const BG_REQUIRES_SHARED(queue_mu_);
  bool BatchFullLocked() const BG_REQUIRES_SHARED(queue_mu_);
  bool TickDue() BG_EXCLUDES(state_mu_);
  void QueueTick() BG_EXCLUDES(queue_mu_);
  // Store::KeepAlive, holding no lock of ours; halts the engine when it
  // fails for good (FailedPrecondition).
  void KeepStoreAlive() BG_EXCLUDES(state_mu_, queue_mu_);
  // Stops taking commands and tells options_.on_halt, once.
  void Halt(const Status& why) BG_EXCLUDES(queue_mu_);
  void AnswerSnapshotRequests(std::vector<std::promise<Status>> requests) BG_EXCLUDES(state_mu_);
  AppliedBatch ApplyBatch(std::vector<Pending> batch, std::vector<Rider> riders, size_t queue_depth)
      BG_EXCLUDES(state_mu_);
  // Riders whose read is void are marked; the others' answers join the
  // projection.
  void LoadRiders(std::vector<Rider> riders, AppliedBatch* out) const BG_REQUIRES(state_mu_);
  void CheckNotWriter() const;
  // OK when one more command or answer may queue; else why not (read-only,
  // shut down, or the queue is full: counted as refused).
  Status AdmitLocked() BG_REQUIRES(queue_mu_);
  // A recycled batch (its buffers keep their capacity), or a new one.
  AppliedBatch SpareBatch() BG_EXCLUDES(commit_mu_);
  void PushBatch(AppliedBatch batch) BG_EXCLUDES(commit_mu_);
  void MarkWriterDone() BG_EXCLUDES(commit_mu_);
  // The timestamp the next command of `events` events gets (Stamp takes it).
  Timestamp NextStamp(size_t events) const BG_REQUIRES_SHARED(state_mu_);
  Timestamp Stamp(size_t events) BG_REQUIRES(state_mu_);

  // The committer thread.
  void CommitterLoop();
  // The next batch to commit; nullopt once the writer is done and every
  // batch committed.
  std::optional<AppliedBatch> AwaitBatchToCommit() BG_EXCLUDES(commit_mu_);
  bool CommitSlotFreeLocked() const BG_REQUIRES_SHARED(commit_mu_);
  bool HasCommitWorkLocked() const BG_REQUIRES_SHARED(commit_mu_);
  // Store::Commit, unless an earlier batch failed (the generation moved).
  Status CommitToStore(const AppliedBatch& batch) BG_EXCLUDES(state_mu_);
  // The durable waiters FinishBatch releases: with the status to tell them.
  std::vector<std::pair<std::function<void(Status)>, Status>> ReleaseWaitersLocked(bool committed)
      BG_REQUIRES(state_mu_);
  Status ResolveFailedCommit(const storage::JournalEntry& entry, const Status& failure)
      BG_EXCLUDES(queue_mu_);
  void FinishBatch(AppliedBatch& batch, const Status& status) BG_EXCLUDES(state_mu_);
  void RecycleBatch(AppliedBatch batch) BG_EXCLUDES(commit_mu_);
  // generation_, read by the committer without the state lock: it is the
  // one thread that writes it (FinishBatch, under the lock), so its own
  // reads cannot race. The analysis cannot tell which thread calls, hence
  // the exemption; call it from the committer only.
  uint64_t CommitterGeneration() const BG_NO_THREAD_SAFETY_ANALYSIS;

  // Waits until every applied batch is durable; the state lock is held.
  void DrainLocked() BG_REQUIRES(state_mu_);
  bool DurableLocked() const BG_REQUIRES_SHARED(state_mu_);
  bool NoReaderWaiting() const;
  Status WriteSnapshotLocked() BG_REQUIRES(state_mu_);
  // The keys of the providers `usage` names, as the writer last applied them.
  std::map<ProviderId, metering::PublicKey> KeysOf(const state::SubmitUsage& usage) const
      BG_EXCLUDES(keys_mu_);

  storage::Store* const store_;
  const Clock* const clock_;
  bool owns_store_claim_ = false;  // set by Open once the store is claimed
  // Set in the constructor; only Open changes it after (dropping
  // warm_start), before any thread starts.
  EngineOptions options_;
  RecoveryInfo recovery_;                            // set by Open, before the threads start
  std::vector<storage::ArchiveRow> replay_archive_;  // during recovery only
  // Where the state's settlement reads the charge lines that left it.
  EngineLineArchive line_archive_;

  // state_mu_ guards the state and what says how far it is applied and
  // durable. Readers announce themselves in readers_waiting_ before they
  // take it: an atomic, so that a reader counts while it still waits for
  // the lock (DurableReadLock).
  mutable Mutex state_mu_;
  mutable std::atomic<int> readers_waiting_{0};
  state::State state_ BG_GUARDED_BY(state_mu_);
  uint64_t applied_seq_ BG_GUARDED_BY(state_mu_) = 0;  // last batch applied to state_
  Hash256 applied_head_ BG_GUARDED_BY(state_mu_){};
  uint64_t durable_seq_ BG_GUARDED_BY(state_mu_) = 0;  // last batch committed by the store
  Hash256 durable_head_ BG_GUARDED_BY(state_mu_){};
  // Bumped when a failed commit rolls back the pipeline; only the committer
  // writes it (FinishBatch).
  uint64_t generation_ BG_GUARDED_BY(state_mu_) = 0;
  uint64_t batches_since_snapshot_ BG_GUARDED_BY(state_mu_) = 0;
  uint64_t commands_since_snapshot_ BG_GUARDED_BY(state_mu_) = 0;
  EngineStats stats_ BG_GUARDED_BY(state_mu_);
  // WhenDurable's waiters, by the seq they wait for.
  std::multimap<uint64_t, DurableWaiter> durable_waiters_ BG_GUARDED_BY(state_mu_);
  Timestamp last_ts_ BG_GUARDED_BY(state_mu_) = 0;  // the writer's, in ApplyBatch

  mutable Mutex queue_mu_;
  std::deque<Pending> queue_ BG_GUARDED_BY(queue_mu_);
  std::vector<Rider> riders_ BG_GUARDED_BY(queue_mu_);
  uint64_t refused_ BG_GUARDED_BY(queue_mu_) = 0;
  std::vector<std::promise<Status>> snapshot_requests_ BG_GUARDED_BY(queue_mu_);
  bool stopping_ BG_GUARDED_BY(queue_mu_) = false;
  Status halted_ BG_GUARDED_BY(queue_mu_);

  Mutex commit_mu_ BG_ACQUIRED_AFTER(state_mu_);
  // At most one waits while one commits.
  std::deque<AppliedBatch> commit_queue_ BG_GUARDED_BY(commit_mu_);
  // Finished batches whose buffers are reused.
  std::vector<AppliedBatch> spare_batches_ BG_GUARDED_BY(commit_mu_);
  bool writer_done_ BG_GUARDED_BY(commit_mu_) = false;

  // The providers' keys as the writer last applied them, for verifying
  // usage signatures on callers' threads. A key whose batch later fails
  // may linger: harmless, as the writer drops marks made with a key the
  // state does not hold (ApplyBatch).
  // The archive rows of batches applied but not yet committed (by kind and
  // id): a reader that finds a job retired in the applied state, but not
  // yet in the store, finds it here (Retiring), without waiting for the
  // commit. Added under state_mu_ when a batch is applied, removed once its
  // commit is done (the rows are in the store, or the batch failed) — by
  // that batch only: after a failed batch the writer may retire the same
  // records again in a new one before the failed one is cleaned up, and
  // the new batch's rows must stay (a charge line read back would be lost).
  struct RetiringRow {
    uint64_t generation = 0;  // of the batch that put it here
    uint64_t seq = 0;
    storage::ArchiveRow row;
  };
  mutable Mutex retiring_mu_ BG_ACQUIRED_AFTER(state_mu_);
  std::map<std::pair<storage::ArchiveKind, uint64_t>, RetiringRow> retiring_
      BG_GUARDED_BY(retiring_mu_);
  mutable Mutex keys_mu_ BG_ACQUIRED_AFTER(state_mu_);
  std::map<ProviderId, metering::PublicKey> keys_ BG_GUARDED_BY(keys_mu_);

  std::atomic<Timestamp> forget_answers_before_{0};
  // applied_seq_, durable_seq_ and generation_ as atomics, for applied()
  // and durable(); written with them, under the state lock.
  std::atomic<uint64_t> applied_atomic_{0};
  std::atomic<uint64_t> durable_atomic_{0};
  std::atomic<uint64_t> generation_atomic_{0};
  // Sets the three atomics from the guarded values.
  void PublishProgressLocked() BG_REQUIRES(state_mu_);

  std::thread writer_;
  std::thread committer_;
  std::once_flag shutdown_once_;
  Status shutdown_status_;

  // The state lock, shared, over a durable state: it waits until every
  // applied batch is committed. The reader counts in readers_waiting_ from
  // before it takes the lock until the state is durable, and the writer
  // applies no batch while one waits (ApplyBatch), so a stream of batches
  // cannot keep a reader waiting.
  class BG_SCOPED_CAPABILITY DurableReadLock {
   public:
    explicit DurableReadLock(const Engine* engine) BG_ACQUIRE_SHARED(engine->state_mu_);
    ~DurableReadLock() BG_RELEASE();
    DurableReadLock(const DurableReadLock&) = delete;
    DurableReadLock& operator=(const DurableReadLock&) = delete;

   private:
    const Engine* const engine_;
  };
};

}  // namespace bg::engine
