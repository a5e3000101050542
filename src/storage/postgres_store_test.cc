// The Store contract (store_contract_test.cc) on PostgreSQL, the PostgreSQL
// store's own promises (durability across Open, recorded migrations, the
// fenced writer lease, reads from other threads, a lost connection), and
// the libpq wrapper's (storage/pg.h).
//
// The lease's tests wait out a short TTL (1 s) on the database's clock:
// expiry is the server's business, so there is no clock to fake here.
//
// Needs a server: BG_PG_URL names it (a superuser's URL: each test creates a
// database of its own and drops it afterwards). ctest runs this binary
// through tests/integration/pg_store_test.sh, which starts a throw-away
// server with scripts/pg-local.sh. Without BG_PG_URL the tests that need a
// server fail, saying so: they are never skipped.
#include "storage/postgres_store.h"

#include <atomic>
#include <chrono>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <unistd.h>

#include "storage/pg.h"
#include "storage/postgres_store_migrations.h"
#include "storage/store_test_util.h"

namespace bg::storage {
namespace {

using namespace store_test;  // NOLINT(google-build-using-namespace): the tests' own helpers

INSTANTIATE_TEST_SUITE_P(AllStores, StoreTest,
                         testing::Values(StoreFactory{"Postgres", &OpenPostgres}),
                         [](const testing::TestParamInfo<StoreFactory>& param) {
                           return param.param.name;
                         });

class PostgresStoreTest : public testing::Test {
 protected:
  void SetUp() override {
    Result<std::unique_ptr<ScratchDatabase>> db = ScratchDatabase::Create();
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = std::move(db).value();
  }

  std::unique_ptr<PostgresStore> OpenStore() { return OpenStore({}); }

  // `options` with this test's database.
  std::unique_ptr<PostgresStore> OpenStore(PostgresOptions options) {
    options.url = db_->url();
    Result<std::unique_ptr<PostgresStore>> store = PostgresStore::Open(options);
    EXPECT_TRUE(store.ok()) << store.status();
    return store.ok() ? std::move(store).value() : nullptr;
  }

  // A writer whose lease lasts kShortTtl.
  std::unique_ptr<PostgresStore> OpenShortLived(const std::string& holder) {
    return OpenStore({.holder = holder, .lease_ttl = kShortTtl});
  }

  // Every seq in the journal, as text.
  std::vector<std::string> JournalSeqs() {
    return Column("SELECT seq::text FROM journal ORDER BY seq");
  }

  static constexpr std::chrono::milliseconds kShortTtl{1000};

  // The first column of each row of `sql` as text, on a connection of its
  // own, as an auditor's tool would read the database.
  std::vector<std::string> Column(const std::string& sql) {
    std::vector<std::string> out;
    Result<std::unique_ptr<pg::Connection>> conn = pg::Connection::Open(db_->url());
    EXPECT_TRUE(conn.ok()) << conn.status();
    if (!conn.ok()) return out;
    Result<pg::Rows> rows = (*conn)->Exec(sql, {}, "test query");
    EXPECT_TRUE(rows.ok()) << rows.status();
    if (!rows.ok()) return out;
    for (int r = 0; r < rows->size(); ++r) out.emplace_back(rows->Text(r, 0));
    return out;
  }

