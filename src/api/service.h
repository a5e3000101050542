// The HTTP API (JSON REST under /v1): routes for everything the core does,
// authentication by bearer tokens and roles, idempotency keys, request
// ids, Prometheus metrics and the OpenAPI document. Handlers translate a
// request into engine commands or reads and the answer into JSON; the
// domains below never see HTTP or JSON.
//
// Roles (docs/api.md): admin (everything); operator, scoped to a programme
// (its applications, statements and totals); enterprise (its own
// applications, vouchers, quotes and jobs); provider (its own pools,
// placements, usage and key); auditor (reads everything, scans and closes
// audit cases, changes nothing else).
//
// Thread-safety: Handle is called concurrently by the I/O threads.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <shared_mutex>
#include <string>

#include "api/http.h"
#include "api/json.h"
#include "api/router.h"
#include "engine/engine.h"
#include "storage/idempotency_store.h"

namespace bg::api {

struct ServiceOptions {
  bool log_requests = false;  // one line per request on stderr, with its id
  // The SQLite file the engine writes, for POST /v1/audit/verify (which
  // reads it through a connection of its own); empty: not offered.
  std::string db_path = {};
  // Where answers to requests with an Idempotency-Key are kept (a file next
  // to the database, so a retry after a restart is answered the same);
  // null: in memory.
  storage::IdempotencyStore* idempotency = nullptr;
};

class Service {
 public:
  Service(engine::Engine* engine, const Clock* clock, ServiceOptions options = {});

  HttpResponse Handle(const HttpRequest& request);
  // What the HTTP server answers itself (413, 431, 503, ...), as problems.
  HttpResponse Refuse(int status, const std::string& detail);

  const Router& router() const { return router_; }
  // The OpenAPI 3 document (openapi.cc), written independently of the
  // route table; a test checks that the two agree.
  static Json OpenApi();

  // A new random token (64 hex characters) and its hash, for the admin
  // command and POST /v1/tokens.
  static std::pair<std::string, Hash256> NewToken();
  static Hash256 TokenHash(const std::string& token);

  engine::Engine& engine() { return *engine_; }
  const Clock& clock() const { return *clock_; }

 private:
  struct RouteStats {
    std::atomic<uint64_t> by_class[6] = {};  // 1xx..5xx (index = status / 100)
    std::atomic<uint64_t> buckets[9] = {};   // latency histogram
    std::atomic<uint64_t> sum_us{0};
  };

  void AddRoutes();  // routes_*.cc
  void AddPublicRoutes();
  void AddRegistryRoutes();
  void AddApplicationRoutes();
  void AddJobRoutes();
  void AddProviderRoutes();
  void AddSettlementRoutes();
  void AddAdminRoutes();
  void AddControlRoutes();
  void AddNetworkRoutes();
  void AddClaimRoutes();

  std::optional<Principal> Authenticate(const HttpRequest& request);
  // After a token is revoked: no cached principal outlives it.
  void ForgetTokens();
  // A read whose answer depends on the state only (not on who asks): kept
  // while no batch has been committed since, keyed by the request target.
  HttpResponse CachedRead(const Call& call, const std::function<HttpResponse()>& build);
  HttpResponse Idempotent(const Call& call, const std::string& key,
                          const std::function<HttpResponse()>& run);
  std::string Metrics();
  void Record(const std::string& route, int status, uint64_t micros);

  engine::Engine* engine_;
  const Clock* clock_;
  ServiceOptions options_;
  Router router_;
  std::atomic<uint64_t> next_request_{1};
  std::mutex stats_mu_;
  std::map<std::string, std::unique_ptr<RouteStats>> stats_;  // by route pattern
  std::mutex cache_mu_;
  std::map<std::string, std::pair<uint64_t, HttpResponse>> read_cache_;  // target -> (seq, answer)
  // Idempotency keys (idempotency.cc): the answers, in the options' store
  // or one of our own in memory; the (caller, key)s whose request runs now.
  std::shared_mutex token_mu_;
  std::map<Hash256, Principal> token_cache_;  // token hash -> who
  std::atomic<uint64_t> token_generation_{0};
  std::unique_ptr<storage::IdempotencyStore> own_keys_;
  storage::IdempotencyStore* keys_ = nullptr;
  std::mutex idem_mu_;
  std::set<std::pair<std::string, std::string>> in_flight_;
  std::atomic<uint64_t> remembered_{0};
};

}  // namespace bg::api
