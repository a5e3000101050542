// Routes: method + path pattern ("/v1/jobs/{id}") -> handler. Each route
// is a row of the route table (api/spec/routes.h), which gives its method,
// pattern, query parameters and whether it is public; the service adds
// the handler. The router answers what matches no route: 404
// unknown_route, or 405 method_not_allowed (with Allow) when the path
// exists for other methods. Roles are checked by the handlers, record by
// record (an enterprise may read its own job only).
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "api/answer.h"
#include "api/http.h"
#include "api/json.h"
#include "api/spec/routes.h"
#include "engine/engine.h"

namespace bg::api {

using spec::Role;
using spec::RoleName;

// Who is calling: the role and, for operators, enterprises and providers,
// the id they act for (an operator's programme, an enterprise, a provider).
struct Principal {
  Role role = Role::kAuditor;
  uint64_t scope = 0;
  std::string name;
  access::TokenStage stage = access::TokenStage::kAny;  // an operator's step
  Timestamp expires_at = 0;                             // the token's; 0: never
};

struct Call {
  const HttpRequest& request;
  std::map<std::string, std::string> params;  // from the path pattern
  std::string request_id;
  Principal who;
  Json body;  // a POST's JSON object (empty object for no body)
  // How far the state the handler read was applied (api/handlers.h, Look):
  // the answer waits until that is durable.
  engine::Seen seen = {};
};

using RouteHandler = std::function<Answer(Call&)>;

// The query parameters a route takes ("limit", "after", ...): declared on
// the route's row, so that any other is refused by name before the handler
// runs.
using QueryNames = std::vector<std::string>;

struct Route {
  spec::RouteId id;
  std::string method;
  std::string pattern;
  std::vector<std::string> segments;
  bool public_route = false;  // no token needed (health, metrics, the document)
  spec::Roles roles = {};     // the roles that may call it (spec/routes.h)
  RouteHandler handler;
  QueryNames query = {};
  // The first query parameter of `query_of_request` this route does not
  // take, or nothing.
  std::optional<std::string> Unknown(
      const std::map<std::string, std::string>& query_of_request) const;
};

class Router {
 public:
  // The route of `row`, answered by `handler`.
  void Add(const spec::Route& row, RouteHandler handler);

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
