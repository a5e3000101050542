// The engine against its store: commands and their answers, recovery from
// the journal and from a snapshot, failed and uncertain commits, a deposed
// writer, concurrency. Every test is a TEST_P of EngineTest
// (engine_test_util.h) and runs on every store: engine_test instantiates
// them for the memory and SQLite stores (engine_stores_test.cc),
// engine_pg_test for PostgreSQL (engine_pg_test.cc). Where a test needs a
// store to stand for a damaged, forked or failing one, it copies into a
// MemoryStore or wraps store_ in a FaultyStore: the store under test still
// serves every call that is not an injected fault.
#include "engine/engine.h"

#include <atomic>
#include <mutex>
#include <thread>

#include <gtest/gtest.h>

#include "engine/engine_test_util.h"
#include "programme/reconcile.h"
#include "storage/memory_store.h"
#include "tests/testutil/faulty_store.h"
#include "world/commands.h"

namespace bg::engine {

using state::AccountResults;
using state::CommandBody;
using state::CommandResult;
using state::CreateAccounts;
using state::CreateProgramme;
using state::CreateTransfers;
using state::FileApplication;
using state::Redeem;
using state::RegisterEnterprise;
using state::RegisterJurisdiction;
using state::RegisterProvider;
using state::RegistryResult;
using state::ReviewApplication;
using state::State;
using state::Tick;
using state::TickResult;
namespace {

using namespace engine_test;  // NOLINT(google-build-using-namespace): the tests' own helpers
using ledger::TransferResult;

TEST_P(EngineTest, AppliesCommandsAndAnswersEachCaller) {
  auto e = OpenEngine(store_.get());
  Fund(*e, 500);
  EXPECT_EQ(Transfers(*e, {MakeTransfer(1, 2, 3, 200), MakeTransfer(2, 2, 3, 400)}),
            (std::vector{TransferResult::kOk, TransferResult::kExceedsCredits}));
  EXPECT_EQ(Available(*e, 2), 300);
  EXPECT_EQ(e->last_seq(), 3u);
  auto rows = store_->ReadAccounts();
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ((*rows)[1].debits_posted, 200);  // the projection shows the truth
}

TEST_P(EngineTest, LogicalClockStaysMonotonicWhenTheWallClockJumpsBack) {
  auto e = OpenEngine(store_.get());
  Fund(*e, 500);
  clock_.Set(clock_.Now() - 3600 * kNanosPerSecond);
  ASSERT_EQ(Transfers(*e, {MakeTransfer(1, 2, 3, 1), MakeTransfer(2, 2, 3, 1)})[1],
            TransferResult::kOk);
  std::vector<Timestamp> seen;
  e->Read([&](const State& s) {
    for (const auto& t : s.ledger().transfers()) seen.push_back(t.transfer.timestamp);
    return 0;
  });
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_LT(seen[0], seen[1]);
  EXPECT_LT(seen[1], seen[2]);
}

TEST_P(EngineTest, RestartRebuildsTheSameStateFromJournalAndFromSnapshot) {
  Hash256 before{};
  {
    auto e = OpenEngine(store_.get());
    Fund(*e, 1000);
    Transfers(*e, {MakeTransfer(1, 2, 3, 100, ledger::kPending)});
    before = e->StateHash();
    // No clean shutdown yet: the next open must replay the journal.
    storage::MemoryStore copy;
    CopyJournalTo(&copy);
    auto replayed = OpenEngine(&copy);
    EXPECT_EQ(replayed->StateHash(), before);
    EXPECT_EQ(replayed->recovery().snapshot_seq, 0u);
    EXPECT_EQ(replayed->recovery().replayed_entries, 3u);
  }  // clean shutdown writes a snapshot
  auto e = OpenEngine(store_.get());
  EXPECT_EQ(e->StateHash(), before);
  EXPECT_EQ(e->recovery().snapshot_seq, 3u);
  EXPECT_EQ(e->recovery().replayed_entries, 0u);
  // And it carries on: the chain continues from the snapshot's head.
  EXPECT_EQ(Transfers(*e, {MakeTransfer(2, 2, 3, 5)})[0], TransferResult::kOk);
  EXPECT_EQ(e->last_seq(), 4u);
}

// A standby's follower: a read-only engine on a store that receives the
// writer's journal (a copy here; a PostgreSQL follower store in `serve
// --standby`) catches up entry by entry, and a writer opened with its state
// replays only what came after it.
TEST_P(EngineTest, AFollowerCatchesUpAndAWriterStartsFromItsState) {
  auto writer = OpenEngine(store_.get());
  Fund(*writer, 1000);  // entries 1 and 2
  storage::MemoryStore followed;
  uint64_t copied = 0;
  auto copy_new = [&] {
    ASSERT_TRUE(store_
                    ->ReadJournal(copied,
                                  [&](const storage::JournalEntry& entry) {
                                    copied = entry.seq;
                                    return followed.Commit(entry, {});
                                  })
                    .ok());
  };
  copy_new();
  EngineOptions read_only = TestOptions();
  read_only.read_only = true;
  auto follower = OpenEngine(&followed, read_only);
  ASSERT_NE(follower, nullptr);
  EXPECT_EQ(follower->last_seq(), 2u);
  EXPECT_EQ(follower->CatchUp().value(), 0u);

  Transfers(*writer, {MakeTransfer(1, 2, 3, 100)});
  Transfers(*writer, {MakeTransfer(2, 2, 3, 50, ledger::kPending)});
  copy_new();
  EXPECT_EQ(follower->CatchUp().value(), 2u);
  EXPECT_EQ(follower->last_seq(), 4u);
  EXPECT_EQ(follower->StateHash(), writer->StateHash());
  EXPECT_EQ(Available(*follower, 2), 850);
  EXPECT_EQ(follower->Execute(CreateTransfers{{MakeTransfer(3, 2, 3, 1)}}).status().code(),
            StatusCode::kFailedPrecondition);

  // The writer goes on; then it dies (no snapshot), and a standby takes
  // over with the followed state (entry 4): two entries are replayed.
  Transfers(*writer, {MakeTransfer(3, 2, 3, 10)});
  Transfers(*writer, {MakeTransfer(4, 2, 3, 20)});
  const Hash256 last = writer->StateHash();
  storage::MemoryStore after_crash;
  CopyJournalTo(&after_crash);
  EngineOptions warm = TestOptions();
  warm.warm_start = std::make_shared<const storage::SnapshotRecord>(follower->SnapshotNow());
  auto successor = OpenEngine(&after_crash, warm);
  ASSERT_NE(successor, nullptr);
  EXPECT_TRUE(successor->recovery().warm_started);
  EXPECT_EQ(successor->recovery().replayed_entries, 2u);
  EXPECT_EQ(successor->StateHash(), last);
  EXPECT_EQ(Transfers(*successor, {MakeTransfer(5, 2, 3, 1)})[0], TransferResult::kOk);
  EXPECT_EQ(successor->last_seq(), 7u);
}

TEST_P(EngineTest, AWarmStateThatDoesNotFitTheJournalIsSetAside) {
  auto writer = OpenEngine(store_.get());
  Fund(*writer, 1000);
  Transfers(*writer, {MakeTransfer(1, 2, 3, 100)});
  const Hash256 truth = writer->StateHash();
  storage::SnapshotRecord forged = writer->SnapshotNow();
  forged.chain_head[0] ^= 1;  // a state from another history
  storage::MemoryStore restart;
  CopyJournalTo(&restart);
  EngineOptions warm = TestOptions();
  warm.warm_start = std::make_shared<const storage::SnapshotRecord>(forged);
  auto e = OpenEngine(&restart, warm);
  ASSERT_NE(e, nullptr);
  EXPECT_FALSE(e->recovery().warm_started);
  EXPECT_NE(e->recovery().warm_start_rejected.find("chain head"), std::string::npos)
      << e->recovery().warm_start_rejected;
  EXPECT_EQ(e->recovery().replayed_entries, 3u);  // from genesis
  EXPECT_EQ(e->StateHash(), truth);
}

TEST_P(EngineTest, AWarmStateOlderThanTheStoredSnapshotIsNotUsed) {
  std::shared_ptr<const storage::SnapshotRecord> old;
  Hash256 truth{};
  {
    auto writer = OpenEngine(store_.get());
    Fund(*writer, 1000);
    old = std::make_shared<const storage::SnapshotRecord>(writer->SnapshotNow());
    Transfers(*writer, {MakeTransfer(1, 2, 3, 100)});
    truth = writer->StateHash();
  }  // a clean shutdown stores a snapshot after entry 3
  EngineOptions warm = TestOptions();
  warm.warm_start = old;
  auto e = OpenEngine(store_.get(), warm);
  ASSERT_NE(e, nullptr);
  EXPECT_FALSE(e->recovery().warm_started);
  EXPECT_EQ(e->recovery().snapshot_seq, 3u);
  EXPECT_NE(e->recovery().warm_start_rejected.find("older (entry 2)"), std::string::npos)
      << e->recovery().warm_start_rejected;
  EXPECT_EQ(e->StateHash(), truth);
}

TEST_P(EngineTest, ReplayRefusesWhatTheLiveEngineRefused) {
  Hash256 live{};
  {
    EngineOptions o = TestOptions();
    o.snapshot_every_batches = 0;
    auto e = OpenEngine(store_.get(), o);
    ledger::Account bad = MakeAccount(7);
    bad.timestamp = 5;  // refused: timestamps are the ledger's to set
    ledger::Account funded = MakeAccount(8);
    funded.credits_posted = 100;  // refused: balances start at zero
    Result<CommandResult> r = e->Execute(CreateAccounts{{bad, funded, MakeAccount(9)}});
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(
        std::get<AccountResults>(*r).results,
        (std::vector{ledger::AccountResult::kTimestampMustBeZero,
                     ledger::AccountResult::kBalancesMustBeZero, ledger::AccountResult::kOk}));
    live = e->StateHash();
  }
  // Replay the journal alone (no snapshot in this copy).
  storage::MemoryStore copy;
  CopyJournalTo(&copy);
  auto replayed = OpenEngine(&copy);
  EXPECT_EQ(replayed->StateHash(), live);
  EXPECT_EQ(replayed->Read([](const State& s) { return s.ledger().accounts().size(); }), 1u);
}

TEST_P(EngineTest, FailedCommitFailsEveryCallerAndLeavesStateAsBefore) {
  testutil::FaultyStore faulty(store_.get());
  auto e = OpenEngine(&faulty);
  Fund(*e, 1000);
  const Hash256 before = e->StateHash();
  faulty.FailNextCommits(1);
  // Several callers, one batch or more: each must get the error.
  std::vector<std::future<Result<CommandResult>>> futures;
  for (uint64_t i = 0; i < 4; ++i) {
    futures.push_back(e->Submit(CreateTransfers{{MakeTransfer(10 + i, 2, 3, 100)}}));
  }
  int failed = 0;
  for (auto& f : futures) {
    Result<CommandResult> r = f.get();
    if (!r.ok()) {
      ++failed;
      // The failed batch: Unavailable; a batch applied behind it: Aborted.
      EXPECT_TRUE(r.status().code() == StatusCode::kUnavailable ||
                  r.status().code() == StatusCode::kAborted)
          << r.status();
      EXPECT_NE(r.status().message().find("not committed"), std::string::npos);
    }
  }
  EXPECT_GE(failed, 1);
  if (failed == 4) {
    EXPECT_EQ(e->StateHash(), before);
  }
  // What failed is not there and may be retried; what succeeded stays.
  const int64_t expect_available = 1000 - 100 * (4 - failed);
  EXPECT_EQ(Available(*e, 2), expect_available);
  // The first command is always in the failed batch, so its retry applies.
  EXPECT_EQ(Transfers(*e, {MakeTransfer(10, 2, 3, 100)})[0], TransferResult::kOk);
}

TEST_P(EngineTest, FailedCommitOfOneBatchRestoresTheExactStateHash) {
  testutil::FaultyStore faulty(store_.get());
  auto e = OpenEngine(&faulty);
  Fund(*e, 1000);
  Transfers(*e, {MakeTransfer(1, 2, 3, 100, ledger::kPending | ledger::kLinked),
                 MakeTransfer(2, 2, 3, 100, ledger::kPending)});
  const Hash256 before = e->StateHash();
  faulty.FailNextCommits(1);
  ledger::Transfer post = MakeTransfer(3, 0, 0, 40, ledger::kPostPending);
  post.pending_id = TransferId(1);
  Result<CommandResult> r = e->Execute(CreateTransfers{{post, MakeTransfer(4, 2, 3, 7)}});
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(e->StateHash(), before);
  EXPECT_EQ(Transfers(*e, {post})[0], TransferResult::kOk);  // the retry is applied normally
}

TEST_P(EngineTest, ACommitThatFailedAfterWritingCountsAsCommitted) {
  testutil::FaultyStore faulty(store_.get());
  auto e = OpenEngine(&faulty);
  Fund(*e, 1000);
  faulty.FailNextCommitsAfterWriting(1);
  // The store has the batch: answering with an error would make the
  // caller's retry see `exists`, and reusing the seq would wedge the chain.
  EXPECT_EQ(Transfers(*e, {MakeTransfer(1, 2, 3, 100)})[0], TransferResult::kOk);
  EXPECT_EQ(Transfers(*e, {MakeTransfer(2, 2, 3, 100)})[0], TransferResult::kOk);
  EXPECT_EQ(Available(*e, 2), 800);
  EXPECT_EQ(store_->Head()->seq, e->last_seq());
}

TEST_P(EngineTest, AnEntryOfOurSeqWrittenBySomeoneElseIsNotOurCommit) {
  testutil::FaultyStore faulty(store_.get());
  auto e = OpenEngine(&faulty);
  Fund(*e, 1000);
  faulty.FailNextCommitsAfterAForeignAppend(1);
  // The store holds an entry of our seq, but not ours: the batch must not
  // be answered as committed, and the engine must stop rather than go on
  // from a chain head the store does not have.
  Result<CommandResult> r = e->Execute(CreateTransfers{{MakeTransfer(1, 2, 3, 100)}});
  EXPECT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("store state unknown"), std::string::npos) << r.status();
  EXPECT_FALSE(e->Execute(CreateTransfers{{MakeTransfer(2, 2, 3, 100)}}).ok());
  EXPECT_EQ(Available(*e, 2), 1000);
}

TEST_P(EngineTest, ADeposedWriterStopsAndSaysWhyOnce) {
  testutil::FaultyStore faulty(store_.get());
  std::vector<Status> halts;
  EngineOptions o = TestOptions();
  o.on_halt = [&halts](const Status& why) { halts.push_back(why); };
  auto e = OpenEngine(&faulty, o);
  Fund(*e, 1000);
  EXPECT_TRUE(e->halted().ok());
  faulty.Depose();
  Result<CommandResult> refused = e->Execute(CreateTransfers{{MakeTransfer(1, 2, 3, 100)}});
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("deposed"), std::string::npos) << refused.status();
  // It takes no more commands, and says so once.
  Result<CommandResult> after = e->Execute(CreateTransfers{{MakeTransfer(2, 2, 3, 100)}});
  EXPECT_EQ(after.status().code(), StatusCode::kUnavailable) << after.status();
  EXPECT_EQ(e->halted().code(), StatusCode::kFailedPrecondition);
  ASSERT_EQ(halts.size(), 1u);
  EXPECT_NE(halts[0].message().find("deposed"), std::string::npos) << halts[0];
  EXPECT_EQ(Available(*e, 2), 1000);
}

