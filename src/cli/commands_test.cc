#include "cli/commands.h"

#include <set>

#include <gtest/gtest.h>

#include "api/service.h"

namespace bg::cli {
namespace {

// The CLI covers the API: every documented route (the OpenAPI document
// equals the router, api_test.cc) has a `baygrid <noun> <verb>`, and
// every CLI command is a route.
TEST(CliTest, EveryRouteHasACommandAndEveryCommandARoute) {
  std::set<std::pair<std::string, std::string>> routes;
  const api::Json doc = api::Service::OpenApi();
  for (auto p = doc["paths"].begin(); p != doc["paths"].end(); ++p) {
    if (p.key().rfind("/v1/", 0) != 0 || p.key() == "/v1/openapi.json") continue;
    for (auto m = p->begin(); m != p->end(); ++m) {
      std::string method = m.key();
      for (char& c : method) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      routes.emplace(method, p.key());
    }
  }
  std::set<std::pair<std::string, std::string>> commands;
  for (const auto& r : HttpCli::Routes()) commands.insert(r);
  for (const auto& r : routes) {
    EXPECT_EQ(commands.count(r), 1u) << r.first << " " << r.second << " has no CLI command";
  }
  for (const auto& c : commands) {
    EXPECT_EQ(routes.count(c), 1u)
        << "the CLI calls " << c.first << " " << c.second << ", which is not a route";
  }
}

}  // namespace
}  // namespace bg::cli
