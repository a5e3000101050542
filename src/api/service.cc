#include "api/service.h"

#include <chrono>
#include <cstdio>

#include <sodium.h>

#include "api/handlers.h"
#include "api/problem.h"
#include "common/check.h"

namespace bg::api {
namespace {

constexpr uint64_t kBucketsUs[] = {500, 1'000, 2'500, 5'000, 10'000, 25'000, 100'000, 1'000'000};

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

std::optional<size_t> PageLimit(const Call& c, HttpResponse* fail) {
  auto it = c.request.query.find("limit");
  if (it == c.request.query.end()) return size_t{100};
  // Digits only: strtoull would also take " 5", "+5" and "-0".
  const std::string& s = it->second;
  size_t limit = 0;
  bool digits = !s.empty() && s.size() <= 4;
  for (char ch : s) {
    digits = digits && ch >= '0' && ch <= '9';
    if (digits) limit = limit * 10 + static_cast<size_t>(ch - '0');
  }
  if (!digits || limit == 0 || limit > 1000) {
    *fail = Fail(c, "invalid_field", "limit must be 1 to 1000");
    return std::nullopt;
  }
  return limit;
}

std::optional<uint64_t> PathId(const Call& c, const char* name) {
  auto it = c.params.find(name);
  if (it == c.params.end()) return std::nullopt;
  const std::string& s = it->second;
  if (s.empty() || s.size() > 17) return std::nullopt;
  uint64_t v = 0;
  for (char ch : s) {
    if (ch < '0' || ch > '9') return std::nullopt;
    v = v * 10 + static_cast<uint64_t>(ch - '0');
  }
  if (v == 0 || v >= (uint64_t{1} << 54)) return std::nullopt;
  return v;
}

std::optional<uint64_t> QueryId(const Call& c, const char* name, bool* bad) {
  auto it = c.request.query.find(name);
  if (it == c.request.query.end()) return std::nullopt;
  Call probe{c.request, {{name, it->second}}, c.request_id, c.who, {}};
  std::optional<uint64_t> v = PathId(probe, name);
  if (!v) *bad = true;
  return v;
}

std::optional<state::CommandResult> Execute(engine::Engine& e, state::CommandBody body,
                                            const Call& c, HttpResponse* fail) {
  Result<state::CommandResult> r = e.Execute(std::move(body));
  if (!r.ok()) {
    *fail = Fail(c, r.status().code() == StatusCode::kUnavailable ? "unavailable" : "internal",
                 r.status().ToString());
    return std::nullopt;
  }
  return std::move(*r);
}

Service::Service(engine::Engine* engine, const Clock* clock, ServiceOptions options)
    : engine_(engine), clock_(clock), options_(std::move(options)) {
  keys_ = options_.idempotency;
  if (keys_ == nullptr) {
    auto own = storage::IdempotencyStore::Open("");
    BG_CHECK(own.ok());  // an in-memory database: only out of memory fails it
    own_keys_ = std::move(*own);
    keys_ = own_keys_.get();
  }
  AddRoutes();
}

std::pair<std::string, Hash256> Service::NewToken() {
  std::array<uint8_t, 32> secret{};
  randombytes_buf(secret.data(), secret.size());
  std::string token = "bg_" + ToHex(secret);
  return {token, TokenHash(token)};
}

Hash256 Service::TokenHash(const std::string& token) {
  return HashBytes(std::span(reinterpret_cast<const uint8_t*>(token.data()), token.size()));
}

std::optional<Principal> Service::Authenticate(const HttpRequest& request) {
  const std::string auth = request.Header("authorization");
  if (auth.rfind("Bearer ", 0) != 0 || auth.size() > 200) return std::nullopt;
  const Hash256 hash = TokenHash(auth.substr(7));
  // Known tokens are cached: Engine::Read waits for the batches in flight
  // to be durable, which under a write load would make every request wait
  // for a commit before its own work. A revocation clears the cache and
  // moves the generation, so a lookup that read the state before the
  // revocation cannot put the token back.
  const uint64_t generation = token_generation_.load();
  {
    ReaderMutexLock lock(&token_mu_);
    if (auto it = token_cache_.find(hash); it != token_cache_.end()) return it->second;
  }
  std::optional<Principal> who =
      engine_->Read([&](const state::State& s) -> std::optional<Principal> {
        const access::ApiToken* t = s.tokens().FindByHash(hash);
        if (t == nullptr) return std::nullopt;
        return Principal{static_cast<Role>(t->role), t->scope, t->name};
      });
  if (who) {
    MutexLock lock(&token_mu_);
    if (token_generation_.load() == generation) {
      if (token_cache_.size() >= 10'000) token_cache_.clear();  // a bound, not a policy
      token_cache_.emplace(hash, *who);
    }
  }
  return who;
}

void Service::ForgetTokens() {
  MutexLock lock(&token_mu_);
  ++token_generation_;
  token_cache_.clear();
}

HttpResponse Service::Refuse(int status, const std::string& detail) {
  const std::string id = "r" + std::to_string(next_request_++);
  const std::string code = status == 413   ? "body_too_large"
                           : status == 431 ? "headers_too_large"
                           : status == 408 ? "request_timeout"
                           : status == 503 ? "unavailable"
                                           : "bad_request";
  return Problem(code, detail, id);
}

HttpResponse Service::Handle(const HttpRequest& request) {
  const auto start = std::chrono::steady_clock::now();
  const std::string given = request.Header("x-request-id");
  const std::string id = SaneRequestId(given) ? given : "r" + std::to_string(next_request_++);
  std::map<std::string, std::string> params;
  std::string allow;
  const Route* route = router_.Match(request.method, request.path, &params, &allow);
  std::string pattern = route != nullptr ? route->pattern : "(unmatched)";
  HttpResponse out;
  if (route == nullptr) {
    out = allow.empty() ? Problem("unknown_route", "no route " + request.path, id)
                        : Problem("method_not_allowed",
                                  request.method + " is not allowed on " + request.path +
                                      " (allowed: " + allow + ")",
                                  id);
    if (!allow.empty()) out.headers.push_back({"Allow", allow});
  } else {
    Call call{request, std::move(params), id, Principal{}, Json::object()};
    std::optional<Principal> who;
    if (!route->public_route) who = Authenticate(request);
    if (!route->public_route && !who) {
      out =
          Problem("unauthenticated", "send 'Authorization: Bearer <token>' with a valid token", id);
    } else {
      if (who) call.who = *who;
      const bool post = request.method == "POST";
      const std::string type = request.Header("content-type");
      std::string repeated;
      if (const std::optional<std::string> unknown = route->Unknown(request.query)) {
        std::string takes;
        for (const std::string& q : route->query) takes += (takes.empty() ? "" : ", ") + q;
        out = Problem("unknown_parameter",
                      "unknown query parameter '" + *unknown + "' (" + route->method + " " +
                          route->pattern + " takes " + (takes.empty() ? "none" : takes) + ")",
                      id);
      } else if (post && !request.body.empty() && type.rfind("application/json", 0) != 0) {
        out = Problem("unsupported_media_type", "send the body as application/json", id);
      } else if (post && !request.body.empty() &&
                 !(call.body = ParseBody(request.body, &repeated)).is_object()) {
        out = !repeated.empty()
                  ? Problem("duplicate_key",
                            "the key '" + repeated + "' appears twice in one object", id)
                  : Problem("malformed_json",
                            call.body.is_discarded() ? "the body is not valid JSON (or not UTF-8)"
                                                     : "the body must be a JSON object",
                            id);
      } else {
        const std::string key = request.Header("idempotency-key");
        if (post && !key.empty()) {
          out = Idempotent(call, key, [&] { return route->handler(call); });
        } else {
          out = route->handler(call);
        }
      }
    }
  }
  out.headers.push_back({"X-Request-Id", id});
  const auto micros = static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(
                                                std::chrono::steady_clock::now() - start)
                                                .count());
  Record(request.method + " " + pattern, out.status, micros);
  if (options_.log_requests) {
    std::fprintf(stderr, "request_id=%s %s %s -> %d (%llu us)\n", id.c_str(),
                 request.method.c_str(), request.path.c_str(), out.status,
                 static_cast<unsigned long long>(micros));  // NOLINT(google-runtime-int)
  }
  return out;
}

HttpResponse Service::CachedRead(const Call& call, const std::function<HttpResponse()>& build) {
  // The seq is read before the state: an entry is never older than its label.
  const uint64_t seq = engine_->last_seq();
  {
    MutexLock lock(&cache_mu_);
    auto it = read_cache_.find(call.request.target);
    if (it != read_cache_.end() && it->second.first == seq) return it->second.second;
  }
  HttpResponse out = build();
  if (out.status == 200) {
    MutexLock lock(&cache_mu_);
    if (read_cache_.size() > 1'000) read_cache_.clear();  // a bound: targets vary with paging
    read_cache_[call.request.target] = {seq, out};
  }
  return out;
}

void Service::Record(const std::string& route, int status, uint64_t micros) {
  RouteStats* s = nullptr;
  {
    MutexLock lock(&stats_mu_);
    std::unique_ptr<RouteStats>& slot = stats_[route];
    if (!slot) slot = std::make_unique<RouteStats>();
    s = slot.get();
  }
  s->by_class[std::clamp(status / 100, 0, 5)]++;
  size_t b = 0;
  while (b < std::size(kBucketsUs) && micros > kBucketsUs[b]) ++b;
  s->buckets[b]++;
  s->sum_us += micros;
}

std::string Service::MetricsText() {
  std::string out =
      "# HELP baygrid_http_requests_total Requests by route and status class.\n"
      "# TYPE baygrid_http_requests_total counter\n";
  std::string hist =
      "# HELP baygrid_http_request_seconds Request latency by route.\n"
      "# TYPE baygrid_http_request_seconds histogram\n";
  {
    MutexLock lock(&stats_mu_);
    for (const auto& [route, s] : stats_) {
      uint64_t count = 0;
      for (int c = 1; c <= 5; ++c) {
        const uint64_t n = s->by_class[c].load();
        count += n;
        if (n == 0) continue;
        out += "baygrid_http_requests_total{route=\"" + route + "\",code=\"" + std::to_string(c) +
               "xx\"} " + std::to_string(n) + "\n";
      }
      uint64_t cumulative = 0;
      for (size_t b = 0; b <= std::size(kBucketsUs); ++b) {
        cumulative += s->buckets[b].load();
        const std::string le = b < std::size(kBucketsUs)
                                   ? std::to_string(static_cast<double>(kBucketsUs[b]) / 1e6)
                                   : "+Inf";
        hist += "baygrid_http_request_seconds_bucket{route=\"";
        hist += route;
        hist += "\",le=\"" + le + "\"} " + std::to_string(cumulative) + "\n";
      }
      hist += "baygrid_http_request_seconds_sum{route=\"" + route + "\"} " +
              std::to_string(static_cast<double>(s->sum_us.load()) / 1e6) + "\n";
      hist += "baygrid_http_request_seconds_count{route=\"" + route + "\"} " +
              std::to_string(count) + "\n";
    }
  }
  const engine::EngineStats e = engine_->stats();
  out += hist;
  out += "# TYPE baygrid_engine_batches_total counter\nbaygrid_engine_batches_total " +
         std::to_string(e.batches) + "\n";
  out += "# TYPE baygrid_engine_commands_total counter\nbaygrid_engine_commands_total " +
         std::to_string(e.commands) + "\n";
  out +=
      "# TYPE baygrid_engine_commit_seconds_total counter\nbaygrid_engine_commit_seconds_total " +
      std::to_string(static_cast<double>(e.commit_ns) / 1e9) + "\n";
  out +=
      "# HELP baygrid_engine_batch_size Mean commands per batch.\n"
      "# TYPE baygrid_engine_batch_size gauge\nbaygrid_engine_batch_size " +
      std::to_string(
          e.batches == 0 ? 0.0 : static_cast<double>(e.commands) / static_cast<double>(e.batches)) +
      "\n";
  out += engine_->Read([](const state::State& s) {
    int64_t held = 0;
    int64_t charged = 0;
    for (const auto& [id, j] : s.scheduler().jobs()) charged += j.charged.fen();
    for (const auto& [id, claim] : s.book().claims()) {
      if (claim.status != programme::ClaimStatus::kHeld) continue;
      for (const auto& h : claim.holds) held += h.amount.fen() - h.posted.fen();
    }
    return "# TYPE baygrid_queue_length gauge\nbaygrid_queue_length " +
           std::to_string(s.scheduler().queue().size()) +
           "\n# TYPE baygrid_money_held_fen gauge\nbaygrid_money_held_fen " + std::to_string(held) +
           "\n# TYPE baygrid_money_charged_fen counter\nbaygrid_money_charged_fen " +
           std::to_string(charged) + "\n";
  });
  return out;
}

HttpResponse Service::Healthz(Call&) { return Reply({{"status", "ok"}}); }

HttpResponse Service::Metrics(Call&) {
  HttpResponse r;
  r.content_type = "text/plain; version=0.0.4";
  r.body = MetricsText();
  return r;
}

HttpResponse Service::OpenApiDocument(Call&) { return Reply(OpenApi()); }

}  // namespace bg::api