  std::unique_ptr<ScratchDatabase> db_;
};

TEST_F(PostgresStoreTest, ReopeningTheDatabaseKeepsEverything) {
  const SnapshotRecord snapshot = {
      .seq = 1, .chain_head = FilledHash(1), .state_hash = FilledHash(2), .state = {4, 5, 6}};
  {
    std::unique_ptr<PostgresStore> store = OpenStore();
    ASSERT_NE(store, nullptr);
    ASSERT_TRUE(store->Commit(Entry(1), Rows({Account(1, 100)}, {Transfer(10, 1)})).ok());
    ASSERT_TRUE(store->SaveSnapshot(snapshot).ok());
    Projection second = Rows({}, {}, {{.transfer_id = 10, .pending_status = 2}});
    second.answers = {Answer("enterprise/1", "k-1", 7, 100)};
    ASSERT_TRUE(store->Commit(Entry(2), second).ok());
  }
  std::unique_ptr<PostgresStore> store = OpenStore();
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
  EXPECT_EQ(*store->ReadTransfersOf(910), (std::vector<TransferRow>{Transfer(10, 2)}));
  Result<std::optional<SnapshotRecord>> latest = store->LatestSnapshot();
  ASSERT_TRUE(latest.ok() && latest->has_value());
  EXPECT_EQ(**latest, snapshot);
  EXPECT_EQ(Find(*store, "enterprise/1", "k-1"), Answer("enterprise/1", "k-1", 7, 100));
  EXPECT_TRUE(store->Commit(Entry(3), {}).ok());
}

TEST_F(PostgresStoreTest, NoticesAreStoredOnceAndReadUnreadFirstThenNewestFirst) {
  std::unique_ptr<PostgresStore> store = OpenStore();
  ASSERT_NE(store, nullptr);
  ExpectNoticesStoredOnceAndReadUnreadFirstThenNewestFirst(*store);
}

TEST_F(PostgresStoreTest, AWebhookStartsAfterTheLatestNoticeAndItsCursorOnlyMovesForward) {
  std::unique_ptr<PostgresStore> store = OpenStore();
  ASSERT_NE(store, nullptr);
  ExpectAWebhookStartsAfterTheLatestNoticeAndItsCursorOnlyMovesForward(*store);
}

TEST_F(PostgresStoreTest, MigrationsAreRecordedOnceAndNotReappliedOnReopen) {
  ASSERT_NE(OpenStore(), nullptr);
  const std::string query =
      "SELECT version::text || ' ' || name || ' ' || applied_at::text FROM schema_migrations "
      "ORDER BY version";
  const std::vector<std::string> applied = Column(query);
  EXPECT_EQ(applied.size(), static_cast<size_t>(LatestPostgresSchemaVersion()));
  ASSERT_NE(OpenStore(), nullptr);
  EXPECT_EQ(Column(query), applied);
}

TEST_F(PostgresStoreTest, SavingSnapshotsKeepsOnlyTheLatestTwo) {
  std::unique_ptr<PostgresStore> store = OpenStore();
  ASSERT_NE(store, nullptr);
  for (uint64_t seq = 1; seq <= 4; ++seq) {
    ASSERT_TRUE(store
                    ->SaveSnapshot({.seq = seq,
                                    .chain_head = FilledHash(1),
                                    .state_hash = FilledHash(2),
                                    .state = {1}})
                    .ok());
  }
  EXPECT_EQ(Column("SELECT seq::text FROM snapshots ORDER BY seq"),
            (std::vector<std::string>{"3", "4"}));
}

TEST_F(PostgresStoreTest, TheTablesReadAsSqlWithUint64sAsTheirBitsAndHashesAsBytes) {
  std::unique_ptr<PostgresStore> store = OpenStore();
  ASSERT_NE(store, nullptr);
  TransferRow high = Transfer(~uint64_t{0});
  ASSERT_TRUE(store->Commit(Entry(1), Rows({Account(1, 100)}, {high, Transfer(5)})).ok());
  EXPECT_EQ(Column("SELECT id::text FROM transfers ORDER BY id"),
            (std::vector<std::string>{"-1", "5"}));
  EXPECT_EQ(Column("SELECT length(hash)::text || ' ' || encode(payload, 'hex') FROM journal"),
            std::vector<std::string>{"32 010203"});
  EXPECT_EQ(Column("SELECT indexdef FROM pg_indexes WHERE indexname = 'transfers_reference'"),
            std::vector<std::string>{
                "CREATE INDEX transfers_reference ON public.transfers USING btree (reference) "
                "WHERE (reference <> 0)"});
}

TEST_F(PostgresStoreTest, AStoredDuplicateTransferNamesTheServersMessageAndSqlstate) {
  std::unique_ptr<PostgresStore> store = OpenStore();
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->Commit(Entry(1), Rows({}, {Transfer(10)})).ok());
  const Status status = store->Commit(Entry(2), Rows({}, {Transfer(10)}));
  EXPECT_EQ(status.code(), StatusCode::kAlreadyExists) << status;
  EXPECT_NE(status.message().find("commit journal entry 2"), std::string::npos) << status;
  EXPECT_NE(status.message().find("duplicate key"), std::string::npos) << status;
  EXPECT_NE(status.message().find("SQLSTATE 23505"), std::string::npos) << status;
}

TEST_F(PostgresStoreTest, AStandbyDoesNotMigrateUnderTheWriter) {
  std::unique_ptr<PostgresStore> writer = OpenStore();
  ASSERT_NE(writer, nullptr);
  // As if the writer were an older baygrid: the latest migration not applied.
  const std::string latest = std::to_string(LatestPostgresSchemaVersion());
  Result<std::unique_ptr<pg::Connection>> admin = pg::Connection::Open(db_->url());
  ASSERT_TRUE(admin.ok()) << admin.status();
  ASSERT_TRUE(
      (*admin)->Script("DELETE FROM schema_migrations WHERE version = " + latest, "forget").ok());
  Result<std::unique_ptr<PostgresStore>> standby =
      PostgresStore::Open({.url = db_->url(), .holder = "standby:2"});
  EXPECT_EQ(standby.status().code(), StatusCode::kFailedPrecondition) << standby.status();
  EXPECT_NE(standby.status().message().find("held by"), std::string::npos) << standby.status();
  EXPECT_EQ(Column("SELECT count(*)::text FROM schema_migrations WHERE version = " + latest),
            std::vector<std::string>{"0"});
}

TEST_F(PostgresStoreTest, ATakeHeldUpByAStalledTransactionGivesUpAfterItsTtlAndSaysWhy) {
  ASSERT_NE(OpenShortLived("primary:1"), nullptr);  // closed: its lease given up
  // A writer stalled inside its commit's transaction holds the lease row.
  Result<std::unique_ptr<pg::Connection>> stalled = pg::Connection::Open(db_->url());
  ASSERT_TRUE(stalled.ok()) << stalled.status();
  ASSERT_TRUE(
      (*stalled)->Script("BEGIN; SELECT 1 FROM writer_lease FOR UPDATE", "hold the row").ok());
  Result<std::unique_ptr<PostgresStore>> standby =
      PostgresStore::Open({.url = db_->url(), .holder = "standby:2", .lease_ttl = kShortTtl});
  ASSERT_FALSE(standby.ok());
  EXPECT_EQ(standby.status().code(), StatusCode::kUnavailable) << standby.status();
  EXPECT_NE(standby.status().message().find("lock timeout"), std::string::npos) << standby.status();
  ASSERT_TRUE((*stalled)->Script("ROLLBACK", "let go").ok());
  std::unique_ptr<PostgresStore> next = OpenStore({.holder = "standby:2", .lease_ttl = kShortTtl});
  ASSERT_NE(next, nullptr);
  EXPECT_EQ(next->lease_epoch(), 2u);
}

TEST_F(PostgresStoreTest, ASecondWriterIsRefusedWhileTheFirstHoldsTheLease) {
  std::unique_ptr<PostgresStore> first = OpenStore();
  ASSERT_NE(first, nullptr);
  EXPECT_EQ(first->lease_epoch(), 1u);
  // The default holder is this host and process.
  EXPECT_NE(first->lease_holder().find(":" + std::to_string(getpid())), std::string::npos)
      << first->lease_holder();
  ASSERT_TRUE(first->Commit(Entry(1), Rows({Account(1, 100)})).ok());
  Result<std::unique_ptr<PostgresStore>> second =
      PostgresStore::Open({.url = db_->url(), .holder = "standby:2"});
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), StatusCode::kFailedPrecondition) << second.status();
  EXPECT_NE(second.status().message().find("held by " + first->lease_holder() + " (epoch 1) until"),
            std::string::npos)
      << second.status();
  // Waiting a little does not help while the first commits and renews.
  second = PostgresStore::Open(
      {.url = db_->url(), .holder = "standby:2", .lease_wait = std::chrono::milliseconds(300)});
  EXPECT_EQ(second.status().code(), StatusCode::kFailedPrecondition) << second.status();
  EXPECT_TRUE(first->Commit(Entry(2), {}).ok());
  EXPECT_EQ(Column("SELECT holder || ' ' || epoch::text FROM writer_lease"),
            std::vector<std::string>{first->lease_holder() + " 1"});
}

