// The Store contract, run against every implementation (TEST_P), plus the
// SQLite store's own promises: durability across Open, recorded migrations,
// clear errors.
#include "storage/store.h"

#include <filesystem>
#include <functional>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <unistd.h>

#include "common/check.h"
#include "storage/memory_store.h"
#include "storage/sqlite_answers.h"
#include "storage/sqlite_migrations.h"
#include "storage/sqlite_store.h"

namespace bg::storage {

// store.h gives the rows a defaulted ==, not the entries; the tests compare
// every field, bytes included.
bool operator==(const JournalEntry& a, const JournalEntry& b) {
  return a.seq == b.seq && a.first_ts == b.first_ts && a.last_ts == b.last_ts &&
         a.prev_hash == b.prev_hash && a.hash == b.hash && a.payload == b.payload;
}
bool operator==(const SnapshotRecord& a, const SnapshotRecord& b) {
  return a.seq == b.seq && a.chain_head == b.chain_head && a.state_hash == b.state_hash &&
         a.state == b.state;
}

namespace {

constexpr uint64_t kHighBit = uint64_t{1} << 63;

// A fresh directory under the system temp dir, removed with its contents.
class TempDir {
 public:
  TempDir() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "bg_store_test_XXXXXX").string();
    BG_CHECK(mkdtemp(pattern.data()) != nullptr) << "mkdtemp " << pattern;
    path_ = pattern;
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }

  const std::string& path() const { return path_; }
  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

Result<std::unique_ptr<Store>> OpenSqlite(const TempDir& dir) {
  BG_ASSIGN_OR_RETURN(std::unique_ptr<SqliteStore> store,
                      SqliteStore::Open({.path = dir.File("store.db")}));
  return std::unique_ptr<Store>(std::move(store));
}

Result<std::unique_ptr<Store>> OpenMemory(const TempDir&) {
  return std::unique_ptr<Store>(std::make_unique<MemoryStore>());
}

struct StoreFactory {
  std::string name;
  Result<std::unique_ptr<Store>> (*open)(const TempDir&);
};

Hash256 FilledHash(uint8_t seed) {
  Hash256 h{};
  for (size_t i = 0; i < h.size(); ++i) h[i] = static_cast<uint8_t>(seed + i * 7);
  return h;
}

JournalEntry Entry(uint64_t seq, std::vector<uint8_t> payload = {1, 2, 3}) {
  JournalEntry e;
  e.seq = seq;
  e.first_ts = 1'700'000'000'000'000'000 + seq;
  e.last_ts = e.first_ts + 5;
  e.prev_hash = FilledHash(static_cast<uint8_t>(seq - 1));
  e.hash = FilledHash(static_cast<uint8_t>(seq));
  e.payload = std::move(payload);
  return e;
}

AccountRow Account(uint64_t id, int64_t credits_posted) {
  return {.id = id,
          .ledger = 1,
          .code = 10,
          .flags = 0x3,
          .owner = 77,
          .debits_pending = 5,
          .debits_posted = 6,
          .credits_pending = 7,
          .credits_posted = credits_posted,
          .timestamp = 1000 + id};
}

TransferRow Transfer(uint64_t id, uint8_t pending_status = 0) {
  return {.id = id,
          .debit_account_id = 1,
          .credit_account_id = 2,
          .amount = 250,
          .pending_id = 0,
          .reference = 900 + id,
          .timeout = 60,
          .ledger = 1,
          .code = 20,
          .flags = 0,
          .timestamp = 2000 + id,
          .pending_status = pending_status,
          .expires_at = 0};
}

// Designated initializers would leave fields out, which -Wextra refuses.
Projection Rows(std::vector<AccountRow> accounts, std::vector<TransferRow> transfers = {},
                std::vector<PendingStatusUpdate> pending_updates = {}) {
  Projection p;
  p.accounts = std::move(accounts);
  p.transfers = std::move(transfers);
  p.pending_updates = std::move(pending_updates);
  return p;
}

class StoreTest : public testing::TestWithParam<StoreFactory> {
 protected:
  void SetUp() override {
    Result<std::unique_ptr<Store>> store = GetParam().open(dir_);
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = std::move(store).value();
  }

