// kill -9 of `baygrid serve` while a webhook delivery is pending: every
// notice is delivered at least once, recorded once, and the receiver that
// deduplicates by notice id ends with exactly the recipient's feed.
//
// The receiver (an HTTP server in this process) acknowledges the first
// deliveries, then holds one without answering; the server is killed
// while it waits. After the restart the outbox starts again from the
// stored cursor: the held notice (and any whose acknowledgement was not yet
// recorded) comes again, with the same id, and the rest follow. Every
// delivery's signature is checked with the webhook's secret.
#include <condition_variable>
#include <filesystem>
#include <map>
#include <mutex>
#include <set>
#include <vector>

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include "api/api_test_client.h"
#include "api/http.h"
#include "api/json.h"
#include "api/service.h"
#include "engine/engine.h"
#include "notice/outbox.h"
#include "storage/sqlite_store.h"
#include "tests/testutil/server_process.h"
#include "tests/testutil/world_db.h"
#include "world/commands.h"
#include "world/world.h"

namespace bg {
namespace {

namespace fs = std::filesystem;
using api::Json;

api::HttpResponse Status(int status) {
  api::HttpResponse r;
  r.status = status;
  return r;
}

constexpr int kApplications = 8;  // two notices each for the enterprise
constexpr size_t kAckFirst = 5;   // then one delivery is held

// The webhook's receiver: acknowledges, or holds the next delivery.
class Receiver {
 public:
  Receiver() {
    auto server = api::HttpServer::Start(
        {.threads = 2},
        [this](api::HttpRequest r, api::HttpRespond respond) {
          Take(std::move(r), std::move(respond));
        },
        [](int status, const std::string&) { return Status(status); });
    EXPECT_TRUE(server.ok());
    server_ = std::move(*server);
  }
  ~Receiver() {
    Release();
    server_->Stop();
  }
  uint16_t port() const { return server_->port(); }
  void set_secret(std::string s) {
    std::lock_guard lock(mu_);
    secret_ = std::move(s);
  }

  // Waits until a delivery is held (up to a minute).
  bool WaitForHeld() {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, std::chrono::seconds(60), [&] { return held_.has_value(); });
  }
  // Answers the held delivery (to a server long dead) and acknowledges all from now on.
  void Release() {
    std::optional<api::HttpRespond> held;
    {
      std::lock_guard lock(mu_);
      hold_ = false;
      held.swap(held_);
    }
    if (held) (*held)([] { return Status(200); });
  }
  // Waits until every id of `ids` was acknowledged (up to a minute).
  bool WaitForAcked(const std::set<uint64_t>& ids) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, std::chrono::seconds(60), [&] {
      return std::includes(acked_.begin(), acked_.end(), ids.begin(), ids.end());
    });
  }

  uint64_t held_id() const {
    std::lock_guard lock(mu_);
    return held_id_;
  }
  std::map<uint64_t, int> received() const {  // id -> deliveries
    std::lock_guard lock(mu_);
    return received_;
  }
  std::set<uint64_t> acked() const {
    std::lock_guard lock(mu_);
    return acked_;
  }
  size_t forged() const {
    std::lock_guard lock(mu_);
    return forged_;
  }

 private:
  void Take(api::HttpRequest r, api::HttpRespond respond) {
    std::unique_lock lock(mu_);
    const uint64_t id = std::stoull(r.Header("baygrid-notice-id"));
    const Json body = Json::parse(r.body, nullptr, false);
    const bool ok = r.Header("baygrid-signature") ==
                        notice::Signature(secret_, r.Header("baygrid-timestamp"), r.body) &&
                    body.value("id", uint64_t{0}) == id;
    if (!ok) ++forged_;
    received_[id]++;
    if (hold_ && acked_.size() == kAckFirst) {
      held_ = std::move(respond);
      held_id_ = id;
      cv_.notify_all();
      return;
    }
    acked_.insert(id);  // deduplicated by id
    cv_.notify_all();
    lock.unlock();
    respond([] { return Status(204); });
  }

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::string secret_;
  bool hold_ = true;
  std::optional<api::HttpRespond> held_;
  uint64_t held_id_ = 0;
  std::map<uint64_t, int> received_;
  std::set<uint64_t> acked_;
  size_t forged_ = 0;
  std::unique_ptr<api::HttpServer> server_;
};

