// Retirement (Ledger::Retire): old transfers leave memory in whole chunks,
// what must stay stays and is found by id, a rollback puts everything back
// byte for byte, and the encoding carries what left as ids and a digest.
#include <cstdint>
#include <vector>

#include <gtest/gtest.h>

#include "ledger/ledger.h"

namespace bg::ledger {
namespace {

constexpr Timestamp kStart = 1'700'000'000 * kNanosPerSecond;
constexpr size_t kChunk = ChunkedVector<StoredTransfer>::kChunkSize;
constexpr uint64_t kA = kSystemIdFloor + 1;  // two system accounts
constexpr uint64_t kB = kSystemIdFloor + 2;
constexpr uint64_t kClientA = 1;  // two client accounts
constexpr uint64_t kClientB = 2;

Transfer Move(uint64_t id, uint64_t dr, uint64_t cr, int64_t amount, uint16_t flags = 0) {
  Transfer t;
  t.id = TransferId(id);
  t.debit_account_id = AccountId(dr);
  t.credit_account_id = AccountId(cr);
  t.amount = amount;
  t.ledger = LedgerId(1);
  t.code = 1;
  t.flags = flags;
  return t;
}

std::vector<uint8_t> Bytes(const Ledger& l) {
  std::vector<uint8_t> out;
  l.Encode(&out);
  return out;
}

size_t InMemory(const Ledger& l) {
  size_t n = 0;
  l.ForEachTransfer([&](const StoredTransfer&) { ++n; });
  return n;
}

class LedgerRetireTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::vector<Account> accounts;
    for (uint64_t id : {kA, kB, kClientA, kClientB}) {
      Account a;
      a.id = AccountId(id);
      a.ledger = LedgerId(1);
      a.code = 1;
      accounts.push_back(a);
    }
    for (AccountResult r : ledger_.CreateAccounts(accounts, Now(), Origin::kSystem)) {
      ASSERT_EQ(r, AccountResult::kOk);
    }
  }
  Timestamp Now() { return kStart + (++events_) * kNanosPerSecond; }
  // `n` system transfers of 1 fen, ids from next_id_ on.
  void System(size_t n) {
    for (size_t i = 0; i < n; ++i) Create(Move(next_id_++, kA, kB, 1), Origin::kSystem);
  }
  void Create(const Transfer& t, Origin origin) {
    const std::vector<TransferResult> r = ledger_.CreateTransfers({&t, 1}, Now(), origin);
    ASSERT_EQ(r.front(), TransferResult::kOk) << "transfer " << t.id;
  }
  // Retires every full chunk made so far with `fate`.
  std::vector<StoredTransfer> RetireAll(const std::function<Fate(const StoredTransfer&)>& fate) {
    return ledger_.Retire(Now(), 1'000, fate);
  }

  Ledger ledger_;
  uint64_t events_ = 0;
  uint64_t next_id_ = kSystemIdFloor + 1'000;
};

Fate RetireEverything(const StoredTransfer&) { return Fate::kRetire; }

TEST_F(LedgerRetireTest, WholeOldChunksLeaveAndTheirIdsStayTaken) {
  System(2 * kChunk + 10);
  const Hash256 before = ledger_.StateHash();
  const std::vector<StoredTransfer> retired = ledger_.Retire(Now(), 1, RetireEverything);
  ASSERT_EQ(retired.size(), kChunk);  // one chunk a call, as asked
  EXPECT_EQ(ledger_.live_from(), kChunk);
  EXPECT_EQ(ledger_.retired_count(), kChunk);
  EXPECT_EQ(ledger_.FindTransfer(retired.front().transfer.id), nullptr);
  EXPECT_TRUE(ledger_.retired_ids().Contains(retired.back().transfer.id.value()));
  EXPECT_EQ(ledger_.retired_ids().ranges(), 1u);  // consecutive ids: one range
  EXPECT_NE(ledger_.StateHash(), before);         // the digest covers what left
  EXPECT_EQ(InMemory(ledger_), kChunk + 10);
  // The balances are untouched: retirement moves no money.
  EXPECT_EQ(ledger_.FindAccount(AccountId(kB))->credits_posted,
            static_cast<int64_t>(2 * kChunk + 10));
  EXPECT_EQ(ledger_.CheckInvariants(), "");
  // The second full chunk leaves at the next call, the part-full one never.
  EXPECT_EQ(RetireAll(RetireEverything).size(), kChunk);
  EXPECT_EQ(ledger_.live_from(), 2 * kChunk);
  EXPECT_TRUE(RetireAll(RetireEverything).empty());
  // New transfers keep coming at the next positions.
  System(1);
  EXPECT_EQ(ledger_.transfer_count(), 2 * kChunk + 11);
}

TEST_F(LedgerRetireTest, OnlyChunksOlderThanTheCutLeave) {
  System(kChunk);
  const Timestamp cut = Now();
  System(kChunk);
  EXPECT_EQ(ledger_.Retire(kStart, 10, RetireEverything).size(), 0u);  // all newer
  EXPECT_EQ(ledger_.Retire(cut, 10, RetireEverything).size(), kChunk);
  EXPECT_EQ(ledger_.live_from(), kChunk);
}

TEST_F(LedgerRetireTest, OpenHoldsAndClientTransfersStayAndAreFoundById) {
  const uint64_t hold = next_id_++;
  Create(Move(hold, kA, kB, 500, kPending), Origin::kSystem);
  Create(Move(7, kClientA, kClientB, 3), Origin::kClient);
  System(kChunk - 2);
  const uint64_t kept_for_good = kSystemIdFloor + 1'000 + 5;
  const std::vector<StoredTransfer> retired = RetireAll([&](const StoredTransfer& t) {
    return t.transfer.id.value() == kept_for_good ? Fate::kKeep : Fate::kRetire;
  });
  EXPECT_EQ(retired.size(), kChunk - 3);  // not the hold, the client's or the kept one
  EXPECT_EQ(ledger_.kept_count(), 3u);
  ASSERT_NE(ledger_.FindTransfer(TransferId(7)), nullptr);
  ASSERT_NE(ledger_.FindTransfer(TransferId(kept_for_good)), nullptr);
  ASSERT_NE(ledger_.FindTransfer(TransferId(hold)), nullptr);
  // A client's retry of its id still answers exists; the hold posts as ever.
  const Transfer again = Move(7, kClientA, kClientB, 3);
  EXPECT_EQ(ledger_.CreateTransfers({&again, 1}, Now(), Origin::kClient).front(),
            TransferResult::kExists);
  Transfer post;
  post.id = TransferId(next_id_++);
  post.pending_id = TransferId(hold);
  post.flags = kPostPending;
  Create(post, Origin::kSystem);
  EXPECT_EQ(ledger_.FindTransfer(TransferId(hold))->status, PendingStatus::kPosted);
  EXPECT_EQ(ledger_.FindAccount(AccountId(kB))->credits_posted,
            static_cast<int64_t>(500 + kChunk - 2));
  EXPECT_EQ(ledger_.CheckInvariants(), "");
  // The hold was kept for now: resolved, it is asked again and leaves.
  const std::vector<StoredTransfer> later = RetireAll(RetireEverything);
  ASSERT_EQ(later.size(), 1u);
  EXPECT_EQ(later.front().transfer.id, TransferId(hold));
  EXPECT_EQ(ledger_.kept_count(), 2u);
}

TEST_F(LedgerRetireTest, TransfersKeptForNowAreAskedAgainUntilTheyMayLeave) {
  System(kChunk);
  bool job_retired = false;
  const uint64_t waiting = kSystemIdFloor + 1'000 + 9;
  auto fate = [&](const StoredTransfer& t) {
    if (t.transfer.id.value() != waiting) return Fate::kRetire;
    return job_retired ? Fate::kRetire : Fate::kKeepForNow;
  };
  EXPECT_EQ(RetireAll(fate).size(), kChunk - 1);
  EXPECT_EQ(RetireAll(fate).size(), 0u);  // still waiting
  job_retired = true;
  const std::vector<StoredTransfer> later = RetireAll(fate);
  ASSERT_EQ(later.size(), 1u);
  EXPECT_EQ(later.front().transfer.id, TransferId(waiting));
  EXPECT_EQ(ledger_.kept_count(), 0u);
  EXPECT_EQ(ledger_.retired_ids().ranges(), 1u);  // the gap closed
}

TEST_F(LedgerRetireTest, ARollbackPutsEverythingBackByteForByte) {
  const uint64_t hold = next_id_++;
  Create(Move(hold, kA, kB, 500, kPending), Origin::kSystem);
  System(3 * kChunk);
  const uint64_t waiting = kSystemIdFloor + 1'000 + 20;
  // Committed: one chunk retired, one transfer of it kept for now.
  ledger_.BeginBatch();
  ledger_.Retire(Now(), 1, [&](const StoredTransfer& t) {
    return t.transfer.id.value() == waiting ? Fate::kKeepForNow : Fate::kRetire;
  });
  ledger_.CommitBatch();
  const std::vector<uint8_t> committed = Bytes(ledger_);
  // Two batches open (the engine's pipeline), both retiring, then a failed commit.
  ledger_.BeginBatch();
  ASSERT_EQ(ledger_.Retire(Now(), 1, RetireEverything).size(), kChunk + 1);  // + the waiting one
  System(2);
  ledger_.BeginBatch();
  ASSERT_EQ(ledger_.Retire(Now(), 1, RetireEverything).size(), kChunk);
  ledger_.RollbackBatch();
  EXPECT_EQ(Bytes(ledger_), committed);
  ASSERT_NE(ledger_.FindTransfer(TransferId(waiting)), nullptr);
  ASSERT_NE(ledger_.FindTransfer(TransferId(kSystemIdFloor + 1'000 + 2 * kChunk)), nullptr);
  EXPECT_FALSE(ledger_.retired_ids().Contains(waiting));
  EXPECT_EQ(ledger_.CheckInvariants(), "");
  // And the same retirements again give the same state as the first time.
  ledger_.BeginBatch();
  ledger_.Retire(Now(), 2, RetireEverything);
  ledger_.CommitBatch();
  EXPECT_EQ(ledger_.live_from(), 3 * kChunk);
  EXPECT_EQ(ledger_.FindTransfer(TransferId(waiting)), nullptr);
}

TEST_F(LedgerRetireTest, ACommittedBatchFreesOnlyItsOwnChunks) {
  System(3 * kChunk);
  ledger_.BeginBatch();
  ledger_.Retire(Now(), 1, RetireEverything);
  ledger_.BeginBatch();
  ledger_.Retire(Now(), 1, RetireEverything);
  ledger_.CommitBatch();  // the first is durable; the second can still be undone
  ledger_.RollbackBatch();
  EXPECT_EQ(ledger_.live_from(), kChunk);
  EXPECT_EQ(ledger_.retired_count(), kChunk);
  ASSERT_NE(ledger_.FindTransfer(TransferId(kSystemIdFloor + 1'000 + kChunk)), nullptr);
}

TEST_F(LedgerRetireTest, TheEncodingCarriesWhatLeftAndWhatStayed) {
  const uint64_t hold = next_id_++;
  Create(Move(hold, kA, kB, 500, kPending), Origin::kSystem);
  Create(Move(7, kClientA, kClientB, 3), Origin::kClient);
  System(2 * kChunk);
  RetireAll([](const StoredTransfer& t) {
    return t.transfer.id.value() % 100 == 0 ? Fate::kKeepForNow : Fate::kRetire;
  });
  const std::vector<uint8_t> bytes = Bytes(ledger_);
  Ledger decoded;
  ASSERT_TRUE(Ledger::Decode(bytes, &decoded));
  EXPECT_EQ(Bytes(decoded), bytes);
  EXPECT_EQ(decoded.StateHash(), ledger_.StateHash());
  EXPECT_EQ(decoded.live_from(), ledger_.live_from());
  EXPECT_EQ(decoded.kept_count(), ledger_.kept_count());
  ASSERT_NE(decoded.FindTransfer(TransferId(hold)), nullptr);
  EXPECT_EQ(decoded.FindTransfer(TransferId(kSystemIdFloor + 1'000 + 5)), nullptr);
  EXPECT_EQ(decoded.CheckInvariants(), "");
  // The decoded ledger goes on: those kept for now leave at the next call.
  const size_t waiting = decoded.kept_count() - 2;  // not the hold, not the client's
  EXPECT_EQ(decoded.Retire(Now(), 10, RetireEverything).size(), waiting);
  // A position below the live sequence that is neither kept nor known fails.
  std::vector<uint8_t> bad = bytes;
  Ledger broken;
  bad.resize(bad.size() - 1);
  EXPECT_FALSE(Ledger::Decode(bad, &broken));
}

// A hold resolved in a batch still open stays until the batch is
// committed: the batch's projection reads its new status by position.
TEST_F(LedgerRetireTest, AHoldResolvedInAnOpenBatchStaysUntilItCommits) {
  const uint64_t hold = next_id_++;
  Create(Move(hold, kA, kB, 500, kPending), Origin::kSystem);
  System(kChunk - 1);
  ledger_.BeginBatch();
  Transfer post;
  post.id = TransferId(next_id_++);
  post.pending_id = TransferId(hold);
  post.flags = kPostPending;
  Create(post, Origin::kSystem);
  EXPECT_EQ(RetireAll(RetireEverything).size(), kChunk - 1);
  const BatchChanges changes = ledger_.Changes();
  ASSERT_EQ(changes.resolved_pending.size(), 1u);
  EXPECT_EQ(ledger_.TransferAt(changes.resolved_pending[0]).status, PendingStatus::kPosted);
  ledger_.CommitBatch();
  ASSERT_EQ(RetireAll(RetireEverything).size(), 1u);
  EXPECT_EQ(ledger_.FindTransfer(TransferId(hold)), nullptr);
}

TEST_F(LedgerRetireTest, ReusingARetiredIdIsABrokenInvariant) {
  System(kChunk);
  RetireAll(RetireEverything);
  const Transfer again = Move(kSystemIdFloor + 1'000, kA, kB, 1);
  EXPECT_DEATH(ledger_.CreateTransfers({&again, 1}, Now(), Origin::kSystem),
               "reused after it was retired");
}

}  // namespace
}  // namespace bg::ledger