TEST_F(PostgresStoreTest, AStandbyTakesOverAnExpiredLeaseAndTheDeposedWriterStoresNothing) {
  std::unique_ptr<PostgresStore> first = OpenShortLived("primary:1");
  ASSERT_NE(first, nullptr);
  ASSERT_TRUE(first->Commit(Entry(1), Rows({Account(1, 100)})).ok());
  // The standby waits, polling, until the first's lease expires unrenewed.
  const auto asked = std::chrono::steady_clock::now();
  std::unique_ptr<PostgresStore> second = OpenStore(
      {.holder = "standby:2", .lease_ttl = kShortTtl, .lease_wait = std::chrono::seconds(5)});
  ASSERT_NE(second, nullptr);
  EXPECT_GE(std::chrono::steady_clock::now() - asked, std::chrono::milliseconds(500));
  EXPECT_EQ(second->lease_epoch(), 2u);
  // The successor continues the journal from the stored head; an entry
  // built without reading the first's is still no fork.
  EXPECT_EQ(second->Head()->seq, 1u);
  JournalEntry fork = Entry(2);
  fork.prev_hash = FilledHash(99);
  const Status forked = second->Commit(fork, Rows({Account(1, 5)}));
  EXPECT_EQ(forked.code(), StatusCode::kFailedPrecondition) << forked;
  EXPECT_NE(forked.message().find("another writer"), std::string::npos) << forked;
  ASSERT_TRUE(second->Commit(Entry(2), Rows({Account(2, 7)})).ok());
  // The first, unaware, goes on: each of its writes is refused, naming the
  // new lease, and stores nothing.
  JournalEntry late = Entry(3);
  late.hash = FilledHash(77);
  const Status refused = first->Commit(late, Rows({Account(1, 5)}, {Transfer(50)}));
  EXPECT_EQ(refused.code(), StatusCode::kFailedPrecondition) << refused;
  EXPECT_NE(refused.message().find("deposed: the lease is at epoch 2, held by standby:2"),
            std::string::npos)
      << refused;
  Projection answers;
  answers.answers = {Answer("admin/0", "late", 1, 1)};
  EXPECT_EQ(first->CommitAnswers(answers).code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(
      first
          ->SaveSnapshot(
              {.seq = 2, .chain_head = FilledHash(2), .state_hash = FilledHash(3), .state = {1}})
          .code(),
      StatusCode::kFailedPrecondition);
  EXPECT_EQ(first->RenewLease().code(), StatusCode::kFailedPrecondition);
  Result<JournalHead> head = second->Head();
  ASSERT_TRUE(head.ok()) << head.status();
  EXPECT_EQ(*head, (JournalHead{.seq = 2, .hash = Entry(2).hash}));
  EXPECT_EQ(JournalSeqs(), (std::vector<std::string>{"1", "2"}));
  EXPECT_EQ(*second->ReadAccounts(), (std::vector<AccountRow>{Account(1, 100), Account(2, 7)}));
  EXPECT_TRUE(second->ReadTransfers()->empty());
  EXPECT_EQ(Column("SELECT count(*)::text FROM answers"), std::vector<std::string>{"0"});
  EXPECT_EQ(Column("SELECT count(*)::text FROM snapshots"), std::vector<std::string>{"0"});
  // Closing the deposed store does not give the successor's lease up.
  first.reset();
  EXPECT_TRUE(second->Commit(Entry(3), {}).ok());
  EXPECT_EQ(Column("SELECT holder || ' ' || epoch::text FROM writer_lease"),
            std::vector<std::string>{"standby:2 2"});
}

TEST_F(PostgresStoreTest, APausedWriterCannotAppendThoughItsConnectionIsFine) {
  std::unique_ptr<PostgresStore> store = OpenShortLived("primary:1");
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->Commit(Entry(1), {}).ok());
  // A stall (a GC pause, SIGSTOP) longer than the lease; nobody took it.
  std::this_thread::sleep_for(kShortTtl + std::chrono::milliseconds(300));
  const Status refused = store->Commit(Entry(2), Rows({Account(1, 1)}));
  EXPECT_EQ(refused.code(), StatusCode::kFailedPrecondition) << refused;
  EXPECT_NE(refused.message().find("deposed: this writer's lease (epoch 1) expired at"),
            std::string::npos)
      << refused;
  EXPECT_EQ(store->RenewLease().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(JournalSeqs(), std::vector<std::string>{"1"});
  EXPECT_TRUE(store->ReadAccounts()->empty());
  // The lease is free for the next writer, with the next epoch.
  std::unique_ptr<PostgresStore> next = OpenShortLived("standby:2");
  ASSERT_NE(next, nullptr);
  EXPECT_EQ(next->lease_epoch(), 2u);
}

TEST_F(PostgresStoreTest, RenewingKeepsAnIdleWritersLease) {
  std::unique_ptr<PostgresStore> store = OpenShortLived("primary:1");
  ASSERT_NE(store, nullptr);
  // Idle for twice the TTL, renewing every 400 ms.
  for (int tick = 0; tick < 5; ++tick) {
    std::this_thread::sleep_for(std::chrono::milliseconds(400));
    const Status renewed = store->RenewLease();
    ASSERT_TRUE(renewed.ok()) << renewed;
  }
  Result<std::unique_ptr<PostgresStore>> other =
      PostgresStore::Open({.url = db_->url(), .holder = "standby:2", .lease_ttl = kShortTtl});
  EXPECT_EQ(other.status().code(), StatusCode::kFailedPrecondition) << other.status();
  EXPECT_TRUE(store->Commit(Entry(1), {}).ok());
  EXPECT_EQ(store->lease_epoch(), 1u);
}

TEST_F(PostgresStoreTest, KeepAliveRenewsOnlyOnceAThirdOfTheTtlHasPassed) {
  std::unique_ptr<PostgresStore> store = OpenShortLived("primary:1");
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->KeepAlive().ok());
  const std::vector<std::string> expiry = Column("SELECT expires_at::text FROM writer_lease");
  ASSERT_TRUE(store->KeepAlive().ok());  // just renewed: nothing to do
  EXPECT_EQ(Column("SELECT expires_at::text FROM writer_lease"), expiry);
  // Idle for twice the TTL, the engine's idle calls keep the lease.
  for (int tick = 0; tick < 20; ++tick) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    const Status kept = store->KeepAlive();
    ASSERT_TRUE(kept.ok()) << kept;
  }
  EXPECT_NE(Column("SELECT expires_at::text FROM writer_lease"), expiry);
  EXPECT_TRUE(store->Commit(Entry(1), {}).ok());
}