testutil::ServerProcess Start(const fs::path& db) {
  return testutil::StartServer(BG_BAYGRID, db.string(), {"--webhook-poll-ms", "20"});
}

TEST(WebhookCrashTest, EachNoticeIsDeliveredAtLeastOnceAndRecordedOnce) {
  std::string pattern = (fs::temp_directory_path() / "bg_webhook_crash_XXXXXX").string();
  ASSERT_NE(mkdtemp(pattern.data()), nullptr);
  const fs::path dir = pattern;
  const fs::path db = dir / "serve.db";
  // An admin; Songshan Lake (enterprise 1).
  const std::vector<std::string> tokens = testutil::MakeWorldDb(
      BG_SOURCE_DIR, db.string(),
      {{1, access::TokenRole::kAdmin, 0}, {2, access::TokenRole::kEnterprise, 1}});
  ASSERT_EQ(tokens.size(), 2u);
  const std::string admin = tokens[0], songshan = tokens[1];
  Receiver receiver;
  std::set<uint64_t> feed;
  {
    testutil::ServerProcess s = Start(db);
    testutil::KillOnExit reap(s.pid);
    ASSERT_GT(s.port, 0);
    const auto set = api::testing::Request(
        s.port, "POST", "/v1/webhooks", songshan,
        R"({"url":"http://127.0.0.1:)" + std::to_string(receiver.port()) + R"(/baygrid"})");
    ASSERT_EQ(set.status, 201) << set.body;
    receiver.set_secret(Json::parse(set.body)["secret"].get<std::string>());
    // Applications filed and submitted by Songshan Lake, reviewed and
    // approved by the admin: two notices each for the enterprise.
    for (int i = 1; i <= kApplications; ++i) {
      const std::string id = std::to_string(100 + i);
      auto r = api::testing::Request(s.port, "POST", "/v1/applications", songshan,
                                     R"({"id":)" + id + R"(,"programme":1,"amount_fen":500000})");
      ASSERT_EQ(r.status, 201) << r.body;
      const std::string review = "/v1/applications/" + id + "/review";
      ASSERT_EQ(
          api::testing::Request(s.port, "POST", review, songshan, R"({"step":"submit"})").status,
          200);
      for (const char* step : {"start_review", "approve"}) {
        r = api::testing::Request(s.port, "POST", review, admin,
                                  std::string(R"({"step":")") + step + "\"}");
        ASSERT_EQ(r.status, 200) << r.body;
      }
    }
    ASSERT_TRUE(receiver.WaitForHeld()) << "no delivery was held";
    ::kill(s.pid, SIGKILL);
    waitpid(s.pid, nullptr, 0);
  }
  const uint64_t held = receiver.held_id();
  receiver.Release();
  {
    testutil::ServerProcess s = Start(db);
    testutil::KillOnExit reap(s.pid);
    ASSERT_GT(s.port, 0);
    const auto r = api::testing::Request(s.port, "GET", "/v1/notices?limit=1000", songshan);
    ASSERT_EQ(r.status, 200) << r.body;
    const Json items = Json::parse(r.body)["items"];
    for (const Json& item : items) feed.insert(item["id"].get<uint64_t>());
    // Recorded once: one notice per step, no two with one id.
    EXPECT_EQ(items.size(), 2u * kApplications);
    EXPECT_EQ(feed.size(), items.size());
    ASSERT_TRUE(receiver.WaitForAcked(feed)) << "not every notice was delivered";
    ::kill(s.pid, SIGTERM);
    waitpid(s.pid, nullptr, 0);
  }
  // At least once: the held one came again after the restart; deduplicated
  // by id, the receiver has exactly the feed.
  EXPECT_GE(receiver.received().at(held), 2);
  EXPECT_EQ(receiver.acked(), feed);
  EXPECT_EQ(receiver.forged(), 0u);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace bg
