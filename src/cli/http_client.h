// A blocking HTTP/1.1 client for the CLI, the demo's agents and webhooks
// (Boost.Beast, the second and last Beast translation unit). One request
// per call, with a deadline: a server that never accepts or never answers
// is an error after `timeout`, not a hang.
#pragma once

#include <chrono>
#include <string>
#include <utility>
#include <vector>

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
Result<ClientResponse> HttpCall(
    const std::string& base, const std::string& method, const std::string& target,
    const std::string& token, const std::string& body,
    std::chrono::milliseconds timeout = kDefaultTimeout,
    const std::vector<std::pair<std::string, std::string>>& headers = {});

// POSTs `body` (JSON) to a whole URL, "http://host[:port]/path": the
// answer's status (the webhook outbox's poster, notice/outbox.h).
Result<int> PostTo(const std::string& url, const std::string& body,
                   const std::vector<std::pair<std::string, std::string>>& headers,
                   std::chrono::milliseconds timeout);

}  // namespace bg::cli