TEST_F(PostgresStoreTest, AReaderSeesOneStateTakesNoLeaseAndCannotWrite) {
  std::unique_ptr<PostgresStore> writer = OpenStore();
  ASSERT_NE(writer, nullptr);
  ASSERT_TRUE(writer->Commit(Entry(1), Rows({Account(1, 100)})).ok());
  Result<std::unique_ptr<PostgresStore>> reader = PostgresStore::OpenReader(db_->url());
  ASSERT_TRUE(reader.ok()) << reader.status();
  EXPECT_EQ((*reader)->lease_epoch(), 0u);
  EXPECT_EQ(Column("SELECT epoch::text FROM writer_lease"), std::vector<std::string>{"1"});

  // What the writer commits after the reader opened is not in its view.
  ASSERT_TRUE(writer->Commit(Entry(2), Rows({Account(1, 150)})).ok());
  EXPECT_EQ((*reader)->LastEntry()->seq, 1u);
  EXPECT_EQ((*reader)->ReadAccounts()->at(0).credits_posted, 100);
  EXPECT_EQ((*reader)->Head()->seq, 1u);

  const Status refused = (*reader)->Commit(Entry(3), {});
  EXPECT_EQ(refused.code(), StatusCode::kFailedPrecondition) << refused;
  EXPECT_NE(refused.message().find("read-only"), std::string::npos) << refused;
  EXPECT_EQ((*reader)->RenewLease().code(), StatusCode::kFailedPrecondition);
  reader->reset();  // closing a reader leaves the writer's lease alone
  EXPECT_TRUE(writer->Commit(Entry(3), {}).ok());
}

