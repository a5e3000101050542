// The Store contract (store_contract_test.cc) on PostgreSQL, the PostgreSQL
// store's own promises (durability across Open, recorded migrations, one
// writer per journal, reads from other threads, a lost connection), and the
// libpq wrapper's (storage/pg.h).
//
// Needs a server: BG_PG_URL names it (a superuser's URL: each test creates a
// database of its own and drops it afterwards). ctest runs this binary
// through tests/integration/pg_store_test.sh, which starts a throw-away
// server with scripts/pg-local.sh. Without BG_PG_URL the tests that need a
// server fail, saying so: they are never skipped.
#include "storage/postgres_store.h"

#include <atomic>
#include <cstdlib>
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

Result<std::string> ServerUrl() {
  const char* url = std::getenv("BG_PG_URL");  // NOLINT(concurrency-mt-unsafe): set before main
  if (url == nullptr || *url == '\0') {
    return FailedPrecondition(
        "BG_PG_URL is not set: storage_pg_test runs the Store tests on a PostgreSQL server and "
        "needs a superuser's URL. ctest starts a throw-away server for it "
        "(tests/integration/pg_store_test.sh); by hand: "
        "export BG_PG_URL=$(scripts/pg-local.sh up /tmp/bg-pg | tail -n 1)");
  }
  return std::string(url);
}

// A database of its own for one test: created through BG_PG_URL, dropped
// (with any connection left to it) when the test is done with it.
class ScratchDatabase final : public Scratch {
 public:
  static Result<std::unique_ptr<ScratchDatabase>> Create() {
    BG_ASSIGN_OR_RETURN(const std::string server, ServerUrl());
    static std::atomic<int> counter{0};
    const std::string name = "bg_test_" + std::to_string(getpid()) + "_" +
                             std::to_string(counter++) + "_" +
                             std::to_string(std::random_device()() % 100000);
    BG_ASSIGN_OR_RETURN(std::unique_ptr<pg::Connection> admin, pg::Connection::Open(server));
    BG_RETURN_IF_ERROR(
        admin->Script("CREATE DATABASE " + pg::QuoteIdentifier(name), "create a test database"));
    BG_ASSIGN_OR_RETURN(std::string url, pg::WithDatabase(server, name));
    return std::unique_ptr<ScratchDatabase>(new ScratchDatabase(server, name, std::move(url)));
  }
  ~ScratchDatabase() override {
    Result<std::unique_ptr<pg::Connection>> admin = pg::Connection::Open(server_);
    Status dropped = admin.status();
    if (dropped.ok()) {
      dropped = (*admin)->Script(
          "DROP DATABASE IF EXISTS " + pg::QuoteIdentifier(name_) + " WITH (FORCE)", "drop");
    }
    EXPECT_TRUE(dropped.ok()) << dropped;
  }
  ScratchDatabase(const ScratchDatabase&) = delete;
  ScratchDatabase& operator=(const ScratchDatabase&) = delete;

  const std::string& url() const { return url_; }
  const std::string& name() const { return name_; }

 private:
  ScratchDatabase(std::string server, std::string name, std::string url)
      : server_(std::move(server)), name_(std::move(name)), url_(std::move(url)) {}

  std::string server_;
  std::string name_;
  std::string url_;
};

Result<std::unique_ptr<Store>> OpenPostgres(const TempDir&, std::unique_ptr<Scratch>* scratch) {
  BG_ASSIGN_OR_RETURN(std::unique_ptr<ScratchDatabase> db, ScratchDatabase::Create());
  const std::string url = db->url();
  *scratch = std::move(db);
  BG_ASSIGN_OR_RETURN(std::unique_ptr<PostgresStore> store, PostgresStore::Open({.url = url}));
  return std::unique_ptr<Store>(std::move(store));
}

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

  std::unique_ptr<PostgresStore> OpenStore() {
    Result<std::unique_ptr<PostgresStore>> store = PostgresStore::Open({.url = db_->url()});
    EXPECT_TRUE(store.ok()) << store.status();
    return store.ok() ? std::move(store).value() : nullptr;
  }

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

TEST_F(PostgresStoreTest, ASecondWriterOfOneDatabaseCannotForkTheJournal) {
  std::unique_ptr<PostgresStore> first = OpenStore();
  std::unique_ptr<PostgresStore> second = OpenStore();
  ASSERT_NE(first, nullptr);
  ASSERT_NE(second, nullptr);
  ASSERT_TRUE(first->Commit(Entry(1), Rows({Account(1, 100)})).ok());
  // The second writer built its entry 1 without seeing the first's.
  JournalEntry other = Entry(1);
  other.hash = FilledHash(99);
  EXPECT_EQ(second->Commit(other, Rows({Account(1, 5)})).code(), StatusCode::kFailedPrecondition);
  JournalEntry fork = Entry(2);
  fork.prev_hash = FilledHash(99);
  const Status refused = second->Commit(fork, Rows({Account(1, 5)}));
  EXPECT_EQ(refused.code(), StatusCode::kFailedPrecondition) << refused;
  EXPECT_NE(refused.message().find("another writer"), std::string::npos) << refused;
  EXPECT_EQ(*first->ReadAccounts(), (std::vector<AccountRow>{Account(1, 100)}));
  // Writers taking turns, each continuing the other's head, is no fork.
  EXPECT_TRUE(second->Commit(Entry(2), {}).ok());
  EXPECT_TRUE(first->Commit(Entry(3), {}).ok());
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
  EXPECT_TRUE(store->Commit(Entry(2), {}).ok());
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
