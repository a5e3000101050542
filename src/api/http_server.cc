// The only file that includes Boost.Beast and Boost.Asio (api/http.h).
#include <atomic>
#include <optional>
#include <thread>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "api/http.h"
#include "common/mutex.h"

namespace bg::api {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

int FromHex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool Decode(std::string_view in, std::string* out) {
  out->clear();
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '+') {
      out->push_back(' ');
    } else if (in[i] == '%') {
      if (i + 2 >= in.size()) return false;
      const int hi = FromHex(in[i + 1]);
      const int lo = FromHex(in[i + 2]);
      if (hi < 0 || lo < 0) return false;
      out->push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else {
      out->push_back(in[i]);
    }
  }
  return true;
}

}  // namespace

bool ParseQuery(const std::string& text, std::map<std::string, std::string>* out,
                std::string* error) {
  auto fail = [&](std::string why) {
    if (error != nullptr) *error = std::move(why);
    return false;
  };
  size_t at = 0;
  while (at < text.size()) {
    size_t end = text.find('&', at);
    if (end == std::string::npos) end = text.size();
    const std::string_view pair(text.data() + at, end - at);
    if (!pair.empty()) {
      const size_t eq = pair.find('=');
      std::string key, value;
      if (!Decode(pair.substr(0, eq), &key)) return fail("the query string has a bad %-escape");
      if (eq != std::string_view::npos && !Decode(pair.substr(eq + 1), &value)) {
        return fail("the query string has a bad %-escape");
      }
      if (!out->emplace(key, value).second) {
        return fail("the query parameter '" + key + "' is given twice");
      }
    }
    at = end + 1;
  }
  return true;
}

// Whether answers may still be posted to the I/O threads: closed by Stop
// before the event loop ends, so that a late `respond` (a commit that
// finished after the grace) never posts to a loop that is gone.
struct Gate {
  Mutex mu;
  bool open BG_GUARDED_BY(mu) = true;
};

struct HttpServer::Impl {
  HttpOptions options;
  HttpAsyncHandler handler;
  HttpRefusal refusal;
  net::io_context ioc;
  tcp::acceptor acceptor{ioc};
  std::vector<std::thread> threads;
  std::atomic<bool> draining{false};
  std::atomic<int> in_handler{0};  // requests in the handler
  std::atomic<int> writing{0};     // answers being written
  // Stop waits on `mu` until nothing is in a handler or being written; the
  // counters are atomics, and Done takes `mu` so that the wait looks again.
  Mutex mu;
  uint16_t port = 0;
  std::shared_ptr<Gate> gate = std::make_shared<Gate>();

  void Accept();
  // Counts one piece of work down and wakes Stop when nothing is left.
  void Done(std::atomic<int>& counter) {
    if (--counter == 0) {
      MutexLock wake(&mu);
    }
  }
};

