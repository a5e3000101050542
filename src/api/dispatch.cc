// A request's way from the I/O thread to its answer (api/service.h): no
// step waits for a commit on the thread that runs it.
#include "api/dispatch.h"

#include <chrono>
#include <cstdio>
#include <future>

#include "api/handlers.h"
#include "api/problem.h"
#include "api/service.h"
#include "api/web_site.h"

namespace bg::api {
namespace {

bool SaneRequestId(const std::string& s) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.') {
      return false;
    }
  }
  return true;
}

}  // namespace

// Hears of a handler's command: on the writer, keeps what the answer needs
// (and, for an Idempotency-Key, makes the answer there and keeps it in the
// batch); once the batch is durable, has the answer built and sent.
class Service::FlightWaiter final : public engine::Waiter {
 public:
  FlightWaiter(Service* service, std::shared_ptr<Flight> flight, Capture capture)
      : service_(service), flight_(std::move(flight)), capture_(std::move(capture)) {}

  void Applied(const state::State& state, const state::CommandResult& result,
               std::vector<storage::KeptAnswer>* keep) override {
    build_ = capture_(state, result);
    if (!flight_->key) return;
    flight_->made = build_(result);
    made_ = true;
    if (flight_->made.status < 500) keep->push_back(service_->KeptFor(*flight_, flight_->made));
  }

  void Done(Result<state::CommandResult> result) override {
    if (!result.ok()) return service_->Finish(flight_, Unanswered(flight_->call, result.status()));
    if (made_) return service_->Finish(flight_, std::move(flight_->made));
    service_->Finish(flight_,
                     [build = std::move(build_), r = std::move(*result)] { return build(r); });
  }

 private:
  Service* service_;
  std::shared_ptr<Flight> flight_;
  Capture capture_;
  Build build_;
  bool made_ = false;
};

HttpResponse Service::Handle(const HttpRequest& request) {
  std::promise<HttpResponse> answer;
  std::future<HttpResponse> future = answer.get_future();
  Handle(request, [&answer](const HttpMake& make) { answer.set_value(make()); });
  return future.get();
}

void Service::Handle(HttpRequest request, HttpRespond respond) {
  auto f = std::make_shared<Flight>(std::move(request), std::move(respond));
  requests_in_flight_++;
  const Route* route = nullptr;
  if (std::optional<HttpResponse> refused = Prepare(*f, &route)) {
    return Settle(f, std::move(*refused));
  }
  if (f->request.method == "POST" && !f->request.Header("idempotency-key").empty()) {
    if (std::optional<HttpResponse> early = CheckKey(*f)) return Finish(f, std::move(*early));
  }
  Dispatch(f, route->handler(f->call));
}

std::optional<HttpResponse> Service::Prepare(Flight& f, const Route** route) {
  const HttpRequest& request = f.request;
  Call& call = f.call;
  const std::string given = request.Header("x-request-id");
  call.request_id = SaneRequestId(given) ? given : "r" + std::to_string(next_request_++);
  const std::string& id = call.request_id;
  std::string allow;
  *route = router_.Match(request.method, request.path, &call.params, &allow);
  f.stats = *route != nullptr ? route_stats_[static_cast<size_t>((*route)->id)]
                              : StatsFor(request.method + " (unmatched)");
  if (*route == nullptr && request.method == "GET" && options_.web != nullptr) {
    // Not the API's: the console's files and pages (api/web_site.h), public.
    if (std::optional<HttpResponse> page = options_.web->Answer(request.path)) {
      f.stats = StatsFor("GET (console)");
      return page;
    }
  }
  if (*route == nullptr) {
    if (allow.empty()) return Problem("unknown_route", "no route " + request.path, id);
    HttpResponse out = Problem(
        "method_not_allowed",
        request.method + " is not allowed on " + request.path + " (allowed: " + allow + ")", id);
    out.headers.push_back({"Allow", allow});
    return out;
  }
  const Route& r = **route;
  if (!r.public_route) {
    std::optional<Principal> who = Authenticate(request, &call.seen);
    if (!who) {
      return Problem("unauthenticated", "send 'Authorization: Bearer <token>' with a valid token",
                     id);
    }
    call.who = *who;
    // An expert reviewer reaches only the routes that name it: nothing of
    // the platform's parties, jobs or money. (The other roles' handlers
    // refuse in their own words; ApiTest.NoRoleBeyondARoutesDeclaredRoles-
    // Succeeds holds every route to its declared roles.)
    if (call.who.role == spec::Role::kExpert && !r.roles.Has(call.who.role)) {
      return Problem("forbidden",
                     std::string("a token of the ") + spec::RoleName(call.who.role) +
                         " role may not call " + r.method + " " + r.pattern,
                     id);
    }
  }
  if (const std::optional<std::string> unknown = r.Unknown(request.query)) {
    std::string takes;
    for (const std::string& q : r.query) takes += (takes.empty() ? "" : ", ") + q;
    return Problem("unknown_parameter",
                   "unknown query parameter '" + *unknown + "' (" + r.method + " " + r.pattern +
                       " takes " + (takes.empty() ? "none" : takes) + ")",
                   id);
  }
  const bool post = request.method == "POST";
  if (post && !request.body.empty()) {
    if (request.Header("content-type").rfind("application/json", 0) != 0) {
      return Problem("unsupported_media_type", "send the body as application/json", id);
    }
    std::string repeated;
    call.body = ParseBody(request.body, &repeated);
    if (!repeated.empty()) {
      return Problem("duplicate_key", "the key '" + repeated + "' appears twice in one object", id);
    }
    if (!call.body.is_object()) {
      return Problem("malformed_json",
                     call.body.is_discarded() ? "the body is not valid JSON (or not UTF-8)"
                                              : "the body must be a JSON object",
                     id);
    }
  }
  return std::nullopt;
}

