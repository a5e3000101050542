// libFuzzer target for the request decoder: the bytes choose a route (by
// name on a first line, or by their first byte) and become its path
// parameter, query string and JSON body; the service must
// answer every one of them with a status below 500 (a crash, a sanitizer
// report or a 5xx is a finding). Built by the `fuzz` preset with clang and
// run by scripts/fuzz.sh for a bounded time in CI.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "api/service.h"
#include "storage/memory_store.h"
#include "world/commands.h"
#include "world/world.h"

namespace {

using namespace bg;  // NOLINT(google-build-using-namespace): a fuzz target's two functions

struct Fixture {
  storage::MemoryStore store;
  VirtualClock clock{1'741'000'000 * kNanosPerSecond};
  std::unique_ptr<engine::Engine> engine;
  std::unique_ptr<api::Service> service;
  std::string token;

  Fixture() {
    engine::EngineOptions options;
    options.idle_tick = std::chrono::milliseconds(0);
    auto opened = engine::Engine::Open(&store, &clock, options);
    if (!opened.ok()) std::abort();
    engine = std::move(opened).value();
    auto scenario = world::LoadWorldFile(std::string(BG_SOURCE_DIR) + "/scenarios/gba.toml");
    if (!scenario.ok()) std::abort();
    for (auto& body : world::ToCommands(*scenario)) (void)engine->Execute(std::move(body));
    const auto [secret, hash] = api::Service::NewToken();
    token = secret;
    (void)engine->Execute(state::CreateApiToken{
        .id = 1, .hash = hash, .role = access::TokenRole::kAdmin, .name = "fuzz"});
    service = std::make_unique<api::Service>(engine.get(), &clock);
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static Fixture* f = new Fixture();
  if (size < 2) return 0;
  // data = [<METHOD> <pattern> '\n'] <path parameter> '\n' <query> '\n' <body>:
  // a first line naming a route chooses it (readable, stable seeds);
  // otherwise the first byte does.
  const auto& routes = f->service->router().routes();
  std::string rest(reinterpret_cast<const char*>(data), size);
  const api::Route* route = &routes[data[0] % routes.size()];
  bool named = false;
  if (const size_t nl = rest.find('\n'); nl != std::string::npos) {
    for (const api::Route& r : routes) {
      if (rest.compare(0, nl, r.method + " " + r.pattern) == 0) {
        route = &r;
        named = true;
        rest.erase(0, nl + 1);
        break;
      }
    }
  }
  if (!named) rest.erase(0, 1);
  const size_t a = rest.find('\n');
  const size_t b = a == std::string::npos ? std::string::npos : rest.find('\n', a + 1);
  const std::string param = rest.substr(0, a);
  const std::string query = a == std::string::npos ? "" : rest.substr(a + 1, b - a - 1);
  const std::string body = b == std::string::npos ? "" : rest.substr(b + 1);
  api::HttpRequest r;
  r.method = route->method;
  r.path = route->pattern;
  if (const size_t at = r.path.find("{id}"); at != std::string::npos) r.path.replace(at, 4, param);
  r.target = r.path + (query.empty() ? "" : "?" + query);
  if (!api::ParseQuery(query, &r.query)) r.query.clear();
  r.headers["authorization"] = "Bearer " + f->token;
  r.headers["content-type"] = "application/json";
  r.body = body;
  const api::HttpResponse out = f->service->Handle(r);
  if (out.status >= 500 && out.status != 503) std::abort();
  return 0;
}
