// The Store contract (store_contract_test.cc) on the memory and SQLite
// stores, plus the SQLite store's own promises: durability across Open,
// recorded migrations, clear errors.
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
#include "storage/store_test_util.h"

namespace bg::storage {
namespace {

using namespace store_test;  // NOLINT(google-build-using-namespace): the tests' own helpers

Result<std::unique_ptr<Store>> OpenSqlite(const TempDir& dir, std::unique_ptr<Scratch>*) {
  BG_ASSIGN_OR_RETURN(std::unique_ptr<SqliteStore> store,
                      SqliteStore::Open({.path = dir.File("store.db")}));
  return std::unique_ptr<Store>(std::move(store));
}

Result<std::unique_ptr<Store>> OpenMemory(const TempDir&, std::unique_ptr<Scratch>*) {
  return std::unique_ptr<Store>(std::make_unique<MemoryStore>());
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

TEST_F(SqliteStoreTest, NoticesAreStoredOnceAndReadUnreadFirstThenNewestFirst) {
  std::unique_ptr<SqliteStore> store = OpenStore();
  ASSERT_NE(store, nullptr);
  ExpectNoticesStoredOnceAndReadUnreadFirstThenNewestFirst(*store);
}

TEST_F(SqliteStoreTest, AWebhookStartsAfterTheLatestNoticeAndItsCursorOnlyMovesForward) {
  std::unique_ptr<SqliteStore> store = OpenStore();
  ASSERT_NE(store, nullptr);
  ExpectAWebhookStartsAfterTheLatestNoticeAndItsCursorOnlyMovesForward(*store);
}

TEST_F(SqliteStoreTest, AnswersOfAVersion2FileAreCarriedOver) {
  ASSERT_NE(OpenStore(), nullptr);
  {  // Turn the file back into version 2: answers keyed by (caller, key).
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
    const char* sql =
        "DROP TABLE answers; DROP TABLE notices; DROP TABLE webhooks; DROP INDEX journal_last_ts;"
        "DROP TABLE archive; DROP INDEX transfers_timestamp;"
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

// A file from before the archive, opened read-only (so not migrated),
// refuses archive reads saying why, rather than answering "none".
TEST_F(SqliteStoreTest, AReadOnlyFileFromBeforeTheArchiveSaysSo) {
  ASSERT_NE(OpenStore(), nullptr);
  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
    EXPECT_EQ(sqlite3_exec(db,
                           "DROP TABLE archive; DROP INDEX transfers_timestamp;"
                           "DELETE FROM schema_migrations WHERE version >= 5;",
                           nullptr, nullptr, nullptr),
              SQLITE_OK);
    sqlite3_close(db);
  }
  Result<std::unique_ptr<SqliteStore>> reader =
      SqliteStore::Open({.path = path_, .read_only = true});
  ASSERT_TRUE(reader.ok()) << reader.status();
  const auto found = (*reader)->FindArchived(ArchiveKind::kJob, 1);
  EXPECT_EQ(found.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(found.status().message().find("predates the archive"), std::string::npos);
  EXPECT_EQ((*reader)->ListArchived({}).status().code(), StatusCode::kFailedPrecondition);
  // Opened read-write, it is migrated and reads the (empty) archive.
  std::unique_ptr<SqliteStore> writer = OpenStore();
  ASSERT_NE(writer, nullptr);
  EXPECT_EQ(*writer->FindArchived(ArchiveKind::kJob, 1), std::nullopt);
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

// The simulator's store: the head moves on and the chain is still checked,
// but no earlier entry or transfer row is kept, and a read of them says so.
TEST(MemoryStoreWithoutHistoryTest, KeepsTheHeadAndRefusesReadsOfWhatItDidNotKeep) {
  MemoryStore store({.keep_history = false});
  ASSERT_TRUE(store.Commit(Entry(1), Rows({Account(1, 100)}, {Transfer(10, 1)})).ok());
  ASSERT_TRUE(store.Commit(Entry(2), Rows({Account(1, 90)}, {Transfer(11, 1)})).ok());
  EXPECT_EQ(store.Head()->seq, 2u);
  EXPECT_EQ(store.Head()->hash, Entry(2).hash);
  EXPECT_FALSE(store.Commit(Entry(4), {}).ok());  // a gap is still refused
  ASSERT_EQ(store.ReadAccounts()->size(), 1u);
  EXPECT_EQ((*store.ReadAccounts())[0].credits_posted, Account(1, 90).credits_posted);

  size_t entries = 0;
  EXPECT_TRUE(store
                  .ReadJournal(1,
                               [&](const JournalEntry&) {
                                 ++entries;
                                 return Status::Ok();
                               })
                  .ok());
  EXPECT_EQ(entries, 1u);  // the last one is kept
  const Status refused = store.ReadJournal(0, [](const JournalEntry&) { return Status::Ok(); });
  EXPECT_EQ(refused.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(refused.message().find("entries 1 to 1 were not kept"), std::string::npos) << refused;
  EXPECT_EQ(store.ReadTransfers().status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(store.ReadTransfersOf(1).status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(store.FindArchived(ArchiveKind::kJob, 1).status().code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(store.ListArchived({}).status().code(), StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace bg::storage
