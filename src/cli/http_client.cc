#include "cli/http_client.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace bg::cli {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

// "30 s", "0.2 s".
std::string Seconds(std::chrono::milliseconds d) {
  const auto ms = d.count();
  std::string out = std::to_string(ms / 1000);
  if (ms % 1000 != 0) {
    std::string frac = std::to_string(1000 + ms % 1000).substr(1);
    while (frac.back() == '0') frac.pop_back();
    out += "." + frac;
  }
  return out + " s";
}

}  // namespace

Result<ClientResponse> HttpCall(const std::string& base, const std::string& method,
                                const std::string& target, const std::string& token,
                                const std::string& body, std::chrono::milliseconds timeout,
                                const std::vector<std::pair<std::string, std::string>>& headers) {
  if (base.rfind("http://", 0) != 0) return InvalidArgument("--server must start with http://");
  std::string hostport = base.substr(7);
  if (!hostport.empty() && hostport.back() == '/') hostport.pop_back();
  const size_t colon = hostport.rfind(':');
  const std::string host = colon == std::string::npos ? hostport : hostport.substr(0, colon);
  const std::string port = colon == std::string::npos ? "80" : hostport.substr(colon + 1);
  http::request<http::string_body> req{http::string_to_verb(method), target, 11};
  req.set(http::field::host, host);
  req.set(http::field::user_agent, "baygrid-cli");
  if (!token.empty()) req.set(http::field::authorization, "Bearer " + token);
  for (const auto& [name, value] : headers) req.set(name, value);
  if (method == "POST") {
    req.set(http::field::content_type, "application/json");
    req.body() = body.empty() ? "{}" : body;
  }
  req.prepare_payload();

  // Asynchronous operations on one thread: only they honour the stream's
  // deadline (a synchronous connect or read would wait for ever).
  net::io_context ioc;
  tcp::resolver resolver(ioc);
  beast::tcp_stream stream(ioc);
  beast::flat_buffer buffer;
  http::response<http::string_body> res;
  beast::error_code failed;
  std::string stage = "resolve";
  resolver.async_resolve(
      host, port, [&](beast::error_code ec, const tcp::resolver::results_type& found) {
        if (ec) {
          failed = ec;
          return;
        }
        stage = "connect";
        stream.expires_after(timeout);
        stream.async_connect(found, [&](beast::error_code ec2, const tcp::endpoint&) {
          if (ec2) {
            failed = ec2;
            return;
          }
          stage = "answer";
          stream.expires_after(timeout);
          http::async_write(stream, req, [&](beast::error_code ec3, std::size_t) {
            if (ec3) {
              failed = ec3;
              return;
            }
            http::async_read(stream, buffer, res,
                             [&](beast::error_code ec4, std::size_t) { failed = ec4; });
          });
        });
      });
  ioc.run();
  if (failed == beast::error::timeout) {
    return Unavailable(base +
                       (stage == "connect" ? " did not accept a connection" : " did not answer") +
                       " within " + Seconds(timeout) + " (--timeout, BAYGRID_TIMEOUT)");
  }
  if (failed) {
    return Unavailable((stage == "answer" ? "no answer from " : "cannot reach ") + base + ": " +
                       failed.message());
  }
  beast::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
  ClientResponse out;
  out.status = static_cast<int>(res.result_int());
  out.content_type = std::string{res[http::field::content_type]};
  out.request_id = std::string{res["X-Request-Id"]};
  out.body = std::move(res.body());
  return out;
}

Result<int> PostTo(const std::string& url, const std::string& body,
                   const std::vector<std::pair<std::string, std::string>>& headers,
                   std::chrono::milliseconds timeout) {
  const size_t slash = url.find('/', 7);
  if (url.rfind("http://", 0) != 0 || slash == 7) {
    return InvalidArgument("the URL '" + url + "' is not http://host[:port]/path");
  }
  const std::string base = slash == std::string::npos ? url : url.substr(0, slash);
  const std::string target = slash == std::string::npos ? "/" : url.substr(slash);
  BG_ASSIGN_OR_RETURN(const ClientResponse answer,
                      HttpCall(base, "POST", target, "", body, timeout, headers));
  return answer.status;
}

}  // namespace bg::cli
