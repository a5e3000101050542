// Routes: method + path pattern ("/v1/jobs/{id}") -> handler. The router
// answers what matches no route: 404 unknown_route, or 405
// method_not_allowed (with Allow) when the path exists for other methods.
// The route table is also what the OpenAPI test checks the document
// against (api_test.cc).
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "api/http.h"
#include "api/json.h"

namespace bg::api {

enum class Role : uint8_t { kAdmin = 0, kOperator, kEnterprise, kProvider, kAuditor };
const char* RoleName(Role r);

// Who is calling: the role and, for operators, enterprises and providers,
// the id they act for (an operator's programme, an enterprise, a provider).
struct Principal {
  Role role = Role::kAuditor;
  uint64_t scope = 0;
  std::string name;
};

struct Call {
  const HttpRequest& request;
  std::map<std::string, std::string> params;  // from the path pattern
  std::string request_id;
  Principal who;
  Json body;  // a POST's JSON object (empty object for no body)
};

using RouteHandler = std::function<HttpResponse(Call&)>;

// The query parameters a route takes ("limit", "after", ...): declared on
// the route's row, so that any other is refused by name before the handler
// runs, and checked against the OpenAPI document (api_test.cc).
using QueryNames = std::vector<std::string>;

struct Route {
  std::string method;
  std::string pattern;
  std::vector<std::string> segments;
  bool public_route = false;  // no token needed (health, metrics, the document)
  RouteHandler handler;
  QueryNames query = {};
  // The first query parameter of `query_of_request` this route does not
  // take, or nothing.
  std::optional<std::string> Unknown(
      const std::map<std::string, std::string>& query_of_request) const;
};

class Router {
 public:
  // A route that takes no query parameters.
  void Add(std::string method, const std::string& pattern, RouteHandler handler,
           bool public_route = false);
  // A route that takes the query parameters `query`.
  void Add(std::string method, const std::string& pattern, QueryNames query, RouteHandler handler,
           bool public_route = false);

  // The route for (method, path) and its parameters; nullptr when none
  // matches, with *allow listing the methods the path has (empty: no such
  // path).
  const Route* Match(const std::string& method, const std::string& path,
                     std::map<std::string, std::string>* params, std::string* allow) const;

  const std::vector<Route>& routes() const { return routes_; }

 private:
  std::vector<Route> routes_;
};

}  // namespace bg::api
