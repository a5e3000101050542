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
// A request's path (docs/design.md, "A request from socket to durable
// answer"): the I/O thread routes it, authenticates, parses the body and
// runs the handler, which reads the state as applied (without waiting for a
// commit) and returns an Answer: a response, or a command. A command goes
// to the engine's queue and the thread returns to its event loop; the
// answer is made on the writer right after the command is applied and sent
// when its batch is durable. A response waits until the state it read is
// durable. An answer to a request with an Idempotency-Key is kept in the
// same transaction as its batch (or in the next batch, when it changed
// nothing). When the engine's queue is full the answer is 503 with
// Retry-After.
//
// Thread-safety: Handle is called concurrently by the I/O threads; answers
// are sent from the engine's committer thread.
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
#include "notice/outbox.h"

namespace bg::api {

class WebSite;

struct ServiceOptions {
  bool log_requests = false;  // one line per request on stderr, with its id
  // The database the engine writes (a SQLite file or a postgresql:// URL),
  // for the routes that read the journal and the projections themselves
  // (POST /v1/audit/verify, journal entries, activity, a job's trail)
  // through a read-only store of their own (storage/open.h); empty: those
  // routes answer unavailable.
  std::string db = {};
  // The webhook outbox, for how each webhook's deliveries stand
  // (GET /v1/webhooks); null: no outbox runs (nothing is delivered).
  const notice::Outbox* outbox = nullptr;
  // The web console's files, served at `/` (api/web_site.h); null: none.
  const WebSite* web = nullptr;
};

class Service {
 public:
  Service(engine::Engine* engine, const Clock* clock, ServiceOptions options = {});

  // Answers `request` through `respond`, once, from whichever thread the
  // answer becomes ready on.
  void Handle(HttpRequest request, HttpRespond respond);
  // The same, waiting for the answer (tests, in-process callers).
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
  // Requests taken and not yet answered.
  int64_t requests_in_flight() const { return requests_in_flight_.load(); }
  const Clock& clock() const { return *clock_; }

 private:
  struct Flight;
  class FlightWaiter;

  struct RouteStats {
    std::atomic<uint64_t> by_class[6] = {};  // 1xx..5xx (index = status / 100)
    std::atomic<uint64_t> buckets[9] = {};   // latency histogram
    std::atomic<uint64_t> sum_us{0};
  };

  // A route's handler: one member function per row of the route table.
  using Handler = Answer (Service::*)(Call&);
  // routes.cc: a switch over RouteId without a default, so that a route
  // added to the table without its handler does not compile.
  static Handler HandlerOf(spec::RouteId id);
  void AddRoutes();

  // The handlers, named as their RouteIds, by file. service.cc:
  Answer Healthz(Call& c);
  Answer Metrics(Call& c);
  Answer OpenApiDocument(Call& c);
  // routes_registry.cc
  Answer ListJurisdictions(Call& c);
  Answer ListProgrammes(Call& c);
  Answer GetProgramme(Call& c);
  Answer ListProviders(Call& c);
  Answer ListEnterprises(Call& c);
  Answer ListSites(Call& c);
  Answer ListFacilities(Call& c);
  Answer GetFacility(Call& c);
  Answer RegisterFacility(Call& c);
  Answer BookFacility(Call& c);
  Answer ListBookings(Call& c);
  Answer GetBooking(Call& c);
  Answer CheckIn(Call& c);
  Answer CheckOut(Call& c);
  Answer CancelBooking(Call& c);
  // routes_rounds.cc
  Answer ListRounds(Call& c);
  Answer GetRound(Call& c);
  Answer OpenCall(Call& c);
  Answer AssignRound(Call& c);
  Answer AllocateRound(Call& c);
  Answer CloseRoundStep(Call& c, facility::RoundStep step);
  Answer SubmitProposal(Call& c);
  Answer ListProposals(Call& c);
  Answer GetProposal(Call& c);
  Answer ScreenProposal(Call& c);
  Answer ScoreProposal(Call& c);
  Answer ReportOutputs(Call& c);
  Answer RegisterReviewer(Call& c);
  Answer ListReviewers(Call& c);
  Answer RecordTraining(Call& c);
  Answer ListTrainings(Call& c);
  Answer ListPools(Call& c);
  Answer CreateProgramme(Call& c);
  // routes_activity.cc
  Answer ListActivity(Call& c);
  // routes_trail.cc
  Answer GetVoucher(Call& c);
  Answer JobTrail(Call& c);
  Answer GetJournalEntry(Call& c);
  // routes_notices.cc
  Answer ListNotices(Call& c);
  Answer ReadNotices(Call& c);
  Answer ListWebhooks(Call& c);
  Answer SetWebhook(Call& c);
  Answer RemoveWebhook(Call& c);
  // routes_money.cc
  Answer EnterpriseMoney(Call& c);
  Answer ProviderMoney(Call& c);
  // routes_programmes.cc
  Answer ProgrammePacing(Call& c);
  Answer AmendProgramme(Call& c);
  Answer TopUpProgramme(Call& c);
  Answer CutProgramme(Call& c);
  Answer SuspendProgramme(Call& c);
  Answer ResumeProgramme(Call& c);
  Answer CloseProgramme(Call& c);
  Answer ListProgrammeProvider(Call& c);
  Answer ChangeProgrammeAnswer(Call& c, programme::ProgrammeAction action);
  // routes_preview.cc
  Answer PreviewProgramme(Call& c);
  // routes_applications.cc
  Answer FileApplication(Call& c);
  Answer ReviewApplication(Call& c);
  Answer GetApplication(Call& c);
  Answer ListApplications(Call& c);
  Answer ReviewApplications(Call& c);
  Answer ListVouchers(Call& c);
  // routes_jobs.cc
  Answer Quote(Call& c);
  Answer SubmitJob(Call& c);
  Answer ListJobs(Call& c);
  Answer GetJob(Call& c);
  Answer ExplainJob(Call& c);
  Answer CancelJob(Call& c);
  Answer ExtendJob(Call& c);
  Answer Schedule(Call& c);
  // routes_provider.cc
  Answer RegisterKey(Call& c);
  Answer ListPlacements(Call& c);
  Answer FinishJob(Call& c);
  Answer ReportUsage(Call& c);
  Answer PricePool(Call& c);
  Answer OfferPool(Call& c);
  // routes_settlement.cc
  Answer GetStatements(Call& c);
  Answer StatementLines(Call& c);
  Answer CloseStatements(Call& c);
  Answer ApproveStatements(Call& c);
  Answer PayStatements(Call& c);
  Answer ListFlows(Call& c);
  Answer ListCases(Call& c);
  Answer ScanForFraud(Call& c);
  Answer VerifyJournal(Call& c);
  Answer CloseCase(Call& c);
  // routes_admin.cc
  Answer CreateToken(Call& c);
  Answer RevokeToken(Call& c);
  Answer ListTokens(Call& c);
  Answer Me(Call& c);
  Answer RotateToken(Call& c);
  // routes_controls.cc
  Answer RegisterEnterprise(Call& c);
  Answer RevokeVoucher(Call& c);
  Answer ClawBackClaim(Call& c);
  Answer Blacklist(Call& c);
  Answer ExpireVouchers(Call& c);
  // routes_network.cc
  Answer RegisterJurisdiction(Call& c);
  Answer RegisterProvider(Call& c);
  Answer RegisterSite(Call& c);
  Answer SetLink(Call& c);
  Answer AddPool(Call& c);
  // routes_claims.cc
  Answer RedeemClaim(Call& c);
  Answer CaptureClaim(Call& c);
  Answer VoidClaim(Call& c);
  Answer ListClaims(Call& c);
  Answer GetClaim(Call& c);
  Answer ClawBackJob(Call& c);

