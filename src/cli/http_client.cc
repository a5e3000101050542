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

Result<ClientResponse> HttpCall(const std::string& base, const std::string& method,
                                const std::string& target, const std::string& token,
                                const std::string& body) {
  if (base.rfind("http://", 0) != 0) return InvalidArgument("--server must start with http://");
  std::string hostport = base.substr(7);
  if (!hostport.empty() && hostport.back() == '/') hostport.pop_back();
  const size_t colon = hostport.rfind(':');
  const std::string host = colon == std::string::npos ? hostport : hostport.substr(0, colon);
  const std::string port = colon == std::string::npos ? "80" : hostport.substr(colon + 1);
  try {
    net::io_context ioc;
    tcp::resolver resolver(ioc);
    beast::tcp_stream stream(ioc);
    stream.expires_after(std::chrono::seconds(30));
    stream.connect(resolver.resolve(host, port));
    http::request<http::string_body> req{http::string_to_verb(method), target, 11};
    req.set(http::field::host, host);
    req.set(http::field::user_agent, "baygrid-cli");
    if (!token.empty()) req.set(http::field::authorization, "Bearer " + token);
    if (method == "POST") {
      req.set(http::field::content_type, "application/json");
      req.body() = body.empty() ? "{}" : body;
    }
    req.prepare_payload();
    http::write(stream, req);
    beast::flat_buffer buffer;
    http::response<http::string_body> res;
    http::read(stream, buffer, res);
    beast::error_code ec;
    stream.socket().shutdown(tcp::socket::shutdown_both, ec);
    ClientResponse out;
    out.status = static_cast<int>(res.result_int());
    out.content_type = std::string{res[http::field::content_type]};
    out.request_id = std::string{res["X-Request-Id"]};
    out.body = std::move(res.body());
    return out;
  } catch (const std::exception& e) {
    return Unavailable("cannot reach " + base + ": " + e.what());
  }
}

}  // namespace bg::cli