  std::vector<JournalEntry> Journal(uint64_t after_seq = 0) {
    std::vector<JournalEntry> out;
    const Status status = store_->ReadJournal(after_seq, [&](const JournalEntry& e) {
      out.push_back(e);
      return Status::Ok();
    });
    EXPECT_TRUE(status.ok()) << status;
    return out;
  }
  std::vector<AccountRow> Accounts() {
    Result<std::vector<AccountRow>> rows = store_->ReadAccounts();
    EXPECT_TRUE(rows.ok()) << rows.status();
    return rows.ok() ? *rows : std::vector<AccountRow>{};
  }
  std::vector<TransferRow> Transfers() {
    Result<std::vector<TransferRow>> rows = store_->ReadTransfers();
    EXPECT_TRUE(rows.ok()) << rows.status();
    return rows.ok() ? *rows : std::vector<TransferRow>{};
  }

  // Seq 1: accounts 1, 2; transfers 10, 11.
  void CommitFirstBatch() {
    const Status status = store_->Commit(
        Entry(1), Rows({Account(1, 100), Account(2, 200)}, {Transfer(10), Transfer(11)}));
    ASSERT_TRUE(status.ok()) << status;
  }

  TempDir dir_;
  std::unique_ptr<Store> store_;  // declared after dir_: closed before the dir goes
};

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

KeptAnswer Answer(const std::string& caller, const std::string& key, uint8_t tag, Timestamp at) {
  return {
      .caller = caller, .key = key, .request = FilledHash(tag), .answer = {tag, 1, 2, 3}, .at = at};
}

std::optional<KeptAnswer> Find(Store& store, const std::string& caller, const std::string& key) {
  Result<std::optional<KeptAnswer>> found = store.FindAnswer(caller, key);
  EXPECT_TRUE(found.ok()) << found.status();
  return found.ok() ? *found : std::nullopt;
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

INSTANTIATE_TEST_SUITE_P(AllStores, StoreTest,
                         testing::Values(StoreFactory{"Memory", &OpenMemory},
                                         StoreFactory{"Sqlite", &OpenSqlite}),
                         [](const testing::TestParamInfo<StoreFactory>& param) {
                           return param.param.name;
                         });

// SQLite-only: what the file itself promises.

// A second connection, as an auditor's tool would open the file.
class RawConnection {
 public:
  explicit RawConnection(const std::string& path) {
    BG_CHECK(sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
  }
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;
  ~RawConnection() { sqlite3_close(db_); }

  // The first column of each row of `sql`, as text.
  std::vector<std::string> Column(const char* sql) {
    std::vector<std::string> out;
    sqlite3_stmt* stmt = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(db_, sql, -1, &stmt, nullptr), SQLITE_OK) << sqlite3_errmsg(db_);
    while (sqlite3_step(stmt) == SQLITE_ROW) {
      out.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0)));
    }
    sqlite3_finalize(stmt);
    return out;
  }

 private:
  sqlite3* db_ = nullptr;
};

class SqliteStoreTest : public testing::Test {
 protected:
  std::unique_ptr<SqliteStore> OpenStore() {
    Result<std::unique_ptr<SqliteStore>> store = SqliteStore::Open({.path = path_});
    EXPECT_TRUE(store.ok()) << store.status();
    return store.ok() ? std::move(store).value() : nullptr;
  }

  TempDir dir_;
  std::string path_ = dir_.File("store.db");
};