  // dispatch.cc: the request's way through (see the header paragraph).
  // The answer to what is wrong before a handler runs, if anything; sets
  // *route otherwise.
  std::optional<HttpResponse> Prepare(Flight& f, const Route** route);
  void Dispatch(const std::shared_ptr<Flight>& f, Answer answer);
  // Sends `out` once the state the handler read is durable.
  void Settle(const std::shared_ptr<Flight>& f, HttpResponse out);
  // The last step of every request: the key is released, and on the I/O
  // thread the answer is made, counted, logged and sent.
  void Finish(const std::shared_ptr<Flight>& f, HttpResponse out);
  void Finish(const std::shared_ptr<Flight>& f, HttpMake make);
  // The answer when the engine could not run or keep what was asked.
  static HttpResponse Unanswered(const Call& call, const Status& why);

  // `seen` moves to the state the token was read from, if it was read.
  std::optional<Principal> Authenticate(const HttpRequest& request, engine::Seen* seen);
  // After a token is revoked: no cached principal outlives it.
  void ForgetTokens();
  // A read whose answer depends on the state only (not on who asks): kept
  // while no batch has been committed since, keyed by the request target.
  // `variant`: what else the answer depends on (the caller's scope, when
  // the handler narrowed the query to it).
  HttpResponse CachedRead(Call& call, const std::function<HttpResponse()>& build,
                          const std::string& variant = "");
  // idempotency.cc. Before the handler runs: the first answer again, a
  // refusal, or nothing (the handler runs; the key is then in flight).
  std::optional<HttpResponse> CheckKey(Flight& f);
  storage::KeptAnswer KeptFor(const Flight& f, const HttpResponse& answer) const;
  void ReleaseKey(const Flight& f);
  std::string MetricsText(Call& c);
  // GET /v1/providers/{id}/money as the state stands (ProviderMoney keeps it).
  HttpResponse ProviderMoneyNow(Call& c, uint64_t id);
  // The jobs of an enterprise's bill for a month, archived ones included
  // (routes_money.cc).
  Result<std::map<OrderId, scheduler::Job>> BillJobs(Call& c, EnterpriseId e,
                                                     const settlement::Period& month);
  RouteStats* StatsFor(const std::string& route);
  static void Record(RouteStats* stats, int status, uint64_t micros);

  engine::Engine* engine_;
  const Clock* clock_;
  ServiceOptions options_;
  Router router_;
  std::atomic<uint64_t> next_request_{1};
  std::atomic<int64_t> requests_in_flight_{0};
  // Per-route counters and latency histograms (by route pattern).
  Mutex stats_mu_;
  std::map<std::string, std::unique_ptr<RouteStats>> stats_ BG_GUARDED_BY(stats_mu_);
  // Each route's entry of stats_, by RouteId, found once (AddRoutes).
  std::vector<RouteStats*> route_stats_;
  // Answers of reads, by target, with the state they were read from.
  Mutex cache_mu_;
  std::map<std::string, std::pair<engine::Seen, HttpResponse>> read_cache_ BG_GUARDED_BY(cache_mu_);
  // Known tokens (token hash -> who); a revocation clears them and moves
  // the generation.
  Mutex token_mu_;
  std::map<Hash256, Principal> token_cache_ BG_GUARDED_BY(token_mu_);
  std::atomic<uint64_t> token_generation_{0};
  // Idempotency keys (idempotency.cc): the (caller, key)s whose request
  // runs now; their answers are kept by the engine's store.
  Mutex idem_mu_;
  std::set<std::pair<std::string, std::string>> in_flight_ BG_GUARDED_BY(idem_mu_);
  std::atomic<uint64_t> remembered_{0};
};

}  // namespace bg::api
