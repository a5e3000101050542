// `audit verify` on a real SQLite file: a clean copy passes; one flipped
// byte in one journal row of a copy is found, and named by its entry.
#include "engine/audit.h"

#include <filesystem>

#include <gtest/gtest.h>
#include <sqlite3.h>

#include "engine/engine.h"
#include "storage/sqlite_store.h"
#include "world/commands.h"
#include "world/world.h"

namespace bg::engine {

using state::CommandBody;
using state::RegisterProviderKey;
using state::State;
using state::SubmitUsage;
namespace {

namespace fs = std::filesystem;

class AuditTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "bg_audit_test_XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    // A small history: the GBA scenario, a key, a job and signed usage.
    auto store = storage::SqliteStore::Open({.path = dir_ / "live.db"});
    ASSERT_TRUE(store.ok()) << store.status();
    VirtualClock clock(1'748'822'400 * kNanosPerSecond);  // 2025-06-02
    EngineOptions options;
    options.idle_tick = std::chrono::milliseconds(0);
    auto engine = Engine::Open(store->get(), &clock, options);
    ASSERT_TRUE(engine.ok()) << engine.status();
    auto scenario = world::LoadWorldFile(std::string(BG_SOURCE_DIR) + "/scenarios/gba.toml");
    ASSERT_TRUE(scenario.ok());
    for (CommandBody& body : world::ToCommands(*scenario)) {
      ASSERT_TRUE((*engine)->Execute(std::move(body)).ok());
    }
    const ProviderId hengqin(5);
    ASSERT_TRUE(
        (*engine)
            ->Execute(RegisterProviderKey{hengqin, metering::KeyPairFromNumber(5).public_key})
            .ok());
    scheduler::SubmitJob job{.request = {.id = OrderId(1),
                                         .enterprise = EnterpriseId(3),
                                         .accelerator = "A800",
                                         .cards = 2,
                                         .walltime_s = 7200},
                             .pool = PoolId(11)};
    auto placed = (*engine)->Execute(job);
    ASSERT_TRUE(placed.ok());
    ASSERT_EQ(std::get<scheduler::JobOutcome>(*placed).code, scheduler::Code::kOk)
        << std::get<scheduler::JobOutcome>(*placed).message;
    const uint64_t start = (*engine)->Read([](const State& s) {
      return s.scheduler().FindJob(OrderId(1))->start_at / kNanosPerSecond;
    });
    clock.Set(clock.Now() + 3600 * kNanosPerSecond);  // the usage has happened
    for (uint64_t k = 0; k < 5; ++k) {
      metering::UsageRecord r{.id = k + 1,
                              .provider = hengqin,
                              .order = OrderId(1),
                              .start_s = start + k * 600,
                              .end_s = start + (k + 1) * 600,
                              .cards = 2};
      metering::SignRecord(&r, metering::KeyPairFromNumber(5).secret_key);
      auto out = (*engine)->Execute(SubmitUsage{.records = {r}});
      ASSERT_TRUE(out.ok());
      ASSERT_TRUE(std::get<metering::UsageOutcome>(*out).ok())
          << std::get<metering::UsageOutcome>(*out).messages[0];
    }
    ASSERT_TRUE((*engine)->Shutdown().ok());
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path Copy(const std::string& name) {
    fs::copy_file(dir_ / "live.db", dir_ / name);
    return dir_ / name;
  }

  fs::path dir_;
};

AuditReport Audit(const fs::path& path) {
  auto store = storage::SqliteStore::Open({.path = path.string(), .read_only = true});
  BG_CHECK(store.ok()) << store.status();
  Result<AuditReport> report = AuditStore(**store);
  BG_CHECK(report.ok()) << report.status();
  return *report;
}

TEST_F(AuditTest, ACleanCopyVerifies) {
  const AuditReport r = Audit(Copy("clean.db"));
  EXPECT_TRUE(r.ok()) << r.problem;
  EXPECT_GT(r.entries, 0u);
  EXPECT_EQ(r.usage_records, 5u);
  EXPECT_TRUE(r.snapshot_checked);
  EXPECT_GT(r.accounts_checked, 0u);
}

// A snapshot this version cannot read (an older version's encoding of the
// state, here its first byte changed) is no damage to report: the journal
// reached it, its chain head is checked, and the engine replays past it.
// One whose chain head is wrong still is.
TEST_F(AuditTest, ASnapshotInAnotherVersionsEncodingIsNotADifference) {
  const fs::path path = Copy("old_snapshot.db");
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "UPDATE snapshots SET state = x'ff' || substr(state, 2);", nullptr,
                         nullptr, nullptr),
            SQLITE_OK);
  ASSERT_GE(sqlite3_changes(db), 1);
  sqlite3_close(db);
  const AuditReport r = Audit(path);
  EXPECT_TRUE(r.ok()) << r.problem;
  EXPECT_TRUE(r.snapshot_checked);
  EXPECT_TRUE(r.snapshot_unreadable);
  EXPECT_FALSE(Audit(Copy("clean.db")).snapshot_unreadable);

  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "UPDATE snapshots SET chain_head = zeroblob(32);", nullptr, nullptr,
                         nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  const AuditReport forked = Audit(path);
  EXPECT_FALSE(forked.ok());
  EXPECT_NE(forked.problem.find("does not match"), std::string::npos) << forked.problem;
}

TEST_F(AuditTest, OneFlippedByteInAJournalRowIsFoundAndNamed) {
  const uint64_t entries = Audit(Copy("probe.db")).entries;
  for (uint64_t seq : {uint64_t{1}, entries / 2, entries}) {
    const fs::path path = Copy("flip" + std::to_string(seq) + ".db");
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
    // XOR one byte in the middle of the payload of entry `seq`.
    const std::string sql =
        "UPDATE journal SET payload = substr(payload, 1, length(payload) / 2) || "
        "x'5a' || substr(payload, length(payload) / 2 + 2) WHERE seq = " +
        std::to_string(seq) + ";";
    ASSERT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK);
    ASSERT_EQ(sqlite3_changes(db), 1);
    sqlite3_close(db);
    const AuditReport r = Audit(path);
    EXPECT_FALSE(r.ok()) << "entry " << seq;
    EXPECT_EQ(r.bad_seq, seq) << r.problem;
  }
}

TEST_F(AuditTest, ATruncatedJournalIsNotOkAndTheEngineRefusesIt) {
  const uint64_t entries = Audit(Copy("probe.db")).entries;
  const fs::path path = Copy("cut.db");
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  const std::string sql = "DELETE FROM journal WHERE seq > " + std::to_string(entries - 2) + ";";
  ASSERT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);

  const AuditReport r = Audit(path);
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.bad_seq, entries - 1) << r.problem;
  EXPECT_NE(r.problem.find("truncated"), std::string::npos) << r.problem;

  auto store = storage::SqliteStore::Open({.path = path.string()});
  ASSERT_TRUE(store.ok()) << store.status();
  VirtualClock clock;
  EngineOptions options;
  options.idle_tick = std::chrono::milliseconds(0);
  auto engine = Engine::Open(store->get(), &clock, options);
  ASSERT_FALSE(engine.ok()) << "started without the last two acknowledged entries";
  EXPECT_EQ(engine.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(engine.status().message().find("baygrid audit verify"), std::string::npos)
      << engine.status();
}

}  // namespace
}  // namespace bg::engine
