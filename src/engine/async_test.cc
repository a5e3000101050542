// The engine's non-blocking side: waiters, reads of the applied state held
// back until durable, answers kept with batches, and the bounded queue.
#include <atomic>
#include <future>
#include <thread>

#include <gtest/gtest.h>

#include "engine/engine.h"
#include "storage/memory_store.h"
#include "tests/testutil/faulty_store.h"

namespace bg::engine {
namespace {

using state::CommandResult;
using state::CreateAccounts;
using state::CreateTransfers;
using state::State;
using state::TransferResults;

constexpr LedgerId kCny(1);

ledger::Account MakeAccount(uint64_t id, uint16_t flags = 0) {
  return ledger::Account{.id = AccountId(id), .ledger = kCny, .code = 1, .flags = flags};
}

ledger::Transfer MakeTransfer(uint64_t id, uint64_t dr, uint64_t cr, int64_t amount) {
  return ledger::Transfer{.id = TransferId(id),
                          .debit_account_id = AccountId(dr),
                          .credit_account_id = AccountId(cr),
                          .amount = amount,
                          .ledger = kCny,
                          .code = 1};
}

int64_t Balance(const State& s, uint64_t id) {
  const ledger::Account* a = s.ledger().FindAccount(AccountId(id));
  return a == nullptr ? -1 : a->credits_posted - a->debits_posted;
}

storage::KeptAnswer Kept(const std::string& key) {
  return {.caller = "test", .key = key, .request = {}, .answer = {1, 2, 3}, .at = 5};
}

// Records what the engine tells it; `keep` is kept with the batch.
class Recorder final : public Waiter {
 public:
  explicit Recorder(std::optional<storage::KeptAnswer> keep = std::nullopt)
      : keep_(std::move(keep)) {}
  void Applied(const State& s, const CommandResult&,
               std::vector<storage::KeptAnswer>* keep) override {
    balance_at_apply = Balance(s, 2);
    if (keep_) keep->push_back(*keep_);
  }
  void Done(Result<CommandResult> r) override { done.set_value(r.status()); }

  std::atomic<int64_t> balance_at_apply{-1};
  std::promise<Status> done;

 private:
  std::optional<storage::KeptAnswer> keep_;
};

class AsyncEngineTest : public ::testing::Test {
 protected:
  void SetUp() override { Open(); }
  void Open(EngineOptions o = {}) {
    o.idle_tick = std::chrono::milliseconds(0);
    auto e = Engine::Open(&faulty_, &clock_, o);
    ASSERT_TRUE(e.ok()) << e.status();
    engine_ = std::move(*e);
    ASSERT_TRUE(engine_->Execute(CreateAccounts{{MakeAccount(1), MakeAccount(2)}}).ok());
  }
  // Submits a transfer of `amount` from 1 to 2 with a Recorder.
  Recorder* Send(uint64_t id, int64_t amount, std::optional<storage::KeptAnswer> keep = {}) {
    auto r = std::make_unique<Recorder>(std::move(keep));
    Recorder* raw = r.get();
    futures_.push_back(raw->done.get_future());
    engine_->Submit(CreateTransfers{{MakeTransfer(id, 1, 2, amount)}}, std::move(r));
    return raw;
  }
  // Holds commits and waits until the next batch is in its commit.
  void HoldNextCommit() {
    const int attempts = faulty_.commits_attempted();
    faulty_.HoldCommits();
    Send(900, 1);
    faulty_.WaitForAttempts(attempts + 1);
  }