TEST_F(PostgresStoreTest, AFollowerSeesEachCommitAsItComesAndCannotWrite) {
  std::unique_ptr<PostgresStore> writer = OpenStore();
  ASSERT_NE(writer, nullptr);
  ASSERT_TRUE(writer->Commit(Entry(1), Rows({Account(1, 100)})).ok());
  Result<std::unique_ptr<PostgresStore>> follower = PostgresStore::OpenFollower(db_->url());
  ASSERT_TRUE(follower.ok()) << follower.status();
  EXPECT_EQ((*follower)->LastEntry()->seq, 1u);

  // Unlike a reader's one view, a follower's next read sees the next commit.
  ASSERT_TRUE(writer->Commit(Entry(2), Rows({Account(1, 150)})).ok());
  std::vector<uint64_t> seen;
  ASSERT_TRUE((*follower)
                  ->ReadJournal(1,
                                [&](const JournalEntry& e) {
                                  seen.push_back(e.seq);
                                  return Status::Ok();
                                })
                  .ok());
  EXPECT_EQ(seen, std::vector<uint64_t>{2});
  EXPECT_EQ((*follower)->ReadAccounts()->at(0).credits_posted, 150);

  const Status refused = (*follower)->Commit(Entry(3), {});
  EXPECT_EQ(refused.code(), StatusCode::kFailedPrecondition) << refused;
  EXPECT_EQ(Column("SELECT epoch::text FROM writer_lease"), std::vector<std::string>{"1"});
  follower->reset();
  EXPECT_TRUE(writer->Commit(Entry(3), {}).ok());
}

