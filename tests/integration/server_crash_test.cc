// kill -9 of `baygrid serve` under a steady load of job submissions and
// signed usage over HTTP: after each kill the database is opened again and
// every acknowledged request must be there (each job acknowledged 201, each
// usage record acknowledged ok), and the ledger, the programmes and the
// statements must reconcile. The same file is reused across kills. Jobs
// are sent with an Idempotency-Key: after each restart, retries of
// acknowledged ones get their first answer back.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "api/api_test_client.h"
#include "api/json.h"
#include "api/service.h"
#include "common/hash.h"
#include "engine/engine.h"
#include "metering/usage.h"
#include "programme/reconcile.h"
#include "settlement/settlement.h"
#include "storage/sqlite_store.h"
#include "tests/testutil/server_process.h"
#include "tests/testutil/world_db.h"
#include "world/commands.h"
#include "world/world.h"

namespace bg {
namespace {

namespace fs = std::filesystem;
using api::Json;

constexpr uint64_t kHengqin = 5;   // provider of pool 11 (gba.toml)
constexpr uint64_t kRobotics = 3;  // Xiangzhou Robotics, Zhuhai 免申即享
constexpr int kKills = 3;

std::string JobBody(uint64_t id) {
  return R"({"id":)" + std::to_string(id) + R"(,"enterprise":)" + std::to_string(kRobotics) +
         R"(,"accelerator":"A800","cards":1,"walltime_s":600,"pool":11})";
}

std::string IdempotencyKey(uint64_t id) {
  return "Idempotency-Key: job-" + std::to_string(id) + "\r\n";
}

// Starts the real binary on port 0 and reads the port from its first line.
testutil::ServerProcess Start(const fs::path& db) {
  return testutil::StartServer(BG_BAYGRID, db.string(), {"--threads", "4"});
}

TEST(ServerCrashTest, EveryAcknowledgedRequestSurvivesKill9) {
  std::string pattern = (fs::temp_directory_path() / "bg_server_crash_XXXXXX").string();
  ASSERT_NE(mkdtemp(pattern.data()), nullptr);
  const fs::path dir = pattern;
  const fs::path db = dir / "serve.db";
  // The world, an admin token and Hengqin's key, written before the server runs.
  const std::vector<std::string> tokens = testutil::MakeWorldDb(
      BG_SOURCE_DIR, db.string(), {{1, access::TokenRole::kAdmin, 0, "crash"}},
      [](engine::Engine& e) {
        EXPECT_TRUE(
            e.Execute(state::RegisterProviderKey{ProviderId(kHengqin),
                                                 metering::KeyPairFromNumber(kHengqin).public_key})
                .ok());
      });
  ASSERT_EQ(tokens.size(), 1u);
  const std::string token = tokens[0];

  std::mutex mu;
  std::set<uint64_t> acked_jobs;
  std::map<uint64_t, std::string> first_answers;  // job id -> the body of its 201
  std::set<uint64_t> acked_usage;                 // record id = job id
  std::atomic<uint64_t> next_job{1};
  std::mt19937_64 rng(42);
  const auto key = metering::KeyPairFromNumber(kHengqin);

  for (int kill = 0; kill < kKills; ++kill) {
    testutil::ServerProcess s = Start(db);
    ASSERT_GT(s.port, 0);
    // Retries of acknowledged submissions (same Idempotency-Key, same body)
    // get the first answer back, from before the kill.
    size_t replayed = 0;
    for (const auto& [id, first] : first_answers) {
      if (replayed++ == 25) break;
      const auto r = api::testing::Request(s.port, "POST", "/v1/jobs", token, JobBody(id),
                                           "application/json", IdempotencyKey(id));
      EXPECT_EQ(r.status, 201) << "job " << id << ": " << r.body;
      EXPECT_EQ(r.headers.count("idempotent-replayed"), 1u) << "job " << id;
      EXPECT_EQ(r.body, first) << "job " << id;
    }
    std::atomic<bool> stop{false};
    std::vector<std::thread> clients;
    for (int t = 0; t < 4; ++t) {
      clients.emplace_back([&] {
        while (!stop.load()) {
          const uint64_t id = next_job++;
          const auto r = api::testing::Request(s.port, "POST", "/v1/jobs", token, JobBody(id),
                                               "application/json", IdempotencyKey(id));
          if (r.status != 201) continue;  // refused, or the server died mid-request
          const Json j = Json::parse(r.body, nullptr, false);
          {
            std::lock_guard lock(mu);
            acked_jobs.insert(id);
            first_answers[id] = r.body;
          }
          const uint64_t start = j.value("start_unix_s", uint64_t{0});
          metering::UsageRecord rec{.id = id,
                                    .provider = ProviderId(kHengqin),
                                    .order = OrderId(id),
                                    .start_s = start,
                                    .end_s = start + 1,
                                    .cards = 1};
          metering::SignRecord(&rec, key.secret_key);
          const std::string sig = ToHex(rec.signature);
          const std::string usage =
              R"({"records":[{"id":)" + std::to_string(id) + R"(,"provider":)" +
              std::to_string(kHengqin) + R"(,"order":)" + std::to_string(id) +
              R"(,"start_unix_s":)" + std::to_string(start) + R"(,"end_unix_s":)" +
              std::to_string(start + 1) + R"(,"cards":1,"signature_hex":")" + sig + "\"}]}";
          const auto u = api::testing::Request(s.port, "POST", "/v1/usage", token, usage);
          const Json uj = Json::parse(u.body, nullptr, false);
          if (u.status == 200 && uj["results"][0]["result"] == "ok") {
            std::lock_guard lock(mu);
            acked_usage.insert(id);
          }
        }
      });
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(300 + rng() % 700));
    ::kill(s.pid, SIGKILL);
    int status = 0;
    waitpid(s.pid, &status, 0);
    stop = true;
    for (auto& c : clients) c.join();

    // Open the file as the next start would, and check.
    auto store = storage::SqliteStore::Open({.path = db.string()});
    ASSERT_TRUE(store.ok());
    SystemClock clock;
    engine::EngineOptions options;
    options.idle_tick = std::chrono::milliseconds(0);
    auto e = engine::Engine::Open(store->get(), &clock, options);
    ASSERT_TRUE(e.ok()) << e.status();
    (*e)->Read([&](const state::State& st) {
      std::lock_guard lock(mu);
      for (uint64_t id : acked_jobs) {
        EXPECT_NE(st.scheduler().FindJob(OrderId(id)), nullptr)
            << "acknowledged job " << id << " lost";
      }
      // Every acknowledged answer was kept with its batch (the same
      // transaction), so a retry after the kill gets it back.
      for (uint64_t id : acked_jobs) {
        auto kept = (*e)->FindAnswer("admin/0/crash POST /v1/jobs", "job-" + std::to_string(id));
        EXPECT_TRUE(kept.ok() && kept->has_value()) << "the answer to job " << id << " was lost";
      }
      for (uint64_t id : acked_usage) {
        const metering::OrderMeter* m = st.metering().MeterOf(OrderId(id));
        EXPECT_TRUE(m != nullptr && m->by_id().count(id) == 1)
            << "acknowledged usage " << id << " lost";
      }
      EXPECT_EQ(st.ledger().CheckInvariants(), "");
      EXPECT_EQ(programme::CheckReconciled(st.book(), st.registry(), st.ledger()), "");
      EXPECT_EQ(settlement::CheckStatements(st.settlement(), st.registry(), st.ledger()), "");
      return 0;
    });
    ASSERT_TRUE((*e)->Shutdown().ok());
  }
  EXPECT_GT(acked_jobs.size(), 10u) << "the load did not run";
  EXPECT_GT(acked_usage.size(), 10u);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace bg