  VirtualClock clock_;
  storage::MemoryStore store_;
  testutil::FaultyStore faulty_{&store_};
  std::unique_ptr<Engine> engine_;
  std::vector<std::future<Status>> futures_;
};

TEST_F(AsyncEngineTest, AWaiterSeesTheStateItsCommandLeftAndHearsOnlyOnceDurable) {
  HoldNextCommit();
  Recorder* r = Send(1, 40);
  // Applied behind the held commit: seen on the writer, not yet answered.
  while (engine_->stats().applied_batches < 3) std::this_thread::yield();
  EXPECT_EQ(r->balance_at_apply.load(), 41);  // 1 (held batch) + 40
  EXPECT_EQ(futures_.back().wait_for(std::chrono::milliseconds(0)), std::future_status::timeout);
  faulty_.ReleaseCommits();
  EXPECT_TRUE(futures_.back().get().ok());
}

TEST_F(AsyncEngineTest, AReadOfTheAppliedStateIsHeldBackUntilItIsDurable) {
  HoldNextCommit();
  const auto [balance, seen] = engine_->ReadApplied([](const State& s) { return Balance(s, 2); });
  EXPECT_EQ(balance, 1);                        // the held batch is applied...
  EXPECT_GT(seen.seq, engine_->durable().seq);  // ...not durable
  std::promise<Status> durable;
  engine_->WhenDurable(seen, [&](Status s) { durable.set_value(s); });
  auto heard = durable.get_future();
  EXPECT_EQ(heard.wait_for(std::chrono::milliseconds(0)), std::future_status::timeout);
  faulty_.ReleaseCommits();
  EXPECT_TRUE(heard.get().ok());
  // A durable state is answered at once, on the caller's thread.
  bool now = false;
  engine_->WhenDurable(engine_->durable(), [&](Status s) { now = s.ok(); });
  EXPECT_TRUE(now);
}

TEST_F(AsyncEngineTest, AReadOfABatchThatFailsToCommitIsVoid) {
  faulty_.FailNextCommits(1);
  HoldNextCommit();
  const Seen seen = engine_->ReadApplied([](const State&) { return 0; }).second;
  std::promise<Status> durable;
  engine_->WhenDurable(seen, [&](Status s) { durable.set_value(s); });
  faulty_.ReleaseCommits();
  EXPECT_EQ(durable.get_future().get().code(), StatusCode::kAborted);
  EXPECT_EQ(futures_[0].get().code(), StatusCode::kUnavailable);
  // After the rollback, the same seq is another batch: the old read stays void.
  Send(2, 5);
  EXPECT_TRUE(futures_.back().get().ok());
  Status late;
  engine_->WhenDurable(seen, [&](Status s) { late = s; });
  EXPECT_EQ(late.code(), StatusCode::kAborted);
}

TEST_F(AsyncEngineTest, AnswersAreKeptWithTheirBatchOrWithTheNextOne) {
  Send(1, 10, Kept("with-command"));
  EXPECT_TRUE(futures_.back().get().ok());
  auto found = engine_->FindAnswer("test", "with-command");
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ((*found)->answer, (std::vector<uint8_t>{1, 2, 3}));

  // With no command queued, an answer goes in a batch of its own, and
  // only once what it was made from is durable.
  std::promise<Status> kept;
  engine_->Keep(Kept("alone"), engine_->applied(), [&](Status s) { kept.set_value(s); });
  EXPECT_TRUE(kept.get_future().get().ok());
  EXPECT_TRUE(engine_->FindAnswer("test", "alone")->has_value());
  EXPECT_EQ(engine_->stats().kept_answers, 2u);
  // The journal holds only the commands: no entry for the lone answer.
  EXPECT_EQ(engine_->last_seq(), 2u);
}

TEST_F(AsyncEngineTest, AnAnswerOfAFailedBatchIsNotKept) {
  faulty_.FailNextCommits(1);
  const int attempts = faulty_.commits_attempted();
  faulty_.HoldCommits();
  Send(1, 10, Kept("lost"));
  faulty_.WaitForAttempts(attempts + 1);
  faulty_.ReleaseCommits();
  EXPECT_FALSE(futures_.back().get().ok());
  EXPECT_FALSE(engine_->FindAnswer("test", "lost")->has_value());
}

TEST_F(AsyncEngineTest, AFullQueueRefusesAtOnceAndEveryoneElseIsAnswered) {
  engine_.reset();
  EngineOptions o;
  o.max_queued = 4;
  Open(o);
  HoldNextCommit();  // batch 2 commits (held)
  Send(2, 1);        // batch 3 waits for the commit slot
  while (engine_->stats().applied_batches < 3) std::this_thread::yield();
  Send(3, 1);  // batch 4: the writer holds it,
  while (engine_->stats().applied_batches < 4) std::this_thread::yield();  // blocked
  for (uint64_t id = 10; id < 14; ++id) Send(id, 1);                       // the queue is full
  Send(14, 1);
  EXPECT_EQ(futures_.back().wait_for(std::chrono::milliseconds(0)), std::future_status::ready);
  EXPECT_EQ(futures_.back().get().code(), StatusCode::kResourceExhausted);
  futures_.pop_back();
  std::promise<Status> kept;
  engine_->Keep(Kept("refused"), engine_->applied(), [&](Status s) { kept.set_value(s); });
  EXPECT_EQ(kept.get_future().get().code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(engine_->stats().refused, 2u);
  faulty_.ReleaseCommits();
  for (auto& f : futures_) EXPECT_TRUE(f.get().ok());
}

TEST_F(AsyncEngineTest, TheHistogramsCountEveryBatchAndEveryTake) {
  for (uint64_t id = 1; id <= 5; ++id) Send(id, 1);
  for (auto& f : futures_) EXPECT_TRUE(f.get().ok());
  const EngineStats s = engine_->stats();
  uint64_t batches = 0;
  for (uint64_t n : s.batch_sizes) batches += n;
  uint64_t takes = 0;
  for (uint64_t n : s.queue_depths) takes += n;
  EXPECT_EQ(batches, s.batches);
  EXPECT_EQ(s.batch_size_sum, s.commands);
  EXPECT_EQ(takes, s.applied_batches);
}

}  // namespace
}  // namespace bg::engine