TEST_F(PostgresStoreTest, HealthTellsTheEpochAndAServerWithoutStandbys) {
  std::unique_ptr<PostgresStore> store = OpenStore();
  ASSERT_NE(store, nullptr);
  const StoreHealth health = store->Health();
  EXPECT_EQ(health.lease_epoch, 1u);
  EXPECT_EQ(health.standbys, 0);
  EXPECT_EQ(health.sync_standbys, 0);
  EXPECT_EQ(health.replication_lag_bytes, 0);
  Result<std::unique_ptr<PostgresStore>> reader = PostgresStore::OpenReader(db_->url());
  ASSERT_TRUE(reader.ok()) << reader.status();
  EXPECT_EQ((*reader)->Health().lease_epoch, 0u);
}

TEST_F(PostgresStoreTest, TheEpochGrowsWithEachWriterAndSurvivesReopening) {
  for (uint64_t epoch = 1; epoch <= 3; ++epoch) {
    // Each store gives the lease up when closed: the next need not wait.
    std::unique_ptr<PostgresStore> store = OpenStore();
    ASSERT_NE(store, nullptr);
    EXPECT_EQ(store->lease_epoch(), epoch);
    EXPECT_TRUE(store->Commit(Entry(epoch), {}).ok());
  }
  EXPECT_EQ(Column("SELECT epoch::text FROM writer_lease"), std::vector<std::string>{"3"});
  EXPECT_EQ(Column("SELECT version::text FROM schema_migrations WHERE name LIKE '%lease%'"),
            std::vector<std::string>{"3"});
}

TEST_F(PostgresStoreTest,
       ALeaseTakenWhileTheConnectionWasLostRefusesTheOldWriterAfterReconnecting) {
  std::unique_ptr<PostgresStore> first = OpenShortLived("primary:1");
  ASSERT_NE(first, nullptr);
  ASSERT_TRUE(first->Commit(Entry(1), {}).ok());
  Result<std::unique_ptr<pg::Connection>> admin = pg::Connection::Open(ServerUrl().value());
  ASSERT_TRUE(admin.ok()) << admin.status();
  ASSERT_TRUE((*admin)
                  ->Run("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1",
                        pg::Params().Text(db_->name()), "terminate")
                  .ok());
  std::unique_ptr<PostgresStore> second = OpenStore(
      {.holder = "standby:2", .lease_ttl = kShortTtl, .lease_wait = std::chrono::seconds(5)});
  ASSERT_NE(second, nullptr);
  EXPECT_EQ(second->lease_epoch(), 2u);
  EXPECT_EQ(first->Commit(Entry(2), {}).code(), StatusCode::kUnavailable);
  // Reconnected, it learns where its entry stands, and that it is deposed.
  EXPECT_EQ(first->Head()->seq, 1u);
  const Status refused = first->Commit(Entry(2), {});
  EXPECT_EQ(refused.code(), StatusCode::kFailedPrecondition) << refused;
  EXPECT_NE(refused.message().find("deposed"), std::string::npos) << refused;
  EXPECT_EQ(JournalSeqs(), std::vector<std::string>{"1"});
  EXPECT_TRUE(second->Commit(Entry(2), {}).ok());
}

