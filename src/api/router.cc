#include "api/router.h"

#include <algorithm>

namespace bg::api {
namespace {

std::vector<std::string> Split(const std::string& path) {
  std::vector<std::string> out;
  size_t at = 1;
  while (at <= path.size()) {
    size_t end = path.find('/', at);
    if (end == std::string::npos) end = path.size();
    out.push_back(path.substr(at, end - at));
    at = end + 1;
  }
  return out;
}

}  // namespace

std::optional<std::string> Route::Unknown(
    const std::map<std::string, std::string>& query_of_request) const {
  for (const auto& [name, value] : query_of_request) {
    if (std::find(query.begin(), query.end(), name) == query.end()) return name;
  }
  return std::nullopt;
}

void Router::Add(const spec::Route& row, RouteHandler handler) {
  QueryNames query;
  for (const spec::Field& f : row.query) query.emplace_back(f.name);
  Route r{.id = row.id,
          .method = row.method,
          .pattern = row.path,
          .segments = Split(row.path),
          .public_route = row.roles.public_route,
          .roles = row.roles,
          .handler = std::move(handler),
          .query = std::move(query)};
  routes_.push_back(std::move(r));
}

const Route* Router::Match(const std::string& method, const std::string& path,
                           std::map<std::string, std::string>* params, std::string* allow) const {
  if (path.empty() || path[0] != '/') return nullptr;
  const std::vector<std::string> parts = Split(path);
  allow->clear();
  for (const Route& r : routes_) {
    if (r.segments.size() != parts.size()) continue;
    std::map<std::string, std::string> found;
    bool same = true;
    for (size_t i = 0; i < parts.size() && same; ++i) {
      const std::string& s = r.segments[i];
      if (s.size() > 2 && s.front() == '{' && s.back() == '}') {
        if (parts[i].empty()) same = false;
        found[s.substr(1, s.size() - 2)] = parts[i];
      } else {
        same = s == parts[i];
      }
    }
    if (!same) continue;
    if (r.method == method) {
      *params = std::move(found);
      return &r;
    }
    *allow += (allow->empty() ? "" : ", ") + r.method;
  }
  return nullptr;
}

}  // namespace bg::api
