// The Store contract: every implementation runs these tests (TEST_P of
// StoreTest, store_test_util.h). storage_test instantiates them for the
// memory and SQLite stores (store_test.cc), storage_pg_test for PostgreSQL
// (postgres_store_test.cc).
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "storage/store.h"
#include "storage/store_test_util.h"

namespace bg::storage {
namespace {

using namespace store_test;  // NOLINT(google-build-using-namespace): the tests' own helpers

constexpr uint64_t kHighBit = uint64_t{1} << 63;

TEST_P(StoreTest, CommitThenReadBackReturnsExactlyWhatWasStored) {
  // Extremes of every type, ids above 2^63, and an empty payload.
  TransferRow big = Transfer(kHighBit + 5);
  big.debit_account_id = std::numeric_limits<uint64_t>::max();
  big.amount = std::numeric_limits<int64_t>::min();
  big.pending_id = kHighBit;
  big.timeout = std::numeric_limits<uint32_t>::max();
  big.ledger = std::numeric_limits<uint32_t>::max();
  big.code = std::numeric_limits<uint16_t>::max();
  big.flags = std::numeric_limits<uint16_t>::max();
  big.pending_status = std::numeric_limits<uint8_t>::max();
  big.expires_at = std::numeric_limits<uint64_t>::max();
  AccountRow high = Account(std::numeric_limits<uint64_t>::max(), -1);
  high.debits_pending = std::numeric_limits<int64_t>::min();

  const JournalEntry first = Entry(1, {0, 255, 0, 128, 7});
  const JournalEntry second = Entry(2, {});
  ASSERT_TRUE(store_
                  ->Commit(first, Rows({high, Account(2, 200), Account(1, 100)},
                                       {big, Transfer(11), Transfer(10)}))
                  .ok());
  ASSERT_TRUE(store_->Commit(second, Rows({Account(2, 250)})).ok());

  EXPECT_EQ(Journal(), (std::vector<JournalEntry>{first, second}));
  // Ordered by id as uint64; account 2 replaced whole by the second batch.
  EXPECT_EQ(Accounts(), (std::vector<AccountRow>{Account(1, 100), Account(2, 250), high}));
  EXPECT_EQ(Transfers(), (std::vector<TransferRow>{Transfer(10), Transfer(11), big}));
}

TEST_P(StoreTest, TheJournalIsFoundByTime) {
  // Entry s covers [base + 10s, base + 10s + 5]; nothing between entries.
  constexpr Timestamp kBase = 1'700'000'000'000'000'000;
  auto spaced = [](uint64_t seq) {
    JournalEntry e = Entry(seq);
    e.first_ts = kBase + 10 * seq;
    e.last_ts = e.first_ts + 5;
    return e;
  };
  EXPECT_EQ(*store_->LastEntry(), JournalSpan{});
  EXPECT_EQ(*store_->FirstSeqEndingAtOrAfter(0), 0U);
  EXPECT_EQ(*store_->EntryAt(kBase + 10), JournalSpan{});
  for (uint64_t seq = 1; seq <= 3; ++seq) ASSERT_TRUE(store_->Commit(spaced(seq), {}).ok());

  const JournalSpan second{.seq = 2, .first_ts = kBase + 20, .last_ts = kBase + 25};
  EXPECT_EQ(*store_->LastEntry(),
            (JournalSpan{.seq = 3, .first_ts = kBase + 30, .last_ts = kBase + 35}));
  EXPECT_EQ(*store_->EntryAt(kBase + 20), second);
  EXPECT_EQ(*store_->EntryAt(kBase + 25), second);
  EXPECT_EQ(*store_->EntryAt(kBase + 26), JournalSpan{});  // between entries 2 and 3
  EXPECT_EQ(*store_->EntryAt(kBase + 36), JournalSpan{});  // after the last
  EXPECT_EQ(*store_->FirstSeqEndingAtOrAfter(0), 1U);
  EXPECT_EQ(*store_->FirstSeqEndingAtOrAfter(kBase + 16), 2U);
  EXPECT_EQ(*store_->FirstSeqEndingAtOrAfter(kBase + 26), 3U);
  EXPECT_EQ(*store_->FirstSeqEndingAtOrAfter(kBase + 36), 0U);
}

// A journal entry's transfers by their time (what the engine's ledger
// retired is read back this way): inclusive bounds, timestamp order, the
// hold's newest status, a range above 2^63 (a range across 2^63 is not
// asked: the SQL stores compare timestamps as signed, and ledger time
// reaches 2^63 in the year 2262).
TEST_P(StoreTest, TransfersAreFoundByTime) {
  TransferRow late = Transfer(12);
  late.timestamp = kHighBit + 7;
  ASSERT_TRUE(
      store_->Commit(Entry(1), Rows({}, {Transfer(30, 1), Transfer(10), late, Transfer(20)})).ok());
  ASSERT_TRUE(
      store_->Commit(Entry(2), Rows({}, {}, {{.transfer_id = 30, .pending_status = 2}})).ok());
  // Transfer(id) is created at 2000 + id.
  EXPECT_EQ(*store_->ReadTransfersBetween(2010, 2030),
            (std::vector<TransferRow>{Transfer(10), Transfer(20), Transfer(30, 2)}));
  EXPECT_EQ(*store_->ReadTransfersBetween(2011, 2029), (std::vector<TransferRow>{Transfer(20)}));
  EXPECT_TRUE(store_->ReadTransfersBetween(2031, 2100)->empty());
  EXPECT_EQ(*store_->ReadTransfersBetween(kHighBit, kHighBit + 7),
            (std::vector<TransferRow>{late}));
}

TEST_P(StoreTest, OutOfOrderSeqIsRefusedAndStoresNothing) {
  const Projection rows = Rows({Account(5, 1)}, {Transfer(50)});
  EXPECT_EQ(store_->Commit(Entry(2), rows).code(), StatusCode::kFailedPrecondition);
  CommitFirstBatch();
  EXPECT_EQ(store_->Commit(Entry(1), rows).code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(store_->Commit(Entry(3), rows).code(), StatusCode::kFailedPrecondition);

  EXPECT_EQ(Journal(), (std::vector<JournalEntry>{Entry(1)}));
  EXPECT_EQ(Accounts(), (std::vector<AccountRow>{Account(1, 100), Account(2, 200)}));
  EXPECT_EQ(Transfers(), (std::vector<TransferRow>{Transfer(10), Transfer(11)}));
}

TEST_P(StoreTest, AnEntryThatDoesNotContinueTheStoredChainIsRefused) {
  CommitFirstBatch();
  // Seq 2 as another writer would build it: right seq, but chained to an
  // entry 1 this store does not hold.
  JournalEntry fork = Entry(2);
  fork.prev_hash = FilledHash(77);
  const Status refused = store_->Commit(fork, Rows({Account(5, 1)}));
  EXPECT_EQ(refused.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(refused.message().find("another writer"), std::string::npos) << refused;
  EXPECT_EQ(Journal(), (std::vector<JournalEntry>{Entry(1)}));
  EXPECT_EQ(store_->Head()->hash, FilledHash(1));
  EXPECT_TRUE(store_->Commit(Entry(2), {}).ok());
}

TEST_P(StoreTest, DuplicateOfAStoredTransferIdFailsTheWholeCommit) {
  CommitFirstBatch();
  const Status status =
      store_->Commit(Entry(2), {.accounts = {Account(1, 999), Account(3, 300)},
                                .transfers = {Transfer(12), Transfer(11)},
                                .pending_updates = {{.transfer_id = 10, .pending_status = 2}}});
  EXPECT_EQ(status.code(), StatusCode::kAlreadyExists) << status;

  EXPECT_EQ(Journal(), (std::vector<JournalEntry>{Entry(1)}));
  EXPECT_EQ(Accounts(), (std::vector<AccountRow>{Account(1, 100), Account(2, 200)}));
  EXPECT_EQ(Transfers(), (std::vector<TransferRow>{Transfer(10), Transfer(11)}));
  // Nothing is left half-open: the same seq commits once the batch is right.
  EXPECT_TRUE(store_->Commit(Entry(2), Rows({}, {Transfer(12)})).ok());
}

TEST_P(StoreTest, DuplicateTransferIdWithinOneBatchFailsTheWholeCommit) {
  CommitFirstBatch();
  const Status status =
      store_->Commit(Entry(2), Rows({Account(2, 999)}, {Transfer(20), Transfer(20)}));
  EXPECT_EQ(status.code(), StatusCode::kAlreadyExists) << status;

  EXPECT_EQ(Journal(), (std::vector<JournalEntry>{Entry(1)}));
  EXPECT_EQ(Accounts(), (std::vector<AccountRow>{Account(1, 100), Account(2, 200)}));
  EXPECT_EQ(Transfers(), (std::vector<TransferRow>{Transfer(10), Transfer(11)}));
}

// Past one multi-row statement's worth of rows (64), in reverse id order.
TEST_P(StoreTest, LargeBatchesRoundTripAndOneStoredDuplicateStillFailsTheWholeCommit) {
  std::vector<AccountRow> accounts;
  std::vector<TransferRow> transfers;
  for (uint64_t id = 150; id >= 1; --id) {
    accounts.push_back(Account(id, static_cast<int64_t>(id)));
    transfers.push_back(Transfer(id));
  }
  accounts.push_back(Account(7, 777));  // the later upsert of one account wins
  ASSERT_TRUE(store_->Commit(Entry(1), Rows(accounts, transfers)).ok());

  std::vector<AccountRow> expected_accounts;
  std::vector<TransferRow> expected_transfers;
  for (uint64_t id = 1; id <= 150; ++id) {
    expected_accounts.push_back(Account(id, id == 7 ? 777 : static_cast<int64_t>(id)));
    expected_transfers.push_back(Transfer(id));
  }
  EXPECT_EQ(Accounts(), expected_accounts);
  EXPECT_EQ(Transfers(), expected_transfers);

  std::vector<TransferRow> second;
  for (uint64_t id = 1000; id < 1130; ++id) second.push_back(Transfer(id));
  second.insert(second.begin() + 70, Transfer(42));
  const Status status = store_->Commit(Entry(2), Rows({Account(1, -5)}, second));
  EXPECT_EQ(status.code(), StatusCode::kAlreadyExists) << status;
  EXPECT_EQ(Journal(), (std::vector<JournalEntry>{Entry(1)}));
  EXPECT_EQ(Accounts(), expected_accounts);
  EXPECT_EQ(Transfers(), expected_transfers);
}

TEST_P(StoreTest, PendingUpdatesChangeTheStatus) {
  ASSERT_TRUE(store_->Commit(Entry(1), Rows({}, {Transfer(10, 1), Transfer(11, 1)})).ok());
  ASSERT_TRUE(
      store_->Commit(Entry(2), Rows({}, {}, {{.transfer_id = 11, .pending_status = 3}})).ok());
  EXPECT_EQ(Transfers(), (std::vector<TransferRow>{Transfer(10, 1), Transfer(11, 3)}));
}

TEST_P(StoreTest, TwoUpdatesOfOneHoldInABatchLeaveTheLater) {
  ASSERT_TRUE(store_->Commit(Entry(1), Rows({}, {Transfer(10, 1), Transfer(11, 1)})).ok());
  ASSERT_TRUE(store_
                  ->Commit(Entry(2), Rows({}, {},
                                          {{.transfer_id = 11, .pending_status = 2},
                                           {.transfer_id = 11, .pending_status = 3}}))
                  .ok());
  EXPECT_EQ(Transfers(), (std::vector<TransferRow>{Transfer(10, 1), Transfer(11, 3)}));
}

TEST_P(StoreTest, LatestSnapshotWins) {
  Result<std::optional<SnapshotRecord>> none = store_->LatestSnapshot();
  ASSERT_TRUE(none.ok()) << none.status();
  EXPECT_FALSE(none->has_value());

  for (uint64_t seq = 1; seq <= 3; ++seq) {
    const SnapshotRecord snapshot = {.seq = seq,
                                     .chain_head = FilledHash(static_cast<uint8_t>(seq)),
                                     .state_hash = FilledHash(static_cast<uint8_t>(seq + 100)),
                                     .state = std::vector<uint8_t>(seq == 3 ? 0 : seq, 9)};
    ASSERT_TRUE(store_->SaveSnapshot(snapshot).ok());
    Result<std::optional<SnapshotRecord>> latest = store_->LatestSnapshot();
    ASSERT_TRUE(latest.ok()) << latest.status();
    ASSERT_TRUE(latest->has_value());
    EXPECT_EQ(**latest, snapshot);
  }
}

TEST_P(StoreTest, ReadJournalSkipsEarlierEntriesAndStopsAtTheFirstVisitError) {
  for (uint64_t seq = 1; seq <= 5; ++seq) ASSERT_TRUE(store_->Commit(Entry(seq), {}).ok());
  EXPECT_EQ(Journal(2), (std::vector<JournalEntry>{Entry(3), Entry(4), Entry(5)}));
  EXPECT_TRUE(Journal(5).empty());

  std::vector<uint64_t> visited;
  const Status status = store_->ReadJournal(1, [&](const JournalEntry& e) {
    visited.push_back(e.seq);
    return e.seq == 3 ? Aborted("stop at 3") : Status::Ok();
  });
  EXPECT_EQ(status, Aborted("stop at 3"));
  EXPECT_EQ(visited, (std::vector<uint64_t>{2, 3}));
  // The store is still usable after an interrupted read.
  EXPECT_TRUE(store_->Commit(Entry(6), {}).ok());
}

TEST_P(StoreTest, AnswersCommitWithTheirBatchAndTheFirstAnswerForAKeyStays) {
  Projection first = Rows({Account(1, 100)});
  first.answers = {Answer("enterprise/1", "k-1", 7, 100), Answer("enterprise/2", "k-1", 9, 300)};
  ASSERT_TRUE(store_->Commit(Entry(1), first).ok());
  // A second answer for the same caller and key, in a batch without a
  // journal entry, does not replace the first.
  Projection second;
  second.answers = {Answer("enterprise/1", "k-1", 8, 200), Answer("admin/0", "k-9", 5, 400)};
  ASSERT_TRUE(store_->CommitAnswers(second).ok());
  EXPECT_EQ(Find(*store_, "enterprise/1", "k-1"), Answer("enterprise/1", "k-1", 7, 100));
  EXPECT_EQ(Find(*store_, "enterprise/2", "k-1"), Answer("enterprise/2", "k-1", 9, 300));
  EXPECT_EQ(Find(*store_, "admin/0", "k-9"), Answer("admin/0", "k-9", 5, 400));
  EXPECT_EQ(Find(*store_, "enterprise/1", "k-2"), std::nullopt);
}

TEST_P(StoreTest, TwoAnswersForOneKeyInOneBatchKeepTheFirst) {
  Projection p;
  p.answers = {Answer("admin/0", "k-1", 1, 10), Answer("admin/0", "k-1", 2, 20)};
  ASSERT_TRUE(store_->CommitAnswers(p).ok());
  EXPECT_EQ(Find(*store_, "admin/0", "k-1"), Answer("admin/0", "k-1", 1, 10));
}

TEST_P(StoreTest, AFailedCommitKeepsNoneOfItsAnswers) {
  CommitFirstBatch();
  Projection dup = Rows({}, {Transfer(10)});  // transfer 10 is stored: the commit fails
  dup.answers = {Answer("admin/0", "k-1", 1, 10)};
  EXPECT_FALSE(store_->Commit(Entry(2), dup).ok());
  EXPECT_EQ(Find(*store_, "admin/0", "k-1"), std::nullopt);
}

TEST_P(StoreTest, OldAnswersAreForgotten) {
  Projection p;
  for (uint8_t i = 1; i <= 5; ++i)
    p.answers.push_back(Answer("admin/0", "k" + std::to_string(i), i, i * 10));
  ASSERT_TRUE(store_->CommitAnswers(p).ok());
  Projection forget;
  forget.forget_answers_before = 30;
  ASSERT_TRUE(store_->Commit(Entry(1), forget).ok());
  EXPECT_EQ(Find(*store_, "admin/0", "k2"), std::nullopt);
  EXPECT_NE(Find(*store_, "admin/0", "k3"), std::nullopt);
}

ArchiveRow Archived(uint64_t id, uint64_t owner, std::vector<uint8_t> body) {
  return ArchiveRow{
      .kind = ArchiveKind::kJob, .id = id, .owner = owner, .at = id * 10, .body = std::move(body)};
}

// Archived records commit with their batch (or alone, after a replay), are
// found by id and listed by owner in id order, page by page; a record
// archived again keeps its first row; a failed commit archives nothing.
TEST_P(StoreTest, ArchivedRecordsCommitWithTheirBatchAndAreFoundByIdAndOwner) {
  Projection p = Rows({Account(1, 100)}, {Transfer(10)});
  p.archived = {Archived(3, 7, {1, 2, 3}), Archived(1, 7, {}), Archived(2, 8, {0, 255})};
  ASSERT_TRUE(store_->Commit(Entry(1), p).ok());
  Projection again;
  again.archived = {Archived(3, 7, {9}), Archived(4, 7, {4})};
  ASSERT_TRUE(store_->CommitAnswers(again).ok());
  Projection failed = Rows({}, {Transfer(10)});  // transfer 10 is stored: the commit fails
  failed.archived = {Archived(5, 7, {5})};
  EXPECT_FALSE(store_->Commit(Entry(2), failed).ok());

  auto found = store_->FindArchived(ArchiveKind::kJob, 3);
  ASSERT_TRUE(found.ok()) << found.status();
  EXPECT_EQ(*found, Archived(3, 7, {1, 2, 3}));  // the first row stays
  EXPECT_EQ(*store_->FindArchived(ArchiveKind::kJob, 5), std::nullopt);
  EXPECT_EQ(*store_->FindArchived(ArchiveKind::kJob, 99), std::nullopt);
  auto ids = [&](const ArchiveQuery& q) {
    std::vector<uint64_t> out;
    auto rows = store_->ListArchived(q);
    EXPECT_TRUE(rows.ok()) << rows.status();
    if (rows.ok()) {
      for (const ArchiveRow& r : *rows) out.push_back(r.id);
    }
    return out;
  };
  EXPECT_EQ(ids({.kind = ArchiveKind::kJob}), (std::vector<uint64_t>{1, 2, 3, 4}));
  EXPECT_EQ(ids({.kind = ArchiveKind::kJob, .owner = 7}), (std::vector<uint64_t>{1, 3, 4}));
  EXPECT_EQ(ids({.kind = ArchiveKind::kJob, .owner = 7, .after_id = 1, .limit = 1}),
            (std::vector<uint64_t>{3}));
  EXPECT_EQ(ids({.kind = ArchiveKind::kJob, .owner = 9}), (std::vector<uint64_t>{}));
  auto listed = store_->ListArchived({.kind = ArchiveKind::kJob, .after_id = 1, .limit = 1});
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(*listed, (std::vector<ArchiveRow>{Archived(2, 8, {0, 255})}));
}

}  // namespace
}  // namespace bg::storage