TEST_F(PostgresStoreTest, AWriterRacingItsSuccessorAtTheTtlNeverAppendsAfterIt) {
  // The first writer's pauses straddle its 200 ms TTL; each of its entries
  // continues the head it has just read, so only the lease can stop it.
  std::unique_ptr<PostgresStore> first =
      OpenStore({.holder = "primary:1", .lease_ttl = std::chrono::milliseconds(200)});
  ASSERT_NE(first, nullptr);
  std::atomic<bool> stop{false};
  std::vector<uint64_t> acked;  // written by `writer` only, read after join
  std::thread writer([&] {
    std::mt19937 rng(18);
    while (!stop.load()) {
      Result<JournalHead> head = first->Head();
      ASSERT_TRUE(head.ok()) << head.status();
      JournalEntry entry = Entry(head->seq + 1, {'A'});
      entry.prev_hash = head->hash;
      const Status status = first->Commit(entry, {});
      if (status.ok()) {
        acked.push_back(entry.seq);
      } else {
        EXPECT_EQ(status.code(), StatusCode::kFailedPrecondition) << status;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(150 + rng() % 100));
    }
  });
  std::unique_ptr<PostgresStore> second = OpenStore({.holder = "standby:2",
                                                     .lease_ttl = std::chrono::seconds(5),
                                                     .lease_wait = std::chrono::seconds(10)});
  // What the successor finds on taking over is final for the first writer:
  // it keeps trying for a while, each try continuing the head it reads, and
  // every try is refused.
  Result<JournalHead> head =
      second != nullptr ? second->Head() : Result<JournalHead>(Internal("not opened"));
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  stop = true;
  writer.join();
  ASSERT_NE(second, nullptr);
  ASSERT_TRUE(head.ok()) << head.status();
  EXPECT_EQ(second->Head()->seq, head->seq);
  JournalEntry next = Entry(head->seq + 1, {'B'});
  next.prev_hash = head->hash;
  ASSERT_TRUE(second->Commit(next, {}).ok());
  // Every acknowledged entry of the first is there, all before the second's.
  std::string writers;
  for (const std::string& p :
       Column("SELECT encode(payload, 'escape') FROM journal ORDER BY seq")) {
    writers += p;
  }
  EXPECT_EQ(writers, std::string(acked.size(), 'A') + "B");
  ASSERT_FALSE(acked.empty());
  EXPECT_EQ(acked.back(), head->seq);
}

TEST_F(PostgresStoreTest, ALeaseOfNoPositiveTtlIsRefused) {
  Result<std::unique_ptr<PostgresStore>> store =
      PostgresStore::Open({.url = db_->url(), .lease_ttl = std::chrono::milliseconds(0)});
  EXPECT_EQ(store.status().code(), StatusCode::kInvalidArgument) << store.status();
}

TEST_F(PostgresStoreTest, AnswersAndNoticesAreReadFromOtherThreadsWhileTheWriterCommits) {
  std::unique_ptr<PostgresStore> store = OpenStore();
  ASSERT_NE(store, nullptr);
  constexpr uint64_t kBatches = 40;
  std::atomic<bool> done{false};
  std::atomic<int> errors{0};
  std::vector<std::thread> readers;
  for (int t = 0; t < 3; ++t) {
    readers.emplace_back([&] {
      while (!done.load()) {
        if (!store->FindAnswer("admin/0", "k-1").ok()) ++errors;
        if (!store->ReadNotices({.recipient = "enterprise:1"}).ok()) ++errors;
        if (!store->CountUnread("enterprise:1").ok()) ++errors;
      }
    });
  }
  for (uint64_t seq = 1; seq <= kBatches; ++seq) {
    Projection p = Rows({Account(seq, 1)}, {Transfer(seq)});
    p.answers = {Answer("admin/0", "k-" + std::to_string(seq), 1, seq)};
    p.notices.notices = {Notice("n-" + std::to_string(seq), "enterprise:1", seq)};
    const Status status = store->Commit(Entry(seq), p);
    ASSERT_TRUE(status.ok()) << status;
  }
  done = true;
  for (std::thread& t : readers) t.join();
  EXPECT_EQ(errors.load(), 0);
  EXPECT_EQ(store->CountUnread("enterprise:1").value(), kBatches);
  EXPECT_EQ(Find(*store, "admin/0", "k-40"), Answer("admin/0", "k-40", 1, 40));
}