TEST_P(EngineTest, AnIdleWriterKeepsItsStoreAliveAndStopsWhenRefused) {
  testutil::FaultyStore faulty(store_.get());
  std::promise<Status> halted;
  EngineOptions o = TestOptions();
  o.idle_tick = std::chrono::milliseconds(1);
  o.on_halt = [&halted](const Status& why) { halted.set_value(why); };
  auto e = OpenEngine(&faulty, o);
  EXPECT_GE(faulty.keep_alives(), 1);  // once after recovery
  // Idle: the writer's ticks call KeepAlive until the store refuses it.
  faulty.Depose();
  const Status why = halted.get_future().get();
  EXPECT_EQ(why.code(), StatusCode::kFailedPrecondition) << why;
  EXPECT_GE(faulty.keep_alives(), 2);
  EXPECT_EQ(e->Execute(CreateTransfers{{MakeTransfer(1, 2, 3, 100)}}).status().code(),
            StatusCode::kUnavailable);
}

TEST_P(EngineTest, ASecondEngineOnOneStoreIsRefused) {
  auto first = OpenEngine(store_.get());
  Result<std::unique_ptr<Engine>> second = Engine::Open(store_.get(), &clock_, TestOptions());
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), StatusCode::kFailedPrecondition);
  first.reset();
  EXPECT_NE(OpenEngine(store_.get()), nullptr);
}