namespace {

// What is wrong with a request's header as RFC 9112 frames a message, or
// nothing: Transfer-Encoding is accepted only as one "chunked" on HTTP/1.1
// without Content-Length (section 6.1: other codings, a repeat, or chunked
// not last leave the body's length unknown; on HTTP/1.0 the framing is
// faulty; with Content-Length a smuggling vector), and the fields one
// request names once are named once (a second Authorization: which caller?).
std::optional<std::string> FramingProblem(const http::request_header<>& h) {
  const size_t codings = h.count(http::field::transfer_encoding);
  if (codings > 0) {
    if (h.version() < 11) return "Transfer-Encoding on an HTTP/1.0 request";
    if (h.count(http::field::content_length) > 0) {
      return "Transfer-Encoding together with Content-Length";
    }
    beast::string_view te = h[http::field::transfer_encoding];
    while (!te.empty() && (te.front() == ' ' || te.front() == '\t')) te.remove_prefix(1);
    while (!te.empty() && (te.back() == ' ' || te.back() == '\t')) te.remove_suffix(1);
    if (codings > 1 || !beast::iequals(te, "chunked")) {
      return "Transfer-Encoding must be \"chunked\" alone (no other coding is supported)";
    }
  }
  for (const char* once :
       {"Authorization", "Host", "Content-Type", "Idempotency-Key", "X-Request-Id"}) {
    if (h.count(once) > 1) return std::string("the ") + once + " header is repeated";
  }
  return std::nullopt;
}

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, HttpServer::Impl* server)
      : stream_(std::move(socket)), server_(server) {}

  void Run() {
    net::dispatch(stream_.get_executor(),
                  beast::bind_front_handler(&Session::Read, shared_from_this()));
  }

 private:
  // The next request: on a kept-alive connection with nothing buffered,
  // first wait (up to the idle timeout) for its first bytes; then its
  // header must arrive within the header timeout, as the first request's
  // must from the connection's start.
  void Read() {
    parser_.emplace();
    parser_->body_limit(server_->options.body_limit);
    parser_->header_limit(static_cast<std::uint32_t>(server_->options.header_limit));
    if (first_ || buffer_.size() > 0) return ReadHeader();
    stream_.expires_after(server_->options.idle_timeout);
    stream_.async_read_some(buffer_.prepare(kFirstRead),
                            beast::bind_front_handler(&Session::OnFirstBytes, shared_from_this()));
  }

  void OnFirstBytes(beast::error_code ec, std::size_t n) {
    if (ec) return Close();  // the end, the idle timeout, or stopping
    buffer_.commit(n);
    ReadHeader();
  }

  void ReadHeader() {
    first_ = false;
    stream_.expires_after(server_->options.header_timeout);
    http::async_read_header(stream_, buffer_, *parser_,
                            beast::bind_front_handler(&Session::OnHeader, shared_from_this()));
  }

  void OnHeader(beast::error_code ec, std::size_t) {
    if (ec) return Refuse(ec);
    const http::request_header<>& h = parser_->get();
    if (const std::optional<std::string> why = FramingProblem(h)) {
      return Send(server_->refusal(400, *why), h.version(), /*close=*/true);
    }
    if (parser_->is_done()) return OnRead({}, 0);
    stream_.expires_after(server_->options.idle_timeout);
    http::async_read(stream_, buffer_, *parser_,
                     beast::bind_front_handler(&Session::OnRead, shared_from_this()));
  }

  // A read that failed: closed quietly when the peer left or was too slow,
  // else refused and closed.
  void Refuse(beast::error_code ec) {
    if (ec == http::error::end_of_stream || ec == beast::error::timeout ||
        ec == net::error::operation_aborted) {
      return Close();
    }
    if (ec == http::error::body_limit) {
      return Send(server_->refusal(413, "the body is larger than " +
                                            std::to_string(server_->options.body_limit) + " bytes"),
                  11, /*close=*/true);
    }
    if (ec == http::error::header_limit) {
      return Send(server_->refusal(431, "the request's headers are too large"), 11, true);
    }
    Send(server_->refusal(400, std::string("malformed HTTP request: ") + ec.message()), 11, true);
  }

  void OnRead(beast::error_code ec, std::size_t) {
    if (ec) return Refuse(ec);
    const http::request<http::string_body>& req = parser_->get();
    const unsigned version = req.version();
    const bool keep_alive = req.keep_alive();
    if (server_->draining.load()) {
      return Send(server_->refusal(503, "the server is shutting down"), version, true);
    }
    HttpRequest r;
    r.method = std::string{req.method_string()};
    r.target = std::string{req.target()};
    const size_t q = r.target.find('?');
    r.path = r.target.substr(0, q);
    std::string query_error;
    if (q != std::string::npos && !ParseQuery(r.target.substr(q + 1), &r.query, &query_error)) {
      return Send(server_->refusal(400, query_error), version, !keep_alive);
    }
    for (const auto& field : req) {
      std::string name(field.name_string());
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      r.headers[name] = std::string{field.value()};
    }
    r.body = req.body();
    server_->in_handler++;
    server_->handler(std::move(r), [self = shared_from_this(), gate = server_->gate, version,
                                    keep_alive](HttpMake make) {
      // Answered on the connection's own strand (a read, a refusal): at once.
      if (self->OnOwnStrand()) {
        return self->Answer(make(), version, keep_alive);
      }
      MutexLock lock(&gate->mu);
      if (!gate->open) return;
      net::post(self->stream_.get_executor(),
                [self, make = std::move(make), version, keep_alive]() {
                  self->Answer(make(), version, keep_alive);
                });
    });
  }

  // Whether this thread runs the connection's strand now.
  bool OnOwnStrand() {
    using Strand = net::strand<net::io_context::executor_type>;
    const Strand* strand = stream_.get_executor().target<Strand>();
    return strand != nullptr && strand->running_in_this_thread();
  }

  // On the strand: the handler's answer.
  void Answer(HttpResponse out, unsigned version, bool keep_alive) {
    // The answer is owed before the handler count drops, so that Stop never
    // sees neither.
    server_->writing++;
    server_->Done(server_->in_handler);
    Send(std::move(out), version, !keep_alive || server_->draining.load(), /*counted=*/true);
  }

  void Send(HttpResponse out, unsigned version, bool close, bool counted = false) {
    auto res = std::make_shared<http::response<http::string_body>>(
        static_cast<http::status>(out.status), version);
    res->set(http::field::server, "baygrid");
    res->set(http::field::content_type, out.content_type);
    for (const auto& [k, v] : out.headers) res->set(k, v);
    res->keep_alive(!close);
    res->body() = std::move(out.body);
    res->prepare_payload();
    stream_.expires_after(server_->options.idle_timeout);
    if (!counted) server_->writing++;
    http::async_write(stream_, *res,
                      [self = shared_from_this(), res, close](beast::error_code ec, std::size_t) {
                        self->server_->Done(self->server_->writing);
                        if (ec || close) return self->Close();
                        self->Read();
                      });
  }

  void Close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
  }

  static constexpr size_t kFirstRead = 4096;

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  HttpServer::Impl* server_;
  bool first_ = true;
};

}  // namespace