TEST_F(PostgresStoreTest, ALostConnectionIsUnavailableOnceAndThenReopened) {
  std::unique_ptr<PostgresStore> store = OpenStore();
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->Commit(Entry(1), {}).ok());
  ASSERT_NE(store->FindAnswer("admin/0", "k").status().code(), StatusCode::kUnavailable);
  // Every backend of the test database (the store's two) is ended, as a
  // server restart or a failover would.
  Result<std::unique_ptr<pg::Connection>> admin = pg::Connection::Open(ServerUrl().value());
  ASSERT_TRUE(admin.ok()) << admin.status();
  Result<pg::Rows> killed =
      (*admin)->Exec("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1",
                     pg::Params().Text(db_->name()), "terminate");
  ASSERT_TRUE(killed.ok()) << killed.status();
  EXPECT_EQ(killed->size(), 2);
  // The commit finds its connection gone before anything was sent: nothing
  // is stored, and the caller learns it is a connection matter.
  const Status lost = store->Commit(Entry(2), {});
  EXPECT_EQ(lost.code(), StatusCode::kUnavailable) << lost;
  EXPECT_EQ(store->FindAnswer("admin/0", "k").status().code(), StatusCode::kUnavailable);
  // The next calls reconnect.
  Result<JournalHead> head = store->Head();
  ASSERT_TRUE(head.ok()) << head.status();
  EXPECT_EQ(head->seq, 1u);
  // The lease is a row, not the session: the writer still holds it.
  EXPECT_TRUE(store->Commit(Entry(2), {}).ok());
  EXPECT_EQ(store->lease_epoch(), 1u);
  EXPECT_TRUE(store->FindAnswer("admin/0", "k").ok());
}

TEST_F(PostgresStoreTest, ADatabaseOfANewerSchemaIsRefused) {
  ASSERT_NE(OpenStore(), nullptr);
  Result<std::unique_ptr<pg::Connection>> conn = pg::Connection::Open(db_->url());
  ASSERT_TRUE(conn.ok()) << conn.status();
  ASSERT_TRUE((*conn)
                  ->Run("INSERT INTO schema_migrations (version, name) VALUES ($1, 'future')",
                        pg::Params().Int(LatestPostgresSchemaVersion() + 1), "insert")
                  .ok());
  Result<std::unique_ptr<PostgresStore>> store = PostgresStore::Open({.url = db_->url()});
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(store.status().message().find("newer than this program"), std::string::npos)
      << store.status();
}

// The wrapper's own promises: these need no server.

TEST(PgTest, AnUnreachableServerIsUnavailableNamingTheUrl) {
  Result<std::unique_ptr<pg::Connection>> conn =
      pg::Connection::Open("postgresql://postgres@127.0.0.1:1/postgres?connect_timeout=2");
  ASSERT_FALSE(conn.ok());
  EXPECT_EQ(conn.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(conn.status().message().find("127.0.0.1:1"), std::string::npos) << conn.status();
}

TEST(PgTest, WithDatabaseReplacesOnlyTheDatabase) {
  EXPECT_EQ(pg::WithDatabase("postgresql://u@h:5/postgres", "bg_1").value(),
            "postgresql://u@h:5/bg_1");
  EXPECT_EQ(pg::WithDatabase("postgres://u:p@h/db?sslmode=disable", "x y").value(),
            "postgres://u:p@h/x%20y?sslmode=disable");
  EXPECT_EQ(pg::WithDatabase("postgresql://h:5", "d").value(), "postgresql://h:5/d");
  EXPECT_EQ(pg::WithDatabase("postgresql://h?a=b", "d").value(), "postgresql://h/d?a=b");
  EXPECT_EQ(pg::WithDatabase("host=h dbname=x", "d").status().code(), StatusCode::kInvalidArgument);
}

TEST(PgTest, SqlstatesMapToCodesACallerCanActOn) {
  EXPECT_EQ(pg::CodeForSqlState("23505"), StatusCode::kAlreadyExists);
  EXPECT_EQ(pg::CodeForSqlState("40001"), StatusCode::kAborted);
  EXPECT_EQ(pg::CodeForSqlState("40P01"), StatusCode::kAborted);
  EXPECT_EQ(pg::CodeForSqlState("08006"), StatusCode::kUnavailable);
  EXPECT_EQ(pg::CodeForSqlState("57P01"), StatusCode::kUnavailable);
  EXPECT_EQ(pg::CodeForSqlState("25006"), StatusCode::kFailedPrecondition);
  EXPECT_EQ(pg::CodeForSqlState("53100"), StatusCode::kResourceExhausted);
  EXPECT_EQ(pg::CodeForSqlState("28P01"), StatusCode::kPermissionDenied);
  EXPECT_EQ(pg::CodeForSqlState("42P01"), StatusCode::kInternal);
  EXPECT_EQ(pg::QuoteIdentifier("a\"b"), "\"a\"\"b\"");
}

}  // namespace
}  // namespace bg::storage