TEST_P(EngineTest, FailedCommitAlsoFailsTheBatchAppliedBehindIt) {
  testutil::FaultyStore faulty(store_.get());
  auto e = OpenEngine(&faulty);
  Fund(*e, 1000);
  const Hash256 before = e->StateHash();
  const int attempts = faulty.commits_attempted();
  faulty.HoldCommits();
  faulty.FailNextCommits(1);
  const uint64_t applied_at_start = e->stats().applied_batches;
  auto first = e->Submit(CreateTransfers{{MakeTransfer(1, 2, 3, 100)}});
  faulty.WaitForAttempts(attempts + 1);  // batch 1 is in its commit
  auto second = e->Submit(CreateTransfers{{MakeTransfer(2, 2, 3, 900)}});
  auto third = e->Submit(CreateTransfers{{MakeTransfer(3, 2, 3, 1)}});
  // Wait until the writer has applied batch 2 behind the held commit.
  while (e->stats().applied_batches < applied_at_start + 2) std::this_thread::yield();
  faulty.ReleaseCommits();
  Result<CommandResult> r1 = first.get();
  EXPECT_EQ(r1.status().code(), StatusCode::kUnavailable);
  Result<CommandResult> r2 = second.get();
  Result<CommandResult> r3 = third.get();
  // Batch 2 was applied on top of the failed batch 1, so it is rolled back
  // and failed with it. Batch 3 was applied too (or after the rollback, in
  // which case it succeeds on the restored state).
  EXPECT_EQ(r2.status().code(), StatusCode::kAborted) << r2.status();
  if (!r3.ok()) {
    EXPECT_EQ(r3.status().code(), StatusCode::kAborted) << r3.status();
    EXPECT_EQ(e->StateHash(), before);
  }
  EXPECT_EQ(Available(*e, 2), 1000 - (r3.ok() ? 1 : 0));
  // The ledger is consistent and usable afterwards: all three may be retried.
  EXPECT_EQ(Transfers(*e, {MakeTransfer(1, 2, 3, 100), MakeTransfer(2, 2, 3, 800)}),
            (std::vector{TransferResult::kOk, TransferResult::kOk}));
  EXPECT_EQ(e->Read([](const State& s) { return s.ledger().CheckInvariants(); }), "");
}