TEST_F(SqliteStoreTest, ReopeningTheFileKeepsEverything) {
  const SnapshotRecord snapshot = {
      .seq = 1, .chain_head = FilledHash(1), .state_hash = FilledHash(2), .state = {4, 5, 6}};
  {
    std::unique_ptr<SqliteStore> store = OpenStore();
    ASSERT_NE(store, nullptr);
    ASSERT_TRUE(store->Commit(Entry(1), Rows({Account(1, 100)}, {Transfer(10, 1)})).ok());
    ASSERT_TRUE(store->SaveSnapshot(snapshot).ok());
    ASSERT_TRUE(
        store->Commit(Entry(2), Rows({}, {}, {{.transfer_id = 10, .pending_status = 2}})).ok());
  }
  std::unique_ptr<SqliteStore> store = OpenStore();
  ASSERT_NE(store, nullptr);
  Result<JournalHead> head = store->Head();
  ASSERT_TRUE(head.ok()) << head.status();
  EXPECT_EQ(*head, (JournalHead{.seq = 2, .hash = FilledHash(2)}));

  std::vector<JournalEntry> journal;
  ASSERT_TRUE(store
                  ->ReadJournal(0,
                                [&](const JournalEntry& e) {
                                  journal.push_back(e);
                                  return Status::Ok();
                                })
                  .ok());
  EXPECT_EQ(journal, (std::vector<JournalEntry>{Entry(1), Entry(2)}));
  EXPECT_EQ(*store->ReadAccounts(), (std::vector<AccountRow>{Account(1, 100)}));
  EXPECT_EQ(*store->ReadTransfers(), (std::vector<TransferRow>{Transfer(10, 2)}));
  Result<std::optional<SnapshotRecord>> latest = store->LatestSnapshot();
  ASSERT_TRUE(latest.ok() && latest->has_value());
  EXPECT_EQ(**latest, snapshot);
  EXPECT_TRUE(store->Commit(Entry(3), {}).ok());
}

TEST_F(SqliteStoreTest, KeptAnswersSurviveAReopen) {
  {
    std::unique_ptr<SqliteStore> store = OpenStore();
    ASSERT_NE(store, nullptr);
    Projection p;
    p.answers = {Answer("enterprise/1", "k-1", 7, 100)};
    ASSERT_TRUE(store->Commit(Entry(1), p).ok());
  }
  std::unique_ptr<SqliteStore> store = OpenStore();
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(Find(*store, "enterprise/1", "k-1"), Answer("enterprise/1", "k-1", 7, 100));
}

TEST_F(SqliteStoreTest, ManyAnswersAreFoundAfterAReopenAndAfterForgetting) {
  constexpr int kAnswers = 10'000;  // more than one merge of the index
  auto key = [](int i) { return "k-" + std::to_string(i); };
  {
    std::unique_ptr<SqliteStore> store = OpenStore();
    ASSERT_NE(store, nullptr);
    for (int batch = 0; batch < 10; ++batch) {
      Projection p;
      for (int i = batch * 1000; i < (batch + 1) * 1000; ++i) {
        p.answers.push_back(
            Answer("enterprise/1", key(i), static_cast<uint8_t>(i), static_cast<Timestamp>(i) + 1));
      }
      ASSERT_TRUE(store->Commit(Entry(static_cast<uint64_t>(batch) + 1), p).ok());
    }
    for (int i = 0; i < kAnswers; i += 7) {
      EXPECT_EQ(
          Find(*store, "enterprise/1", key(i)),
          Answer("enterprise/1", key(i), static_cast<uint8_t>(i), static_cast<Timestamp>(i) + 1));
    }
  }
  std::unique_ptr<SqliteStore> store = OpenStore();
  ASSERT_NE(store, nullptr);
  for (int i = 0; i < kAnswers; i += 3) {
    EXPECT_EQ(
        Find(*store, "enterprise/1", key(i)),
        Answer("enterprise/1", key(i), static_cast<uint8_t>(i), static_cast<Timestamp>(i) + 1));
  }
  EXPECT_EQ(Find(*store, "enterprise/2", key(5)), std::nullopt);
  Projection forget;
  forget.forget_answers_before = 5001;  // answers 0..4999 were kept at 1..5000
  ASSERT_TRUE(store->CommitAnswers(forget).ok());
  EXPECT_EQ(Find(*store, "enterprise/1", key(4999)), std::nullopt);
  EXPECT_NE(Find(*store, "enterprise/1", key(5000)), std::nullopt);
  EXPECT_EQ(RawConnection(path_).Column("SELECT COUNT(*) FROM answers"),
            std::vector<std::string>{"5000"});
}