void Service::Dispatch(const std::shared_ptr<Flight>& f, Answer answer) {
  if (answer.command) {
    engine_->Submit(std::move(*answer.command),
                    std::make_unique<FlightWaiter>(this, f, std::move(answer.capture)));
    return;
  }
  if ((f->key && answer.response.status < 500) || answer.rows) {
    // Kept with the next batch, which follows the state it was made from.
    storage::KeptAnswer kept;
    if (f->key && answer.response.status < 500) kept = KeptFor(*f, answer.response);
    engine_->Keep(
        std::move(kept), f->call.seen,
        [this, f, out = std::move(answer.response)](const Status& s) mutable {
          Finish(f, s.ok() ? std::move(out) : Unanswered(f->call, s));
        },
        answer.rows ? std::move(*answer.rows) : storage::NoticeRows{});
    return;
  }
  Settle(f, std::move(answer.response));
}

void Service::Settle(const std::shared_ptr<Flight>& f, HttpResponse out) {
  engine_->WhenDurable(f->call.seen, [this, f, out = std::move(out)](const Status& s) mutable {
    Finish(f, s.ok() ? std::move(out) : Unanswered(f->call, s));
  });
}

HttpResponse Service::Unanswered(const Call& call, const Status& why) {
  if (why.code() == StatusCode::kResourceExhausted) {
    HttpResponse out = Problem("overloaded", why.ToString(), call.request_id);
    out.headers.push_back({"Retry-After", "1"});
    return out;
  }
  if (why.code() == StatusCode::kUnavailable || why.code() == StatusCode::kAborted) {
    HttpResponse out = Problem("unavailable", why.ToString(), call.request_id);
    out.headers.push_back({"Retry-After", "1"});
    return out;
  }
  return Problem("internal", why.ToString(), call.request_id);
}

void Service::Finish(const std::shared_ptr<Flight>& f, HttpResponse out) {
  Finish(f, [out = std::move(out)]() mutable { return std::move(out); });
}

void Service::Finish(const std::shared_ptr<Flight>& f, HttpMake make) {
  if (f->key) ReleaseKey(*f);
  requests_in_flight_--;
  // Built, counted and logged on the connection's I/O thread.
  f->respond([this, f, make = std::move(make)] {
    HttpResponse out = make();
    out.headers.push_back({"X-Request-Id", f->call.request_id});
    const auto micros = static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(
                                                  std::chrono::steady_clock::now() - f->start)
                                                  .count());
    Record(f->stats, out.status, micros);
    if (options_.log_requests) {
      std::fprintf(stderr, "request_id=%s %s %s -> %d (%llu us)\n", f->call.request_id.c_str(),
                   f->request.method.c_str(), f->request.path.c_str(), out.status,
                   static_cast<unsigned long long>(micros));  // NOLINT(google-runtime-int)
    }
    return out;
  });
}

}  // namespace bg::api
