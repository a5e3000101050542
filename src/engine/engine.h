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
// The logical clock is max(clock.Now(), last + 1): monotonic even when the
// wall clock jumps back. Queries read through Read(), which waits until every
// applied batch is durable (the writer pauses while a reader waits), so a
// reader never sees a batch that could still fail.
//
// On Open the state is rebuilt from the latest snapshot plus the journal
// after it, verifying the hash chain and the snapshot's state hash; a
// snapshot is taken every `snapshot_every_batches` and on clean shutdown.
//
// Thread-safety: Submit, Execute, Read and the accessors are thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <thread>

#include "common/clock.h"
#include "common/result.h"
#include "state/command.h"
#include "state/state.h"
#include "storage/store.h"

namespace bg::engine {

struct EngineOptions {
  size_t max_batch_commands = 1024;
  size_t max_batch_events = size_t{8190} * 16;
  // After the first command of a batch arrives, wait this long for more
  // (0: take what is queued now; group commit happens anyway while the
  // previous batch is being made durable).
  std::chrono::microseconds batch_window{0};
  uint64_t snapshot_every_batches = 10'000;  // 0 = only on shutdown
  // Pre-size the ledger's indexes (Ledger::Reserve); 0 = grow as needed.
  size_t reserve_accounts = 0;
  size_t reserve_transfers = 0;
  // While idle, how often the writer checks for holds past their deadline
  // and journals a Tick to release them (0 = never; tests tick explicitly).
  std::chrono::milliseconds idle_tick{100};
  // Recover the state and serve Read only: no writer, no snapshots; every
  // Submit answers FailedPrecondition. For exports over a read-only store.
  bool read_only = false;
};

struct RecoveryInfo {
  std::string snapshot_rejected = {};  // why the latest snapshot was not used, if it was not
  uint64_t snapshot_seq = 0;           // 0: started from the empty state
  uint64_t replayed_entries = 0;
  uint64_t replayed_commands = 0;
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
};

class Engine {
 public:
  // Rebuilds the state from `store` and starts the writer. `store` and
  // `clock` must outlive the engine. One engine per store: a second Open on
  // a store a live engine uses is refused (FailedPrecondition).
  static Result<std::unique_ptr<Engine>> Open(storage::Store* store, const Clock* clock,
                                              EngineOptions options = {});
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Queues a command; the future is fulfilled once its batch is durable (or
  // has failed). After Shutdown, returns Unavailable at once.
  std::future<Result<state::CommandResult>> Submit(state::CommandBody body);
  Result<state::CommandResult> Execute(state::CommandBody body) {
    return Submit(std::move(body)).get();
  }

  // Calls f(const State&) under the read lock and returns what it returns.
  template <typename F>
  auto Read(F&& f) const {
    std::shared_lock lock = LockDurable();
    return f(static_cast<const state::State&>(state_));
  }

  // Answers every queued command, writes a snapshot, stops the writer.
  // Idempotent; the destructor calls it.
  Status Shutdown();
  // Asks the writer to write a snapshot now and waits for it.
  Status Snapshot();

  uint64_t last_seq() const;
  Hash256 chain_head() const;
  Hash256 StateHash() const;
  const RecoveryInfo& recovery() const { return recovery_; }
  EngineStats stats() const;

 private:
  struct Pending {
    state::Command command;
    std::promise<Result<state::CommandResult>> promise;
  };
  // A batch applied by the writer, waiting for (or in) its commit.
  struct AppliedBatch {
    std::vector<Pending> pending;
    std::vector<state::CommandResult> results;
    storage::JournalEntry entry;
    storage::Projection projection;
    uint64_t generation = 0;
  };

  Engine(storage::Store* store, const Clock* clock, EngineOptions options);
  Status Recover();
  // Rebuilds state_ from `snapshot` (or from nothing) plus the journal after
  // it. A sound `witness` (a snapshot not used to start from) must match the
  // state replayed up to its seq.
  Status Replay(const storage::SnapshotRecord* snapshot, const storage::SnapshotRecord* witness);
  Status FinishRecovery();
  Status ResolveFailedCommit(const storage::JournalEntry& entry, const Status& failure);
  void WriterLoop();
  void CommitterLoop();
  std::vector<Pending> TakeBatch(std::unique_lock<std::mutex>& lock);
  AppliedBatch ApplyBatch(std::vector<Pending> batch);
  void FinishBatch(AppliedBatch& batch, const Status& status);
  void PushBatch(AppliedBatch batch);
  AppliedBatch SpareBatch();  // a recycled one (buffers keep their capacity), or a new one
  // The timestamp the next command of `events` events gets (Stamp takes it).
  Timestamp NextStamp(size_t events) const;
  Timestamp Stamp(size_t events);
  // Waits until every applied batch is durable; the state lock is held.
  void DrainLocked(std::unique_lock<std::shared_mutex>& lock);
  std::shared_lock<std::shared_mutex> LockDurable() const;
  Status WriteSnapshotLocked();
  bool TickDue();

  storage::Store* const store_;
  const Clock* const clock_;
  bool owns_store_claim_ = false;  // set by Open once the store is claimed
  const EngineOptions options_;

  // state_mu_ guards the state and everything down to stats_.
  mutable std::shared_mutex state_mu_;
  mutable std::condition_variable_any state_cv_;  // durable_seq_ moved, readers left
  mutable std::atomic<int> readers_waiting_{0};
  state::State state_;
  uint64_t applied_seq_ = 0;  // last batch applied to state_
  Hash256 applied_head_{};
  uint64_t durable_seq_ = 0;  // last batch committed by the store
  Hash256 durable_head_{};
  uint64_t generation_ = 0;  // bumped when a failed commit rolls back the pipeline
  uint64_t batches_since_snapshot_ = 0;
  EngineStats stats_;
  Timestamp last_ts_ = 0;  // writer thread only
  RecoveryInfo recovery_;

  std::mutex queue_mu_;
  std::condition_variable queue_cv_;
  std::deque<Pending> queue_;
  std::vector<std::promise<Status>> snapshot_requests_;
  bool stopping_ = false;

  std::mutex commit_mu_;
  std::condition_variable commit_cv_;
  std::deque<AppliedBatch> commit_queue_;    // at most one waits while one commits
  std::vector<AppliedBatch> spare_batches_;  // finished batches whose buffers are reused
  bool committing_ = false;
  bool writer_done_ = false;

  // The providers' keys as the writer last applied them, for verifying
  // usage signatures on callers' threads. A key whose batch later fails
  // may linger: harmless, as the writer drops marks made with a key the
  // state does not hold (ApplyBatch).
  mutable std::shared_mutex keys_mu_;
  std::map<ProviderId, metering::PublicKey> keys_;

  std::thread writer_;
  std::thread committer_;
  std::once_flag shutdown_once_;
  Status shutdown_status_;
};

}  // namespace bg::engine