// Fails every transaction that keeps an answer for key "boom", after the
// answers before it in the batch were inserted (and indexed).
void AddBoomTrigger(const std::string& path) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  EXPECT_EQ(sqlite3_exec(db,
                         "CREATE TRIGGER boom AFTER INSERT ON answers WHEN NEW.key = 'boom' "
                         "BEGIN SELECT RAISE(ABORT, 'boom'); END",
                         nullptr, nullptr, nullptr),
            SQLITE_OK)
      << sqlite3_errmsg(db);
  sqlite3_close(db);
}

TEST_F(SqliteStoreTest, AnAnswerInsertedThenRolledBackIsNeitherFoundNorInTheWay) {
  std::unique_ptr<SqliteStore> store = OpenStore();
  ASSERT_NE(store, nullptr);
  AddBoomTrigger(path_);
  Projection failing;
  failing.answers = {Answer("admin/0", "k-1", 1, 10), Answer("admin/0", "boom", 2, 10)};
  EXPECT_FALSE(store->Commit(Entry(1), failing).ok());
  EXPECT_EQ(Find(*store, "admin/0", "k-1"), std::nullopt);
  // The next answer takes the row id k-1 had: each is found under its own key.
  Projection next;
  next.answers = {Answer("admin/0", "k-2", 3, 20)};
  ASSERT_TRUE(store->Commit(Entry(1), next).ok());
  EXPECT_EQ(Find(*store, "admin/0", "k-1"), std::nullopt);
  EXPECT_EQ(Find(*store, "admin/0", "k-2"), Answer("admin/0", "k-2", 3, 20));
  // And k-1 can still be kept.
  next.answers = {Answer("admin/0", "k-1", 4, 30)};
  ASSERT_TRUE(store->Commit(Entry(2), next).ok());
  EXPECT_EQ(Find(*store, "admin/0", "k-1"), Answer("admin/0", "k-1", 4, 30));
}

TEST_F(SqliteStoreTest, AForgetThatRollsBackForgetsNothing) {
  std::unique_ptr<SqliteStore> store = OpenStore();
  ASSERT_NE(store, nullptr);
  Projection kept;
  kept.answers = {Answer("admin/0", "old", 1, 10), Answer("admin/0", "new", 2, 20)};
  ASSERT_TRUE(store->CommitAnswers(kept).ok());
  AddBoomTrigger(path_);
  Projection failing;
  failing.forget_answers_before = 15;
  failing.answers = {Answer("admin/0", "boom", 3, 30)};
  EXPECT_FALSE(store->CommitAnswers(failing).ok());
  EXPECT_EQ(Find(*store, "admin/0", "old"), Answer("admin/0", "old", 1, 10));
  // Kept again: the first answer stays, no second row.
  Projection again;
  again.answers = {Answer("admin/0", "old", 4, 40)};
  ASSERT_TRUE(store->CommitAnswers(again).ok());
  EXPECT_EQ(Find(*store, "admin/0", "old"), Answer("admin/0", "old", 1, 10));
  EXPECT_EQ(RawConnection(path_).Column("SELECT COUNT(*) FROM answers WHERE key = 'old'"),
            std::vector<std::string>{"1"});
}

NoticeRow Notice(const std::string& key, const std::string& recipient, Timestamp at) {
  return {.key = key, .recipient = recipient, .kind = "job_placed", .at = at, .body = "{}"};
}

// The rows' keys, in the order read (ids may skip: a refused insert can
// use one up).
std::vector<std::string> Keys(const std::vector<NoticeRow>& rows) {
  std::vector<std::string> out;
  for (const NoticeRow& r : rows) out.push_back(r.key);
  return out;
}

