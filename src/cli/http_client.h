// A blocking HTTP/1.1 client for the CLI (Boost.Beast, the second and last
// Beast translation unit). One request per call.
#pragma once

#include <string>

#include "common/result.h"

namespace bg::cli {

struct ClientResponse {
  int status = 0;
  std::string content_type;
  std::string request_id;
  std::string body;
};

// `base` is "http://host:port"; `target` starts with '/'.
Result<ClientResponse> HttpCall(const std::string& base, const std::string& method,
                                const std::string& target, const std::string& token,
                                const std::string& body);

}  // namespace bg::cli