void HttpServer::Impl::Accept() {
  acceptor.async_accept(net::make_strand(ioc), [this](beast::error_code ec, tcp::socket socket) {
    if (ec) {
      if (ec == net::error::operation_aborted) return;  // stopping
    } else if (!draining.load()) {
      std::make_shared<Session>(std::move(socket), this)->Run();
    }
    if (acceptor.is_open()) Accept();
  });
}

Result<std::unique_ptr<HttpServer>> HttpServer::Start(const HttpOptions& options,
                                                      HttpHandler handler, HttpRefusal refusal) {
  return Start(
      options,
      [handler = std::move(handler)](const HttpRequest& request, const HttpRespond& respond) {
        respond([out = handler(request)]() mutable { return std::move(out); });
      },
      std::move(refusal));
}

Result<std::unique_ptr<HttpServer>> HttpServer::Start(const HttpOptions& options,
                                                      HttpAsyncHandler handler,
                                                      HttpRefusal refusal) {
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  impl->handler = std::move(handler);
  impl->refusal = std::move(refusal);
  beast::error_code ec;
  const auto address = net::ip::make_address(options.address, ec);
  if (ec) return InvalidArgument("--listen: '" + options.address + "' is not an IP address");
  const tcp::endpoint endpoint(address, options.port);
  impl->acceptor.open(endpoint.protocol(), ec);
  if (!ec) impl->acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) impl->acceptor.bind(endpoint, ec);
  if (!ec) impl->acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) {
    return Unavailable("cannot listen on " + options.address + ":" + std::to_string(options.port) +
                       ": " + ec.message());
  }
  impl->port = impl->acceptor.local_endpoint().port();
  impl->Accept();
  for (uint32_t i = 0; i < std::max<uint32_t>(1, options.threads); ++i) {
    impl->threads.emplace_back([io = &impl->ioc] { io->run(); });
  }
  return std::unique_ptr<HttpServer>(new HttpServer(std::move(impl)));
}

HttpServer::HttpServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

HttpServer::~HttpServer() { Stop(); }

uint16_t HttpServer::port() const { return impl_->port; }

void HttpServer::Stop(std::chrono::milliseconds grace) {
  if (impl_->threads.empty()) return;
  impl_->draining = true;
  net::post(impl_->ioc, [this] {
    beast::error_code ec;
    impl_->acceptor.close(ec);
  });
  {
    // Every request in a handler is answered and every answer written.
    MutexLock lock(&impl_->mu);
    const Impl* impl = impl_.get();
    impl_->mu.AwaitWithTimeout(
        Condition(
            +[](const Impl* i) { return i->in_handler.load() == 0 && i->writing.load() == 0; },
            impl),
        absl::FromChrono(grace));
  }
  {
    MutexLock lock(&impl_->gate->mu);
    impl_->gate->open = false;
  }
  impl_->ioc.stop();
  for (std::thread& t : impl_->threads) t.join();
  impl_->threads.clear();
  // The close posted above may not have run before the stop: with no
  // thread left, close here, so that a stopped server refuses connections
  // (and its port is free) instead of leaving them unanswered.
  beast::error_code ec;
  impl_->acceptor.close(ec);
}

}  // namespace bg::api
