// The HTTP API (JSON REST under /v1): routes for everything the core does,
// authentication by bearer tokens and roles, idempotency keys, request
// ids, Prometheus metrics and the OpenAPI document. The routes are the rows
// of the route table (api/spec/routes.h); the service gives each its
// handler. Handlers translate a request into engine commands or reads and
// the answer into JSON; the domains below never see HTTP or JSON.
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
#include <set>
#include <string>

#include "api/http.h"
#include "api/json.h"
#include "api/router.h"
#include "common/mutex.h"
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
  // The OpenAPI 3 document (openapi.cc), generated from the route table.
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

  // A route's handler: one member function per row of the route table.
  using Handler = HttpResponse (Service::*)(Call&);
  // routes.cc: a switch over RouteId without a default, so that a route
  // added to the table without its handler does not compile.
  static Handler HandlerOf(spec::RouteId id);
  void AddRoutes();

  // The handlers, named as their RouteIds, by file. service.cc:
  HttpResponse Healthz(Call& c);
  HttpResponse Metrics(Call& c);
  HttpResponse OpenApiDocument(Call& c);
  // routes_registry.cc
  HttpResponse ListJurisdictions(Call& c);
  HttpResponse ListProgrammes(Call& c);
  HttpResponse GetProgramme(Call& c);
  HttpResponse ListProviders(Call& c);
  HttpResponse ListEnterprises(Call& c);
  HttpResponse ListSites(Call& c);
  HttpResponse ListPools(Call& c);
  HttpResponse CreateProgramme(Call& c);
  // routes_applications.cc
  HttpResponse FileApplication(Call& c);
  HttpResponse ReviewApplication(Call& c);
  HttpResponse GetApplication(Call& c);
  HttpResponse ListVouchers(Call& c);
  // routes_jobs.cc
  HttpResponse Quote(Call& c);
  HttpResponse SubmitJob(Call& c);
  HttpResponse ListJobs(Call& c);
  HttpResponse GetJob(Call& c);
  HttpResponse ExplainJob(Call& c);
  HttpResponse CancelJob(Call& c);
  HttpResponse ExtendJob(Call& c);
  HttpResponse Schedule(Call& c);
  // routes_provider.cc
  HttpResponse RegisterKey(Call& c);
  HttpResponse ListPlacements(Call& c);
  HttpResponse FinishJob(Call& c);
  HttpResponse ReportUsage(Call& c);
  HttpResponse PricePool(Call& c);
  HttpResponse OfferPool(Call& c);
  // routes_settlement.cc
  HttpResponse GetStatements(Call& c);
  HttpResponse CloseStatements(Call& c);
  HttpResponse ListFlows(Call& c);
  HttpResponse ListCases(Call& c);
  HttpResponse ScanForFraud(Call& c);
  HttpResponse VerifyJournal(Call& c);
  HttpResponse CloseCase(Call& c);
  // routes_admin.cc
  HttpResponse CreateToken(Call& c);
  HttpResponse RevokeToken(Call& c);
  // routes_controls.cc
  HttpResponse RegisterEnterprise(Call& c);
  HttpResponse RevokeVoucher(Call& c);
  HttpResponse ClawBackClaim(Call& c);
  HttpResponse Blacklist(Call& c);
  HttpResponse ExpireVouchers(Call& c);
  // routes_network.cc
  HttpResponse RegisterJurisdiction(Call& c);
  HttpResponse RegisterProvider(Call& c);
  HttpResponse RegisterSite(Call& c);
  HttpResponse SetLink(Call& c);
  HttpResponse AddPool(Call& c);
  // routes_claims.cc
  HttpResponse RedeemClaim(Call& c);
  HttpResponse CaptureClaim(Call& c);
  HttpResponse VoidClaim(Call& c);
  HttpResponse ListClaims(Call& c);
  HttpResponse GetClaim(Call& c);
  HttpResponse ClawBackJob(Call& c);

  std::optional<Principal> Authenticate(const HttpRequest& request);
  // After a token is revoked: no cached principal outlives it.
  void ForgetTokens();
  // A read whose answer depends on the state only (not on who asks): kept
  // while no batch has been committed since, keyed by the request target.
  HttpResponse CachedRead(const Call& call, const std::function<HttpResponse()>& build);
  HttpResponse Idempotent(const Call& call, const std::string& key,
                          const std::function<HttpResponse()>& run);
  std::string MetricsText();
  void Record(const std::string& route, int status, uint64_t micros);

  engine::Engine* engine_;
  const Clock* clock_;
  ServiceOptions options_;
  Router router_;
  std::atomic<uint64_t> next_request_{1};
  // Per-route counters and latency histograms (by route pattern).
  Mutex stats_mu_;
  std::map<std::string, std::unique_ptr<RouteStats>> stats_ BG_GUARDED_BY(stats_mu_);
  // Answers of reads, by target, with the seq they were read at.
  Mutex cache_mu_;
  std::map<std::string, std::pair<uint64_t, HttpResponse>> read_cache_ BG_GUARDED_BY(cache_mu_);
  // Known tokens (token hash -> who); a revocation clears them and moves
  // the generation.
  Mutex token_mu_;
  std::map<Hash256, Principal> token_cache_ BG_GUARDED_BY(token_mu_);
  std::atomic<uint64_t> token_generation_{0};
  // Idempotency keys (idempotency.cc): the answers, in the options' store
  // or one of our own in memory; the (caller, key)s whose request runs now.
  std::unique_ptr<storage::IdempotencyStore> own_keys_;
  storage::IdempotencyStore* keys_ = nullptr;
  Mutex idem_mu_;
  std::set<std::pair<std::string, std::string>> in_flight_ BG_GUARDED_BY(idem_mu_);
  std::atomic<uint64_t> remembered_{0};
};

}  // namespace bg::api
