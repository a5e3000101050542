// HTTP/1.1 server: Boost.Beast over Asio, asynchronous, keep-alive, a few
// I/O threads. This header is Beast-free: requests and responses are plain
// values, and http_server.cc is the only file that includes Beast (heavy
// headers in one translation unit).
//
// Limits a client cannot talk its way past: the body (413), the header
// block (431), the time to send a request's header (closed; counted from
// the connection's start for the first request, from the request's first
// byte for the next ones on a keep-alive connection), the time to send its
// body, and an idle keep-alive connection (closed). Framing RFC 9112 calls
// faulty — Transfer-Encoding other than one "chunked", with Content-Length
// or on HTTP/1.0 — and a repeated Authorization (or Host, Content-Type,
// Idempotency-Key, X-Request-Id) header get 400 and a closed connection,
// before the handler sees the request. Stop() drains: no new
// connections, new requests on open ones get 503 with Connection: close,
// requests already in a handler are answered (within the grace), then the
// threads end.
//
// Handlers answer asynchronously: the server hands a request and a
// `respond` to the handler and goes back to its event loop; `respond`,
// called once from any thread (a commit's thread, say), sends the answer on
// the connection's strand. Thousands of requests can so wait for one commit
// without a thread each. A connection reads its next request only once its
// answer is written.
//
// Thread-safety: Start/Stop from one thread; the handler is called on the
// I/O threads, concurrently; `respond` from any thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "common/result.h"

namespace bg::api {

struct HttpRequest {
  std::string method;                          // "GET", "POST", ...
  std::string target;                          // "/v1/jobs/7?x=1"
  std::string path;                            // "/v1/jobs/7"
  std::map<std::string, std::string> query;    // decoded
  std::map<std::string, std::string> headers;  // names lower-case
  std::string body;
  std::string Header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? std::string() : it->second;
  }
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
};

// Sends the answer to one request; call it exactly once, from any thread.
// `make` runs on the connection's I/O thread (strand) and returns the
// answer: building it there keeps the work off whichever thread called.
// After Stop it does nothing.
using HttpMake = std::function<HttpResponse()>;
using HttpRespond = std::function<void(HttpMake make)>;
using HttpAsyncHandler = std::function<void(HttpRequest, HttpRespond)>;
// A handler that answers before it returns (tests, simple servers).
using HttpHandler = std::function<HttpResponse(const HttpRequest&)>;
// Answers for what the server refuses before a handler sees it (too large,
// too slow, shutting down): status and a problem title.
using HttpRefusal = std::function<HttpResponse(int status, const std::string& detail)>;

struct HttpOptions {
  std::string address = "127.0.0.1";
  uint16_t port = 0;  // 0: any free port (tests)
  uint32_t threads = 4;
  size_t body_limit = 1 << 20;
  size_t header_limit = 16 << 10;
  std::chrono::milliseconds header_timeout{10'000};  // per request
  std::chrono::milliseconds idle_timeout{60'000};    // between requests; a body's time
};

class HttpServer {
 public:
  static Result<std::unique_ptr<HttpServer>> Start(const HttpOptions& options,
                                                   HttpAsyncHandler handler, HttpRefusal refusal);
  static Result<std::unique_ptr<HttpServer>> Start(const HttpOptions& options, HttpHandler handler,
                                                   HttpRefusal refusal);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  uint16_t port() const;
  // Drains as described above, waiting at most `grace` for handlers.
  void Stop(std::chrono::milliseconds grace = std::chrono::milliseconds(10'000));

  struct Impl;

 private:
  explicit HttpServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Splits "a=1&b=%E4%B8%AD" into decoded pairs; false on a bad escape or a
// name given twice (which one would count?), with the reason in *error.
bool ParseQuery(const std::string& text, std::map<std::string, std::string>* out,
                std::string* error = nullptr);

}  // namespace bg::api
