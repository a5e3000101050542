// A blocking HTTP/1.1 client for the CLI and the demo's agents
// (Boost.Beast, the second and last Beast translation unit). One request
// per call, with a deadline: a server that never accepts or never answers
// is an error after `timeout`, not a hang.
#pragma once

#include <chrono>
#include <string>

#include "common/result.h"

namespace bg::cli {

struct ClientResponse {
  int status = 0;
  std::string content_type;
  std::string request_id;
  std::string body;
};

inline constexpr std::chrono::milliseconds kDefaultTimeout{30'000};

// `base` is "http://host:port"; `target` starts with '/'. `timeout` bounds
// the connect, and then sending the request and reading the whole answer
// (each separately); name resolution is the system's.
Result<ClientResponse> HttpCall(const std::string& base, const std::string& method,
                                const std::string& target, const std::string& token,
                                const std::string& body,
                                std::chrono::milliseconds timeout = kDefaultTimeout);

}  // namespace bg::cli
