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

// A Prometheus histogram from per-bucket counts (the last above the last
// bound).
std::string Histogram(const std::string& name, const std::string& help,
                      std::span<const uint64_t> bounds, std::span<const uint64_t> counts,
                      uint64_t sum) {
  std::string out = "# HELP " + name + " " + help + "\n# TYPE " + name + " histogram\n";
  uint64_t cumulative = 0;
  for (size_t b = 0; b < counts.size(); ++b) {
    cumulative += counts[b];
    const std::string le = b < bounds.size() ? std::to_string(bounds[b]) : "+Inf";
    out.append(name).append("_bucket{le=\"").append(le).append("\"} ");
    out.append(std::to_string(cumulative)).append("\n");
  }
  out.append(name).append("_sum ").append(std::to_string(sum)).append("\n");
  out.append(name).append("_count ").append(std::to_string(cumulative)).append("\n");
  return out;
}

std::string Counter(const std::string& name, const std::string& help, const std::string& value,
                    const char* type = "counter") {
  return "# HELP " + name + " " + help + "\n# TYPE " + name + " " + type + "\n" + name + " " +
         value + "\n";
}

std::string EngineMetrics(const engine::EngineStats& e) {
  std::string out;
  out += Counter("baygrid_engine_batches_total", "Batches committed or failed.",
                 std::to_string(e.batches));
  out += Counter("baygrid_engine_commands_total", "Commands in those batches.",
                 std::to_string(e.commands));
  out += Counter("baygrid_engine_commit_seconds_total", "Time in the store's commit.",
                 std::to_string(static_cast<double>(e.commit_ns) / 1e9));
  out += Counter("baygrid_engine_refused_total",
                 "Commands and answers refused because the queue was full (503).",
                 std::to_string(e.refused));
  out += Counter("baygrid_engine_kept_answers_total",
                 "Answers kept for idempotency keys, committed with their batches.",
                 std::to_string(e.kept_answers));
  out += Counter(
      "baygrid_engine_batch_size", "Mean commands per batch.",
      std::to_string(
          e.batches == 0 ? 0.0 : static_cast<double>(e.commands) / static_cast<double>(e.batches)),
      "gauge");
  out += Histogram("baygrid_engine_batch_commands", "Commands per committed batch.",
                   engine::kBatchSizeBounds, e.batch_sizes, e.batch_size_sum);
  out += Histogram("baygrid_engine_queue_depth",
                   "Commands waiting for the writer each time it took a batch.",
                   engine::kQueueDepthBounds, e.queue_depths, e.queue_depth_sum);
  out += Histogram("baygrid_engine_apply_micros", "Microseconds the writer took to apply a batch.",
                   engine::kLatencyMicrosBounds, e.apply_micros, e.apply_ns / 1000);
  out += Histogram("baygrid_engine_commit_micros",
                   "Microseconds a batch's commit took (the durability point).",
                   engine::kLatencyMicrosBounds, e.commit_micros, e.commit_ns / 1000);
  return out;
}

