// The write path under load: many requests wait for one commit without a
// thread each, and a full queue answers 503 with Retry-After, never a hang.
// The store's commit is held (FaultyStore) so that the requests pile up
// deterministically behind it.
#include <filesystem>
#include <thread>

#include <gtest/gtest.h>

#include "api/api_test_client.h"
#include "api/http.h"
#include "api/service.h"
#include "storage/sqlite_store.h"
#include "tests/testutil/faulty_store.h"
#include "world/commands.h"
#include "world/world.h"

namespace bg::api {
namespace {

namespace fs = std::filesystem;
using testing::ReadAnswer;
using testing::RequestBytes;
using testing::SendOnly;

class AsyncApiTest : public ::testing::Test {
 protected:
  void Start(size_t max_queued) {
    std::string pattern = (fs::temp_directory_path() / "bg_async_api_XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    auto store = storage::SqliteStore::Open({.path = (dir_ / "api.db").string()});
    ASSERT_TRUE(store.ok()) << store.status();
    sqlite_ = std::move(*store);
    faulty_ = std::make_unique<testutil::FaultyStore>(sqlite_.get());
    engine::EngineOptions options;
    options.idle_tick = std::chrono::milliseconds(0);
    options.max_queued = max_queued;
    auto engine = engine::Engine::Open(faulty_.get(), &clock_, options);
    ASSERT_TRUE(engine.ok()) << engine.status();
    engine_ = std::move(*engine);
    auto world = world::LoadWorldFile(std::string(BG_SOURCE_DIR) + "/scenarios/gba.toml");
    ASSERT_TRUE(world.ok());
    for (state::CommandBody& body : world::ToCommands(*world)) {
      ASSERT_TRUE(engine_->Execute(std::move(body)).ok());
    }
    const auto [secret, hash] = Service::NewToken();
    ASSERT_TRUE(engine_
                    ->Execute(state::CreateApiToken{.id = 1,
                                                    .hash = hash,
                                                    .role = access::TokenRole::kEnterprise,
                                                    .scope = 1,
                                                    .name = "load"})
                    .ok());
    token_ = secret;
    service_ = std::make_unique<Service>(engine_.get(), &clock_);
    auto http = HttpServer::Start(
        {.port = 0, .threads = 2},
        [this](HttpRequest r, HttpRespond respond) {
          service_->Handle(std::move(r), std::move(respond));
        },
        [this](int status, const std::string& d) { return service_->Refuse(status, d); });
    ASSERT_TRUE(http.ok()) << http.status();
    http_ = std::move(*http);
  }

  void TearDown() override {
    if (faulty_) faulty_->ReleaseCommits();
    if (http_) http_->Stop();
    if (engine_) {
      ASSERT_TRUE(engine_->Shutdown().ok());
    }
    engine_.reset();
    faulty_.reset();
    sqlite_.reset();
    fs::remove_all(dir_);
  }

  // Sends a job submission and returns its socket (the answer is read later).
  int SubmitJob(uint64_t id) {
    return SendOnly(http_->port(),
                    RequestBytes("POST", "/v1/jobs", token_,
                                 "{\"id\":" + std::to_string(id) +
                                     ",\"accelerator\":\"A800\",\"cards\":1,\"walltime_s\":3600}"));
  }

  // Holds the store's commits with job `id`'s batch in its commit.
  int HoldACommit(uint64_t id) {
    const int attempts = faulty_->commits_attempted();
    faulty_->HoldCommits();
    const int fd = SubmitJob(id);
    faulty_->WaitForAttempts(attempts + 1);
    return fd;
  }

  void AwaitInFlight(int64_t n) {
    while (service_->requests_in_flight() < n) std::this_thread::yield();
  }

  fs::path dir_;
  VirtualClock clock_{1'741'000'000 * kNanosPerSecond};
  std::unique_ptr<storage::SqliteStore> sqlite_;
  std::unique_ptr<testutil::FaultyStore> faulty_;
  std::unique_ptr<engine::Engine> engine_;
  std::unique_ptr<Service> service_;
  std::unique_ptr<HttpServer> http_;
  std::string token_;
};

TEST_F(AsyncApiTest, FiveHundredRequestsInFlightShareAFewCommitsAndAreAllAnsweredRightly) {
  Start(/*max_queued=*/100'000);
  const int first = HoldACommit(1);
  const uint64_t batches_before = engine_->stats().batches;
  std::vector<int> fds;
  for (uint64_t id = 2; id <= 501; ++id) fds.push_back(SubmitJob(id));
  // All 501 are taken and none answered: two I/O threads hold them all,
  // none blocked, while the first commit is held.
  AwaitInFlight(501);
  EXPECT_EQ(engine_->stats().batches, batches_before);
  faulty_->ReleaseCommits();
  const testing::RawResponse r1 = ReadAnswer(first);
  EXPECT_EQ(r1.status, 201) << r1.body;
  for (size_t i = 0; i < fds.size(); ++i) {
    const testing::RawResponse r = ReadAnswer(fds[i]);
    ASSERT_EQ(r.status, 201) << r.body;
    const Json j = Json::parse(r.body, nullptr, false);
    EXPECT_EQ(j.value("id", uint64_t{0}), i + 2) << r.body;
  }
  // The held batch, then the few that formed behind it.
  const uint64_t batches = engine_->stats().batches - batches_before;
  EXPECT_LE(batches, 6u) << "500 requests should share a few commits";
  EXPECT_EQ(service_->requests_in_flight(), 0);
  // /metrics shows the batches as a histogram: every committed batch in a
  // bucket, the +Inf bucket counting them all.
  const testing::RawResponse m =
      testing::Request(http_->port(), "GET", "/metrics", "", "", "application/json");
  const engine::EngineStats e = engine_->stats();
  EXPECT_NE(
      m.body.find("baygrid_engine_batch_commands_bucket{le=\"+Inf\"} " + std::to_string(e.batches)),
      std::string::npos)
      << m.body;
  EXPECT_NE(m.body.find("baygrid_engine_batch_commands_sum " + std::to_string(e.commands)),
            std::string::npos);
  EXPECT_NE(m.body.find("baygrid_engine_queue_depth_bucket{le=\"0\"}"), std::string::npos);
  EXPECT_NE(m.body.find("baygrid_http_requests_in_flight 1"), std::string::npos)
      << "the scrape itself is the one in flight";
  // Every job is in the state, exactly once.
  EXPECT_EQ(engine_->Read([](const state::State& s) { return s.scheduler().jobs().size(); }), 501u);
}

TEST_F(AsyncApiTest, AFullQueueAnswers503WithRetryAfterAndNeverHangs) {
  Start(/*max_queued=*/8);
  const int first = HoldACommit(1);
  std::vector<int> fds;
  for (uint64_t id = 2; id <= 60; ++id) fds.push_back(SubmitJob(id));
  // Refused ones are answered at once; the rest wait for the commit.
  while (engine_->stats().refused + static_cast<uint64_t>(service_->requests_in_flight()) <
         fds.size() + 1) {
    std::this_thread::yield();
  }
  faulty_->ReleaseCommits();
  EXPECT_EQ(ReadAnswer(first).status, 201);
  size_t created = 0;
  size_t refused = 0;
  for (int fd : fds) {
    const testing::RawResponse r = ReadAnswer(fd);
    if (r.status == 201) {
      ++created;
      continue;
    }
    ASSERT_EQ(r.status, 503) << r.body;
    EXPECT_EQ(r.headers.count("retry-after") ? r.headers.at("retry-after") : "", "1");
    EXPECT_EQ(Json::parse(r.body, nullptr, false).value("title", ""), "overloaded");
    ++refused;
  }
  EXPECT_GT(refused, 0u);
  EXPECT_GT(created, 0u);
  EXPECT_EQ(refused, engine_->stats().refused);
  // What was refused did not happen; what was created did.
  EXPECT_EQ(engine_->Read([](const state::State& s) { return s.scheduler().jobs().size(); }),
            created + 1);
}

}  // namespace
}  // namespace bg::api