TEST_F(SqliteStoreTest, NoticesAreStoredOnceAndReadUnreadFirstThenNewestFirst) {
  std::unique_ptr<SqliteStore> store = OpenStore();
  ASSERT_NE(store, nullptr);
  Projection p;
  p.notices.notices = {Notice("a", "enterprise:1", 1), Notice("b", "enterprise:1", 2),
                       Notice("c", "enterprise:2", 3), Notice("d", "enterprise:1", 4)};
  ASSERT_TRUE(store->CommitAnswers(p).ok());
  // The same key again (a notice derived twice) is not a second row.
  Projection again;
  again.notices.notices = {Notice("b", "enterprise:1", 9), Notice("e", "enterprise:1", 5)};
  ASSERT_TRUE(store->CommitAnswers(again).ok());
  auto all = store->ReadNotices({.recipient = "enterprise:1"});
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(Keys(*all), (std::vector<std::string>{"e", "d", "b", "a"}));
  const uint64_t e = all->at(0).id, d = all->at(1).id, b = all->at(2).id;
  // Read: d, and everything up to b; another recipient's marks touch nothing of theirs.
  Projection marks;
  marks.notices.marks = {{.recipient = "enterprise:1", .id = d},
                         {.recipient = "enterprise:1", .up_to = b},
                         {.recipient = "enterprise:2", .id = e}};
  ASSERT_TRUE(store->CommitAnswers(marks).ok());
  all = store->ReadNotices({.recipient = "enterprise:1"});
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(Keys(*all), (std::vector<std::string>{"e", "d", "b", "a"}));  // unread e first
  EXPECT_FALSE(all->at(0).read);
  EXPECT_TRUE(all->at(1).read);
  EXPECT_EQ(store->CountUnread("enterprise:1").value(), 1u);
  EXPECT_EQ(store->CountUnread("enterprise:2").value(), 1u);
  // Pages: after (read, id) of the last row shown.
  auto page = store->ReadNotices(
      {.recipient = "enterprise:1", .after_read = true, .after_id = d, .limit = 10});
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(Keys(*page), (std::vector<std::string>{"b", "a"}));
  auto unread = store->ReadNotices({.recipient = "enterprise:1", .unread_only = true});
  ASSERT_TRUE(unread.ok());
  EXPECT_EQ(Keys(*unread), std::vector<std::string>{"e"});
  auto everyone = store->ReadNotices({});
  ASSERT_TRUE(everyone.ok());
  EXPECT_EQ(everyone->size(), 5u);
}

TEST_F(SqliteStoreTest, AWebhookStartsAfterTheLatestNoticeAndItsCursorOnlyMovesForward) {
  std::unique_ptr<SqliteStore> store = OpenStore();
  ASSERT_NE(store, nullptr);
  Projection p;
  p.notices.notices = {Notice("a", "provider:5", 1), Notice("b", "provider:5", 2)};
  p.notices.webhooks = {{.recipient = "provider:5", .url = "http://x/h", .secret = "k"}};
  ASSERT_TRUE(store->CommitAnswers(p).ok());
  auto hooks = store->ReadWebhooks();
  ASSERT_TRUE(hooks.ok());
  ASSERT_EQ(hooks->size(), 1u);
  EXPECT_EQ(hooks->front().delivered, 2u);  // the history is not sent
  Projection more;
  more.notices.notices = {Notice("c", "provider:5", 3), Notice("d", "provider:6", 4)};
  more.notices.cursors = {{.recipient = "provider:5", .delivered = 1}};  // an old round: no move
  ASSERT_TRUE(store->CommitAnswers(more).ok());
  auto pending = store->NoticesAfter("provider:5", store->ReadWebhooks()->front().delivered, 10);
  ASSERT_TRUE(pending.ok());
  EXPECT_EQ(Keys(*pending), std::vector<std::string>{"c"});
  Projection replaced;
  replaced.notices.webhooks = {{.recipient = "provider:5", .url = "http://y/h", .secret = "k2"}};
  replaced.notices.cursors = {{.recipient = "provider:5", .delivered = pending->at(0).id}};
  ASSERT_TRUE(store->CommitAnswers(replaced).ok());
  hooks = store->ReadWebhooks();
  ASSERT_TRUE(hooks.ok());
  EXPECT_EQ(hooks->front().url, "http://y/h");
  EXPECT_EQ(hooks->front().secret, "k2");
  EXPECT_EQ(hooks->front().delivered, pending->at(0).id);
  Projection removed;
  removed.notices.webhooks = {{.recipient = "provider:5"}};
  ASSERT_TRUE(store->CommitAnswers(removed).ok());
  EXPECT_TRUE(store->ReadWebhooks()->empty());
}