// The store's gauges: only what the store knows (a SQLite file has no
// lease and no standbys).
std::string StoreMetrics(const storage::StoreHealth& h) {
  std::string out;
  if (h.lease_epoch != 0) {
    out += Counter("baygrid_store_lease_epoch",
                   "The writer lease's epoch this server writes under (PostgreSQL).",
                   std::to_string(h.lease_epoch), "gauge");
  }
  if (h.standbys >= 0) {
    out += Counter("baygrid_store_standbys", "PostgreSQL standbys streaming from the primary.",
                   std::to_string(h.standbys), "gauge");
    out += Counter("baygrid_store_sync_standbys",
                   "Of those, synchronous ones: 0 means commits wait (synchronous_mode_strict).",
                   std::to_string(h.sync_standbys), "gauge");
    out += Counter("baygrid_store_replication_lag_bytes",
                   "WAL bytes the furthest-behind standby has still to replay.",
                   std::to_string(h.replication_lag_bytes), "gauge");
  }
  return out;
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

Service::Service(engine::Engine* engine, const Clock* clock, ServiceOptions options)
    : engine_(engine), clock_(clock), options_(std::move(options)) {
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

std::optional<Principal> Service::Authenticate(const HttpRequest& request, engine::Seen* seen) {
  const std::string auth = request.Header("authorization");
  if (auth.rfind("Bearer ", 0) != 0 || auth.size() > 200) return std::nullopt;
  const Hash256 hash = TokenHash(auth.substr(7));
  // Known tokens are cached: a lookup takes the state's read lock, which
  // the writer holds while it applies a batch. A revocation clears the cache and
  // moves the generation, so a lookup that read the state before the
  // revocation cannot put the token back.
  const uint64_t generation = token_generation_.load();
  // An expired token is refused like an unknown one, cached or not.
  const Timestamp now = clock_->Now();
  {
    ReaderMutexLock lock(&token_mu_);
    if (auto it = token_cache_.find(hash); it != token_cache_.end()) {
      if (it->second.expires_at != 0 && now >= it->second.expires_at) return std::nullopt;
      return it->second;
    }
  }
  auto [who, at] = engine_->ReadApplied([&](const state::State& s) -> std::optional<Principal> {
    const access::ApiToken* t = s.tokens().FindByHash(hash);
    if (t == nullptr || !t->LiveAt(now)) return std::nullopt;
    return Principal{static_cast<Role>(t->role), t->scope, t->name, t->stage, t->expires_at};
  });
  // A token not yet durable counts for this request only once it is (the
  // answer waits), and is cached only then.
  if (at.seq > engine_->durable().seq) {
    *seen = at;
    return who;
  }
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

HttpResponse Service::CachedRead(Call& call, const std::function<HttpResponse()>& build,
                                 const std::string& variant) {
  const std::string key =
      variant.empty() ? call.request.target : call.request.target + '\n' + variant;
  // An entry serves while nothing was applied since it was read; the
  // answer then waits for what it was read from to be durable.
  const engine::Seen now = engine_->applied();
  {
    MutexLock lock(&cache_mu_);
    auto it = read_cache_.find(key);
    if (it != read_cache_.end() && it->second.first.seq == now.seq &&
        it->second.first.generation == now.generation) {
      Saw(call, it->second.first);
      return it->second.second;
    }
  }
  // The entry is labelled with what `build` read, not with what the call
  // saw before (its token); the call waits for both.
  const engine::Seen before = call.seen;
  call.seen = {};
  HttpResponse out = build();
  if (out.status == 200) {
    MutexLock lock(&cache_mu_);
    if (read_cache_.size() > 1'000) read_cache_.clear();  // a bound: targets vary with paging
    read_cache_[key] = {call.seen, out};
  }
  Saw(call, before);
  return out;
}

Service::RouteStats* Service::StatsFor(const std::string& route) {
  MutexLock lock(&stats_mu_);
  std::unique_ptr<RouteStats>& slot = stats_[route];
  if (!slot) slot = std::make_unique<RouteStats>();
  return slot.get();
}

void Service::Record(RouteStats* s, int status, uint64_t micros) {
  s->by_class[std::clamp(status / 100, 0, 5)]++;
  size_t b = 0;
  while (b < std::size(kBucketsUs) && micros > kBucketsUs[b]) ++b;
  s->buckets[b]++;
  s->sum_us += micros;
}

std::string Service::MetricsText(Call& call) {
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
  out += Counter("baygrid_http_requests_in_flight", "Requests taken and not yet answered.",
                 std::to_string(requests_in_flight_.load()), "gauge");
  out += EngineMetrics(e);
  out += StoreMetrics(engine_->store().Health());
  // Running totals the state keeps: a scrape costs the same after a year.
  out += Look(*engine_, call, [](const state::State& s) {
    const int64_t held = s.book().held_total().fen();
    const int64_t charged = s.scheduler().charged_total().fen();
    return "# TYPE baygrid_queue_length gauge\nbaygrid_queue_length " +
           std::to_string(s.scheduler().queue().size()) +
           "\n# TYPE baygrid_money_held_fen gauge\nbaygrid_money_held_fen " + std::to_string(held) +
           "\n# TYPE baygrid_money_charged_fen counter\nbaygrid_money_charged_fen " +
           std::to_string(charged) + "\n";
  });
  return out;
}

Answer Service::Healthz(Call&) { return Reply({{"status", "ok"}}); }

Answer Service::Metrics(Call& c) {
  HttpResponse r;
  r.content_type = "text/plain; version=0.0.4";
  r.body = MetricsText(c);
  return r;
}

Answer Service::OpenApiDocument(Call&) { return Reply(OpenApi()); }

}  // namespace bg::api
