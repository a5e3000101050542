// The HTTP server's envelope: keep-alive, limits, the header timeout of
// every request, the framing RFC 9112 refuses, and draining on Stop.
#include <atomic>
#include <chrono>
#include <future>
#include <thread>

#include <gtest/gtest.h>
#include <poll.h>
#include <sys/time.h>

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

// A client connection held open across requests (the one-shot helpers
// close after one): reads wait at most `wait` for bytes.
class Connection {
 public:
  explicit Connection(uint16_t port, std::chrono::milliseconds wait = std::chrono::seconds(10))
      : fd_(socket(AF_INET, SOCK_STREAM, 0)) {
    timeval tv{};
    tv.tv_sec = static_cast<time_t>(wait.count() / 1000);
    tv.tv_usec = static_cast<suseconds_t>((wait.count() % 1000) * 1000);
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  }
  ~Connection() { close(fd_); }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  bool Send(const std::string& bytes) {
    return connected_ && send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL) ==
                             static_cast<ssize_t>(bytes.size());
  }
  // Reads until `until` has arrived; false when the connection ends or the
  // wait runs out first.
  bool ReadUntil(const std::string& until) {
    char buf[4096];
    while (got_.find(until) == std::string::npos) {
      const ssize_t n = recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) return false;
      got_.append(buf, static_cast<size_t>(n));
    }
    return true;
  }
  // Whether the server closes the connection (rather than the wait running
  // out): what it sent before is kept.
  bool Closed() {
    char buf[4096];
    for (;;) {
      const ssize_t n = recv(fd_, buf, sizeof buf, 0);
      if (n == 0) return true;
      if (n < 0) return false;
      got_.append(buf, static_cast<size_t>(n));
    }
  }
  // Whether anything (bytes or the end) comes within `wait`.
  bool Quiet(std::chrono::milliseconds wait) {
    pollfd p{.fd = fd_, .events = POLLIN, .revents = 0};
    return poll(&p, 1, static_cast<int>(wait.count())) == 0;
  }
  const std::string& got() const { return got_; }

 private:
  int fd_;
  bool connected_ = false;
  std::string got_;
};

// The header timeout is per request: a keep-alive connection may idle
// between requests (up to the idle timeout), but a request that has begun
// must finish its header in time, the second as the first.
TEST(HttpServerTest, TheHeaderTimeoutAppliesToEveryRequestOnAConnection) {
  auto server = HttpServer::Start(
      {.port = 0,
       .threads = 1,
       .header_timeout = std::chrono::milliseconds(200),
       .idle_timeout = std::chrono::seconds(60)},
      [](const HttpRequest& r) { return Plain(200, r.path); },
      [](int s, const std::string& d) { return Plain(s, d); });
  ASSERT_TRUE(server.ok());
  Connection conn((*server)->port());
  ASSERT_TRUE(conn.Send("GET /first HTTP/1.1\r\nHost: x\r\n\r\n"));
  ASSERT_TRUE(conn.ReadUntil("/first"));
  // Idle for longer than the header timeout: still open.
  EXPECT_TRUE(conn.Quiet(std::chrono::milliseconds(600)));
  ASSERT_TRUE(conn.Send("GET /second HTTP/1.1\r\nHost: x\r\n\r\n"));
  ASSERT_TRUE(conn.ReadUntil("/second"));
  // A third request starts and never ends its header: closed after the
  // header timeout, not the minute of the idle timeout (the wait is 10 s).
  const auto start = std::chrono::steady_clock::now();
  ASSERT_TRUE(conn.Send("GET /third HTTP/1.1\r\nHost: x\r\n"));
  EXPECT_TRUE(conn.Closed());
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  EXPECT_EQ(conn.got().find("/third"), std::string::npos);
}

// RFC 9112 section 6: the framing of a request's body must be unambiguous.
// Transfer-Encoding other than a lone "chunked", with Content-Length, or on
// HTTP/1.0 is refused (400, connection closed), as is a repeated
// Authorization header (which one would be the caller?).
TEST(HttpServerTest, AmbiguousFramingAndRepeatedAuthorizationAreRefused) {
  std::atomic<int> called{0};
  std::string last_body;
  auto server = HttpServer::Start(
      {.port = 0, .threads = 1},
      [&](const HttpRequest& r) {
        ++called;
        last_body = r.body;
        return Plain(200, "ok");
      },
      [](int s, const std::string& d) { return Plain(s, d); });
  ASSERT_TRUE(server.ok());
  const uint16_t port = (*server)->port();
  const std::string post = "POST /x HTTP/1.1\r\nHost: x\r\nConnection: close\r\n";
  const std::string chunked_body = "\r\n\r\n3\r\nabc\r\n0\r\n\r\n";
  const std::string get = "GET /x HTTP/1.1\r\nHost: x\r\nConnection: close\r\n";
  const struct {
    std::string request;
    const char* says;  // in the refusal, lower-cased
  } cases[] = {
      {post + "Transfer-Encoding: gzip\r\n\r\nabc", "transfer-encoding"},
      {post + "Transfer-Encoding: gzip, chunked" + chunked_body, "transfer-encoding"},
      {post + "Transfer-Encoding: chunked, chunked" + chunked_body, "transfer-encoding"},
      {post + "Transfer-Encoding: identity\r\nContent-Length: 3\r\n\r\nabc", "transfer-encoding"},
      {post + "Transfer-Encoding: chunked\r\nContent-Length: 3" + chunked_body, "content-length"},
      {post + "Content-Length: 3\r\nTransfer-Encoding: chunked" + chunked_body,
       "transfer-encoding"},
      {"POST /x HTTP/1.0\r\nHost: x\r\nTransfer-Encoding: chunked" + chunked_body, "http/1.0"},
      {get + "Authorization: Bearer a\r\nAuthorization: Bearer b\r\n\r\n", "authorization"},
      {get + "Authorization: Bearer a\r\nAuthorization: Bearer a\r\n\r\n", "authorization"},
      {get + "Host: y\r\n\r\n", "host"},
  };
  for (const auto& c : cases) {
    const auto r = testing::SendRaw(port, c.request);
    EXPECT_EQ(r.status, 400) << c.request;
    std::string said = r.body;
    for (char& ch : said) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    EXPECT_NE(said.find(c.says), std::string::npos) << c.request << " -> " << r.body;
  }
  EXPECT_EQ(called.load(), 0);
  // A lone chunked on HTTP/1.1 is fine.
  EXPECT_EQ(testing::SendRaw(port, post + "Transfer-Encoding: chunked" + chunked_body).status, 200);
  EXPECT_EQ(called.load(), 1);
  EXPECT_EQ(last_body, "abc");
}

}  // namespace
}  // namespace bg::api