TEST_F(SqliteStoreTest, AnswersOfAVersion2FileAreCarriedOver) {
  ASSERT_NE(OpenStore(), nullptr);
  {  // Turn the file back into version 2: answers keyed by (caller, key).
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
    const char* sql =
        "DROP TABLE answers; DROP TABLE notices; DROP TABLE webhooks; DROP INDEX journal_last_ts;"
        "DELETE FROM schema_migrations WHERE version >= 3;"
        "CREATE TABLE answers (caller TEXT NOT NULL, key TEXT NOT NULL, request BLOB NOT NULL,"
        " answer BLOB NOT NULL, at INTEGER NOT NULL, PRIMARY KEY (caller, key)) WITHOUT ROWID;"
        "CREATE INDEX answers_at ON answers(at);"
        "INSERT INTO answers VALUES ('admin/0', 'k-1', zeroblob(32), x'01', 5);";
    EXPECT_EQ(sqlite3_exec(db, sql, nullptr, nullptr, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
    sqlite3_close(db);
  }
  std::unique_ptr<SqliteStore> store = OpenStore();
  ASSERT_NE(store, nullptr);
  const std::optional<KeptAnswer> found = Find(*store, "admin/0", "k-1");
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->answer, std::vector<uint8_t>{1});
  EXPECT_EQ(found->at, 5u);
  // New answers come after the carried ones, whose ids the sequence knows.
  Projection p;
  p.answers = {Answer("admin/0", "k-2", 2, 6)};
  ASSERT_TRUE(store->CommitAnswers(p).ok());
  EXPECT_EQ(RawConnection(path_).Column("SELECT key FROM answers ORDER BY id"),
            (std::vector<std::string>{"k-1", "k-2"}));
  EXPECT_EQ(RawConnection(path_).Column("SELECT seq FROM sqlite_sequence WHERE name = 'answers'"),
            std::vector<std::string>{"2"});
}

TEST(AnswerIndexTest, GivesEveryIdOfAHashOldestFirstAndDropsForgottenOnes) {
  AnswerIndex index;
  index.Add(7, 30);
  index.Add(7, 10);
  index.Add(8, 20);
  EXPECT_EQ(index.Candidates(7), (std::vector<int64_t>{10, 30}));
  EXPECT_TRUE(index.Candidates(9).empty());
  for (int64_t id = 100; id < 10'100; ++id) index.Add(static_cast<uint64_t>(id % 50), id);
  EXPECT_EQ(index.Candidates(7).size(), 202u);  // 2 + 200, across a merge
  index.ForgetBelow(25);
  EXPECT_EQ(index.Candidates(7).front(), 30);
  index.ForgetBelow(10'050);
  EXPECT_EQ(index.Candidates(7), (std::vector<int64_t>{10'057}));
  for (int64_t id = 20'000; id < 30'000; ++id) index.Add(1'000, id);  // merges, dropping the old
  EXPECT_LT(index.size(), 10'100u);
}

TEST_F(SqliteStoreTest, MigrationsAreRecordedOnceAndNotReappliedOnReopen) {
  ASSERT_NE(OpenStore(), nullptr);
  constexpr const char* kQuery =
      "SELECT version || ' ' || applied_at FROM schema_migrations ORDER BY version";
  const std::vector<std::string> applied = RawConnection(path_).Column(kQuery);
  EXPECT_EQ(applied.size(), static_cast<size_t>(LatestSchemaVersion()));

  ASSERT_NE(OpenStore(), nullptr);
  EXPECT_EQ(RawConnection(path_).Column(kQuery), applied);
}

TEST_F(SqliteStoreTest, SavingSnapshotsKeepsOnlyTheLatestTwo) {
  std::unique_ptr<SqliteStore> store = OpenStore();
  ASSERT_NE(store, nullptr);
  for (uint64_t seq = 1; seq <= 4; ++seq) {
    ASSERT_TRUE(store
                    ->SaveSnapshot({.seq = seq,
                                    .chain_head = FilledHash(1),
                                    .state_hash = FilledHash(2),
                                    .state = {1}})
                    .ok());
  }
  EXPECT_EQ(RawConnection(path_).Column("SELECT seq FROM snapshots ORDER BY seq"),
            (std::vector<std::string>{"3", "4"}));
}

TEST_F(SqliteStoreTest, CheckpointsCopyTheWalIntoTheDatabaseFile) {
  std::unique_ptr<SqliteStore> store = OpenStore();
  ASSERT_NE(store, nullptr);
  for (uint64_t seq = 1; seq <= 3; ++seq) {
    ASSERT_TRUE(store->Commit(Entry(seq), Rows({Account(seq, 100)}, {Transfer(seq)})).ok());
  }
  // The background checkpointer may already have copied some frames, but a
  // checkpoint that knows nothing of the WAL reports -1: that is the bug
  // (a connection that never read the file) this test guards against.
  Result<WalCheckpoint> c = store->Checkpoint();
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_GT(c->wal_frames, 0);
  EXPECT_EQ(c->copied_frames, c->wal_frames);
}

TEST_F(SqliteStoreTest, ASecondWriterOfOneFileIsRefusedNamingTheFileAndTheHolder) {
  std::unique_ptr<SqliteStore> first = OpenStore();
  ASSERT_NE(first, nullptr);
  // flock belongs to the open file, so a second store in this very process
  // is a second writer too.
  Result<std::unique_ptr<SqliteStore>> second = SqliteStore::Open({.path = path_});
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(second.status().message().find(path_), std::string::npos) << second.status();
  EXPECT_NE(second.status().message().find("pid " + std::to_string(getpid())), std::string::npos)
      << second.status();
  first.reset();
  EXPECT_NE(OpenStore(), nullptr) << "closing the first writer releases the file";
}

TEST_F(SqliteStoreTest, AReadOnlyStoreReadsOneConsistentSnapshotWhileTheWriterGoesOn) {
  std::unique_ptr<SqliteStore> writer = OpenStore();
  ASSERT_NE(writer, nullptr);
  ASSERT_TRUE(writer->Commit(Entry(1), Rows({Account(1, 100)})).ok());
  Result<std::unique_ptr<SqliteStore>> reader =
      SqliteStore::Open({.path = path_, .read_only = true});
  ASSERT_TRUE(reader.ok()) << reader.status();
  ASSERT_TRUE(writer->Commit(Entry(2), Rows({Account(1, 500), Account(2, 7)})).ok());

  EXPECT_EQ((*reader)->Head()->seq, 1u);
  EXPECT_EQ(*(*reader)->ReadAccounts(), (std::vector<AccountRow>{Account(1, 100)}));
  size_t entries = 0;
  ASSERT_TRUE((*reader)
                  ->ReadJournal(0,
                                [&](const JournalEntry&) {
                                  ++entries;
                                  return Status::Ok();
                                })
                  .ok());
  EXPECT_EQ(entries, 1u);
  EXPECT_EQ((*reader)->Commit(Entry(3), {}).code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(writer->Head()->seq, 2u);
}

TEST_F(SqliteStoreTest, OpeningAPathInAMissingDirectoryReturnsAClearError) {
  const std::string path = dir_.File("no/such/dir/store.db");
  Result<std::unique_ptr<SqliteStore>> store = SqliteStore::Open({.path = path});
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(store.status().message().find(path), std::string::npos) << store.status();
  EXPECT_NE(store.status().message().find("unable to open"), std::string::npos) << store.status();
}

}  // namespace
}  // namespace bg::storage
