// The HTTP server's envelope: keep-alive, limits, and draining on Stop.
#include <future>
#include <thread>

#include <gtest/gtest.h>

#include "api/api_test_client.h"
#include "api/http.h"

namespace bg::api {
namespace {

HttpResponse Plain(int status, const std::string& body) {
  HttpResponse r;
  r.status = status;
  r.content_type = "text/plain";
  r.body = body;
  return r;
}

TEST(HttpServerTest, KeepAliveServesSeveralRequestsOnOneConnection) {
  auto server = HttpServer::Start(
      {.port = 0, .threads = 1}, [](const HttpRequest& r) { return Plain(200, r.path); },
      [](int s, const std::string& d) { return Plain(s, d); });
  ASSERT_TRUE(server.ok());
  const std::string two =
      "GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
  const auto r = testing::SendRaw((*server)->port(), two);
  EXPECT_EQ(r.status, 200);
  // Both answers came back on the one connection, in order.
  EXPECT_NE(r.body.find("/a"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("/b"), std::string::npos) << r.body;
}

TEST(HttpServerTest, StopAnswersTheRequestInFlightAndRefusesNewOnes) {
  std::promise<void> entered, release;
  std::shared_future<void> go = release.get_future().share();
  auto server = HttpServer::Start(
      {.port = 0, .threads = 2},
      [&](const HttpRequest& r) {
        if (r.path == "/slow") {
          entered.set_value();
          go.wait();
        }
        return Plain(200, "done " + r.path);
      },
      [](int s, const std::string& d) { return Plain(s, d); });
  ASSERT_TRUE(server.ok());
  const uint16_t port = (*server)->port();
  auto slow =
      std::async(std::launch::async, [port] { return testing::Request(port, "GET", "/slow"); });
  entered.get_future().wait();  // the request is inside the handler
  auto stopping = std::async(std::launch::async, [&] { (*server)->Stop(); });
  // Once draining has begun, a new request is refused (connection closed
  // or 503), while the slow one is still in its handler.
  bool refused = false;
  for (int i = 0; i < 10'000 && !refused; ++i) {
    const auto late = testing::Request(port, "GET", "/late");
    refused = late.status == 0 || late.status == 503;
    std::this_thread::yield();
  }
  EXPECT_TRUE(refused);
  release.set_value();
  const auto answered = slow.get();
  EXPECT_EQ(answered.status, 200);
  EXPECT_EQ(answered.body, "done /slow");
  stopping.get();
}

TEST(HttpServerTest, LimitsAreRefusedBeforeTheHandler) {
  int called = 0;
  auto server = HttpServer::Start(
      {.port = 0, .threads = 1, .body_limit = 1000, .header_limit = 2000},
      [&](const HttpRequest&) {
        ++called;
        return Plain(200, "ok");
      },
      [](int s, const std::string& d) { return Plain(s, d); });
  ASSERT_TRUE(server.ok());
  const uint16_t port = (*server)->port();
  EXPECT_EQ(testing::Request(port, "POST", "/x", "", std::string(5000, 'a')).status, 413);
  EXPECT_EQ(testing::Request(port, "GET", "/x", "", "", "application/json",
                             "X-Big: " + std::string(5000, 'b') + "\r\n")
                .status,
            431);
  EXPECT_EQ(testing::SendRaw(port, "NOT HTTP AT ALL\r\n\r\n").status, 400);
  EXPECT_EQ(called, 0);
  EXPECT_EQ(testing::Request(port, "GET", "/x").status, 200);
  EXPECT_EQ(called, 1);
}

}  // namespace
}  // namespace bg::api