TEST_P(EngineTest, ReadsWaitUntilTheBatchTheyWouldSeeIsDurable) {
  testutil::FaultyStore faulty(store_.get());
  auto e = OpenEngine(&faulty);
  Fund(*e, 1000);
  const int attempts = faulty.commits_attempted();
  faulty.HoldCommits();
  faulty.FailNextCommits(1);
  auto pending = e->Submit(CreateTransfers{{MakeTransfer(1, 2, 3, 400)}});
  faulty.WaitForAttempts(attempts + 1);  // applied, not yet durable
  std::atomic<int64_t> seen{-1};
  std::thread reader([&] { seen = Available(*e, 2); });
  faulty.ReleaseCommits();  // ... and the commit fails
  reader.join();
  EXPECT_FALSE(pending.get().ok());
  // The reader never saw the 400 that was rolled back.
  EXPECT_EQ(seen.load(), 1000);
}

TEST_P(EngineTest, ConcurrentHoldsGrantExactlyWhatTheBalanceAllows) {
  // F8 of reference/ledger.md: 20 holds of 75 against 500 grant 6.
  auto e = OpenEngine(store_.get());
  Fund(*e, 500);
  std::vector<std::thread> threads;
  std::atomic<int> granted{0};
  for (uint64_t i = 0; i < 20; ++i) {
    threads.emplace_back([&, i] {
      auto r = Transfers(*e, {MakeTransfer(100 + i, 2, 3, 75, ledger::kPending)});
      if (!r.empty() && r[0] == TransferResult::kOk) ++granted;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(granted.load(), 6);
  EXPECT_EQ(Available(*e, 2), 500 - 6 * 75);
}

TEST_P(EngineTest, TickReleasesHoldsExactlyAtTheirDeadline) {
  auto e = OpenEngine(store_.get());
  Fund(*e, 500);
  ledger::Transfer hold = MakeTransfer(1, 2, 3, 300, ledger::kPending);
  hold.timeout = 60;
  ASSERT_EQ(Transfers(*e, {hold})[0], TransferResult::kOk);
  const Timestamp deadline =
      e->Read([](const State& s) { return s.ledger().FindTransfer(TransferId(1))->expires_at; });
  clock_.Set(deadline - 1);
  auto tick = e->Execute(Tick{});
  ASSERT_TRUE(tick.ok());
  EXPECT_EQ(std::get<TickResult>(*tick).expired, 0u);
  EXPECT_EQ(Available(*e, 2), 200);
  clock_.Set(deadline);
  tick = e->Execute(Tick{});
  ASSERT_TRUE(tick.ok());
  EXPECT_EQ(std::get<TickResult>(*tick).expired, 1u);
  EXPECT_EQ(Available(*e, 2), 500);
}

TEST_P(EngineTest, ShutdownAnswersLateCallersWithUnavailable) {
  auto e = OpenEngine(store_.get());
  Fund(*e, 10);
  ASSERT_TRUE(e->Shutdown().ok());
  Result<CommandResult> r = e->Execute(Tick{});
  EXPECT_EQ(r.status().code(), StatusCode::kUnavailable);
}

TEST_P(EngineTest, ABadSnapshotIsSetAsideAndTheJournalReplayedFromGenesis) {
  Hash256 before{};
  {
    auto e = OpenEngine(store_.get());
    Fund(*e, 1000);
    Transfers(*e, {MakeTransfer(1, 2, 3, 100, ledger::kPending)});
    before = e->StateHash();
  }  // the clean shutdown writes a snapshot at seq 3
  auto good = store_->LatestSnapshot();
  ASSERT_TRUE(good.ok() && good->has_value());

  struct Case {
    const char* name;
    void (*corrupt)(storage::SnapshotRecord*);
    const char* reason;
  };
  const Case cases[] = {
      // Offset 48: the first account's debits_pending (8-byte length, magic,
      // last timestamp, account count, then id, ledger, code, flags, owner).
      {"flipped state byte", [](storage::SnapshotRecord* s) { s->state[48] ^= 1; },
       "does not match its state hash"},
      {"wrong chain head", [](storage::SnapshotRecord* s) { s->chain_head[0] ^= 1; },
       "chain head is not the hash of journal entry 3"},
      {"truncated state", [](storage::SnapshotRecord* s) { s->state.resize(10); },
       "does not decode"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    storage::SnapshotRecord bad = **good;
    c.corrupt(&bad);
    ASSERT_TRUE(store_->SaveSnapshot(bad).ok());
    auto e = OpenEngine(store_.get(), [] {
      EngineOptions o = TestOptions();
      o.snapshot_every_batches = 0;
      return o;
    }());
    ASSERT_NE(e, nullptr);
    EXPECT_NE(e->recovery().snapshot_rejected.find(c.reason), std::string::npos)
        << e->recovery().snapshot_rejected;
    EXPECT_EQ(e->recovery().replayed_entries, 3u);
    EXPECT_EQ(e->StateHash(), before);
  }
}

TEST_P(EngineTest, TheGbaScenarioLoadsAsCommandsAndReplaysToTheSameState) {
  auto scenario = world::LoadWorldFile(std::string(BG_SOURCE_DIR) + "/scenarios/gba.toml");
  ASSERT_TRUE(scenario.ok()) << scenario.status();
  Hash256 live{};
  {
    EngineOptions o = TestOptions();
    o.snapshot_every_batches = 0;
    auto e = OpenEngine(store_.get(), o);
    for (CommandBody& c : world::ToCommands(*scenario)) {
      Result<CommandResult> r = e->Execute(std::move(c));
      ASSERT_TRUE(r.ok()) << r.status();
      EXPECT_EQ(world::Refusal(*r), std::nullopt);
    }
    e->Read([&](const State& s) {
      EXPECT_EQ(s.registry().jurisdictions().size(), scenario->jurisdictions.size());
      EXPECT_EQ(s.registry().programmes().size(), scenario->programmes.size());
      EXPECT_EQ(*s.registry().FindProgramme(ProgrammeId(1)), scenario->programmes[0]);
      return 0;
    });
    // Registering the same programme again is idempotent; a changed body is not.
    programme::ProgrammeRules again = scenario->programmes[0];
    EXPECT_EQ(std::get<RegistryResult>(*e->Execute(CreateProgramme{again})).result,
              programme::RegistryResult::kExists);
    again.default_ratio_bp = 9000;
    EXPECT_EQ(std::get<RegistryResult>(*e->Execute(CreateProgramme{again})).result,
              programme::RegistryResult::kExistsWithDifferentBody);
    live = e->StateHash();
  }
  auto from_snapshot = OpenEngine(store_.get());
  EXPECT_EQ(from_snapshot->StateHash(), live);
  storage::MemoryStore copy;
  CopyJournalTo(&copy);
  auto replayed = OpenEngine(&copy);
  EXPECT_EQ(replayed->StateHash(), live);
}

TEST_P(EngineTest, RegistrationsOfAFailedBatchAreRolledBack) {
  testutil::FaultyStore faulty(store_.get());
  auto e = OpenEngine(&faulty);
  programme::Jurisdiction guangdong{.id = JurisdictionId(1), .code = "guangdong"};
  ASSERT_TRUE(e->Execute(RegisterJurisdiction{guangdong}).ok());
  const Hash256 before = e->StateHash();
  programme::Jurisdiction dongguan{
      .id = JurisdictionId(2), .code = "dongguan", .parent = JurisdictionId(1)};
  faulty.FailNextCommits(1);
  EXPECT_FALSE(e->Execute(RegisterJurisdiction{dongguan}).ok());
  EXPECT_EQ(e->StateHash(), before);
  EXPECT_EQ(std::get<RegistryResult>(*e->Execute(RegisterJurisdiction{dongguan})).result,
            programme::RegistryResult::kOk);
  programme::Jurisdiction orphan{
      .id = JurisdictionId(3), .code = "x", .parent = JurisdictionId(99)};
  EXPECT_EQ(std::get<RegistryResult>(*e->Execute(RegisterJurisdiction{orphan})).result,
            programme::RegistryResult::kUnknownParent);
}

// A bad credit code is refused with its code and the GB 32100-2015 reason,
// and registers nothing (the logical clock still moves, as for any command).
TEST_P(EngineTest, ABadCreditCodeIsRefusedWithItsReason) {
  auto e = OpenEngine(store_.get());
  ASSERT_TRUE(e->Execute(RegisterJurisdiction{{.id = JurisdictionId(1), .code = "dongguan"}}).ok());
  programme::Enterprise bad;
  bad.id = EnterpriseId(1);
  bad.credit_code = "91441900MA5BG00018";  // the check character should be 7
  bad.name = "Typo Ltd";
  bad.applicant.home = JurisdictionId(1);
  auto r = e->Execute(RegisterEnterprise{bad});
  ASSERT_TRUE(r.ok());
  const auto& refused = std::get<RegistryResult>(*r);
  EXPECT_EQ(refused.result, programme::RegistryResult::kInvalidCreditCode);
  EXPECT_NE(refused.message.find("enterprise 1 (Typo Ltd): invalid_credit_code"), std::string::npos)
      << refused.message;
  EXPECT_NE(refused.message.find("check"), std::string::npos) << refused.message;
  e->Read([](const State& s) {
    EXPECT_TRUE(s.registry().enterprises().empty());
    EXPECT_EQ(s.ledger().accounts().size(), 1u);  // Dongguan's funding account only
    return 0;
  });
}

// One legal entity, one set of caps: the same unified social credit code
// under a second id would get a full yearly cap of its own.
TEST_P(EngineTest, TheSameCreditCodeTwiceIsRefusedNamingTheFirstRecord) {
  auto e = OpenEngine(store_.get());
  ASSERT_TRUE(e->Execute(RegisterJurisdiction{{.id = JurisdictionId(1), .code = "dongguan"}}).ok());
  programme::Enterprise first;
  first.id = EnterpriseId(1);
  first.credit_code = "91441900MA5BG00017";
  first.name = "Songshan Lake Precision Moulds";
  first.applicant.home = JurisdictionId(1);
  ASSERT_EQ(std::get<RegistryResult>(*e->Execute(RegisterEnterprise{first})).result,
            programme::RegistryResult::kOk);
  programme::Enterprise again = first;
  again.id = EnterpriseId(2);
  again.name = "Songshan Moulds (second account)";
  const Result<CommandResult> second = e->Execute(RegisterEnterprise{again});
  ASSERT_TRUE(second.ok());
  const auto& refused = std::get<RegistryResult>(*second);
  EXPECT_EQ(refused.result, programme::RegistryResult::kDuplicateCreditCode);
  EXPECT_NE(refused.message.find("is enterprise 1 (Songshan Lake Precision Moulds) already"),
            std::string::npos)
      << refused.message;
  programme::Provider provider{.id = ProviderId(1),
                               .name = "Binhaiwan",
                               .credit_code = "91441900MA5BG01046",
                               .home = JurisdictionId(1)};
  ASSERT_EQ(std::get<RegistryResult>(*e->Execute(RegisterProvider{provider})).result,
            programme::RegistryResult::kOk);
  provider.id = ProviderId(2);
  EXPECT_EQ(std::get<RegistryResult>(*e->Execute(RegisterProvider{provider})).result,
            programme::RegistryResult::kDuplicateCreditCode);
  // The index is rebuilt from a snapshot and a replay alike.
  e.reset();
  auto reopened = OpenEngine(store_.get());
  EXPECT_EQ(std::get<RegistryResult>(*reopened->Execute(RegisterEnterprise{again})).result,
            programme::RegistryResult::kDuplicateCreditCode);
  storage::MemoryStore copy;
  CopyJournalTo(&copy);
  auto replayed = OpenEngine(&copy);
  EXPECT_EQ(replayed->StateHash(), reopened->StateHash());
}

// Approvals racing from several threads: the writer applies them one after
// the other, so a 1,000,000-yuan budget grants exactly twenty 50,000-yuan
// vouchers and refuses the rest with budget_exhausted (small.toml: the caps
// would allow 28).
TEST_P(EngineTest, ConcurrentApprovalsNeverOverCommitABudget) {
  auto scenario = world::LoadWorldFile(std::string(BG_SOURCE_DIR) + "/tests/scenarios/small.toml");
  ASSERT_TRUE(scenario.ok()) << scenario.status();
  clock_.Set(1'741'000'000 * kNanosPerSecond);  // 2025-03-03, inside the window
  auto e = OpenEngine(store_.get());
  for (CommandBody& c : world::ToCommands(*scenario)) ASSERT_TRUE(e->Execute(std::move(c)).ok());
  constexpr uint64_t kApps = 40;
  for (uint64_t id = 1; id <= kApps; ++id) {
    const EnterpriseId who(id % 2 == 0 ? 1 : 3);  // Alpha Moulds, Beta Lab
    ASSERT_TRUE(e->Execute(FileApplication{.id = ApplicationId(id),
                                           .programme = ProgrammeId(1),
                                           .enterprise = who,
                                           .amount = Money::Fen(5'000'000)})
                    .ok());
    for (programme::Step step : {programme::Step::kSubmit, programme::Step::kStartReview}) {
      auto r = e->Execute(ReviewApplication{.id = ApplicationId(id), .step = step});
      ASSERT_EQ(std::get<programme::Outcome>(*r).code, programme::Code::kOk);
    }
  }
  // Which refusal an application meets depends on the interleaving: once
  // one enterprise holds 14 approvals (its yearly cap, 700,000) its next
  // ones are refused for the cap, the others' for the budget. Either way
  // exactly 20 are approved (the budget, fully used: the caps add up to 28).
  std::atomic<int> approved{0}, exhausted{0}, capped{0}, other{0};
  std::mutex others_mu;
  std::vector<std::string> others;  // what the other answers said, for a failure
  std::vector<std::thread> threads;
  for (uint64_t t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (uint64_t id = 1 + t; id <= kApps; id += 4) {
        auto r = e->Execute(
            ReviewApplication{.id = ApplicationId(id), .step = programme::Step::kApprove});
        const programme::Code code =
            r.ok() ? std::get<programme::Outcome>(*r).code : programme::Code::kInvalidTransition;
        switch (code) {
          case programme::Code::kOk:
            ++approved;
            break;
          case programme::Code::kBudgetExhausted:
            ++exhausted;
            break;
          case programme::Code::kOverEntityYearCap:
            ++capped;
            break;
          default: {
            ++other;
            std::lock_guard lock(others_mu);
            others.push_back(r.ok() ? std::get<programme::Outcome>(*r).message
                                    : r.status().ToString());
          }
        }
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(approved.load(), 20);
  EXPECT_EQ(exhausted.load() + capped.load(), 20);
  EXPECT_LE(capped.load(), 6);  // an enterprise's 20 applications, 14 approved at most
  EXPECT_EQ(other.load(), 0) << (others.empty() ? "" : others.front());
  e->Read([](const State& s) {
    EXPECT_EQ(programme::Book::Available(s.ledger(), programme::BudgetAccount(ProgrammeId(1))),
              Money{});
    EXPECT_EQ(programme::CheckReconciled(s.book(), s.registry(), s.ledger()), "");
    return 0;
  });
}

// The programme book rolls back with the ledger: a grant and a claim whose
// batch fails to commit leave no record, no account and no money moved; the
// same commands then succeed. A snapshot carries the book across a restart.
TEST_P(EngineTest, BookCommandsOfAFailedBatchAreRolledBack) {
  auto scenario = world::LoadWorldFile(std::string(BG_SOURCE_DIR) + "/scenarios/gba.toml");
  ASSERT_TRUE(scenario.ok()) << scenario.status();
  testutil::FaultyStore faulty(store_.get());
  clock_.Set(1'741'000'000 * kNanosPerSecond);  // 2025-03-03
  Hash256 live{};
  {
    auto e = OpenEngine(&faulty);
    for (CommandBody& c : world::ToCommands(*scenario)) ASSERT_TRUE(e->Execute(std::move(c)).ok());
    const ApplicationId app(1);
    ASSERT_TRUE(e->Execute(FileApplication{.id = app,
                                           .programme = ProgrammeId(1),
                                           .enterprise = EnterpriseId(1),
                                           .amount = Money::Fen(10'000'000)})
                    .ok());
    for (programme::Step step : {programme::Step::kSubmit, programme::Step::kStartReview}) {
      ASSERT_TRUE(e->Execute(ReviewApplication{.id = app, .step = step}).ok());
    }
    const Hash256 before = e->StateHash();
    faulty.FailNextCommits(1);
    EXPECT_FALSE(e->Execute(ReviewApplication{.id = app, .step = programme::Step::kApprove}).ok());
    EXPECT_EQ(e->StateHash(), before);
    e->Read([&](const State& s) {
      EXPECT_EQ(s.book().FindVoucher(VoucherId(1)), nullptr);
      EXPECT_EQ(s.ledger().FindAccount(programme::VoucherAccount(VoucherId(1))), nullptr);
      EXPECT_EQ(s.book().FindApplication(app)->status, programme::ApplicationStatus::kUnderReview);
      return 0;
    });
    for (programme::Step step : {programme::Step::kApprove, programme::Step::kIssue}) {
      auto r = e->Execute(ReviewApplication{.id = app, .step = step});
      ASSERT_TRUE(r.ok());
      EXPECT_EQ(std::get<programme::Outcome>(*r).code, programme::Code::kOk);
    }
    const Redeem claim{.id = ClaimId(5),
                       .order = OrderId(9),
                       .enterprise = EnterpriseId(1),
                       .provider = ProviderId(1),
                       .amount = Money::Fen(4'000'000)};
    const Hash256 issued = e->StateHash();
    faulty.FailNextCommits(1);
    EXPECT_FALSE(e->Execute(claim).ok());
    EXPECT_EQ(e->StateHash(), issued);
    auto r = e->Execute(claim);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(std::get<programme::Outcome>(*r).subsidy->subsidy, Money::Fen(2'000'000));
    e->Read([&](const State& s) {
      EXPECT_EQ(programme::CheckReconciled(s.book(), s.registry(), s.ledger()), "");
      return 0;
    });
    live = e->StateHash();
  }
  auto reopened = OpenEngine(store_.get());
  EXPECT_EQ(reopened->StateHash(), live);
  EXPECT_GT(reopened->recovery().snapshot_seq, 0u);
}

TEST_P(JournalSurgeryTest, ATruncatedJournalRefusesToStartAndNamesTheAudit) {
  Result<std::unique_ptr<Engine>> e = OpenSpliced(*store_, 2);
  ASSERT_FALSE(e.ok()) << "started without the acknowledged entry 3";
  EXPECT_EQ(e.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(e.status().message().find("truncated"), std::string::npos) << e.status();
  EXPECT_NE(e.status().message().find("baygrid audit verify"), std::string::npos) << e.status();
}

TEST_P(JournalSurgeryTest, AForkedJournalRefusesToStart) {
  // Another history of the same length: the same commands but transfer 1
  // moves 200, a sound chain of its own.
  storage::MemoryStore other;
  {
    auto e = OpenEngine(&other, [] {
      EngineOptions o = TestOptions();
      o.snapshot_every_batches = 0;
      return o;
    }());
    Fund(*e, 1000);
    Transfers(*e, {MakeTransfer(1, 2, 3, 200)});
  }
  Result<std::unique_ptr<Engine>> e = OpenSpliced(other, 3);
  ASSERT_FALSE(e.ok()) << "started on a journal that does not rebuild its own snapshot";
  EXPECT_EQ(e.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(e.status().message().find("forked"), std::string::npos) << e.status();
  EXPECT_NE(e.status().message().find("baygrid audit verify"), std::string::npos) << e.status();
}

TEST_P(EngineTest, CorruptJournalRefusesToStart) {
  {
    auto e = OpenEngine(store_.get(), [] {
      EngineOptions o = TestOptions();
      o.snapshot_every_batches = 0;
      return o;
    }());
    Fund(*e, 10);
  }
  storage::MemoryStore copy;
  ASSERT_TRUE(store_
                  ->ReadJournal(0,
                                [&](const storage::JournalEntry& entry) {
                                  storage::JournalEntry e = entry;
                                  if (e.seq == 2) e.payload[e.payload.size() / 2] ^= 0x40;
                                  return copy.Commit(e, {});
                                })
                  .ok());
  Result<std::unique_ptr<Engine>> e = Engine::Open(&copy, &clock_, TestOptions());
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(e.status().message().find("journal entry 2"), std::string::npos) << e.status();
}

}  // namespace
}  // namespace bg::engine
