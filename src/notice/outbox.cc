#include "notice/outbox.h"

#include <algorithm>

#include "common/hash.h"

namespace bg::notice {

nlohmann::json NoticeJson(const storage::NoticeRow& row, bool with_read) {
  nlohmann::json out = nlohmann::json::parse(row.body, nullptr, /*allow_exceptions=*/false);
  if (!out.is_object()) out = nlohmann::json::object();  // never stored so; loud in tests
  out["id"] = row.id;
  if (with_read) out["read"] = row.read;
  return out;
}

std::string Signature(const std::string& secret, const std::string& timestamp,
                      const std::string& body) {
  return "v1=" + ToHex(HmacSha256(secret, timestamp + "." + body));
}

std::chrono::milliseconds Backoff(uint32_t failures, const OutboxOptions& options) {
  std::chrono::milliseconds wait = options.first_retry;
  for (uint32_t i = 1; i < failures && wait < options.max_retry; ++i) wait *= 2;
  return std::min(wait, options.max_retry);
}

Outbox::Outbox(storage::Store* store, engine::Engine* engine, Poster post, OutboxOptions options)
    : store_(store), engine_(engine), post_(std::move(post)), options_(options), thread_([this] {
        Run();
      }) {}

Outbox::~Outbox() {
  {
    MutexLock lock(&mu_);
    stop_ = true;
  }
  thread_.join();
}

void Outbox::Wake() {
  MutexLock lock(&mu_);
  woken_ = true;
}

std::map<std::string, WebhookHealth> Outbox::Health() const {
  MutexLock lock(&mu_);
  return health_;
}

void Outbox::Run() {
  while (true) {
    {
      MutexLock lock(&mu_);
      mu_.AwaitWithTimeout(Condition(this, &Outbox::WokenLocked), MutexTimeout(options_.poll));
      if (stop_) return;
      woken_ = false;
    }
    Round();
  }
}

void Outbox::Round() {
  auto hooks = store_->ReadWebhooks();
  if (!hooks.ok()) return;  // the next round reads again
  const auto now = std::chrono::system_clock::now();
  storage::NoticeRows cursors;
  for (const storage::WebhookRow& hook : *hooks) {
    {
      MutexLock lock(&mu_);
      const WebhookHealth& h = health_[hook.recipient];
      if (h.failures > 0 && now < h.next_try) continue;
    }
    uint64_t& acked = acked_[hook.recipient];
    acked = std::max(acked, hook.delivered);
    const uint64_t reached = DeliverPending(hook, acked);
    if (reached > acked) {
      acked = reached;
      cursors.cursors.push_back({hook.recipient, reached});
    }
  }
  // Recorded with the next batch; if that is lost, the notices after the
  // stored cursor are sent again (at least once).
  if (!cursors.empty()) engine_->Note(std::move(cursors), [](const Status&) {});
}

uint64_t Outbox::DeliverPending(const storage::WebhookRow& hook, uint64_t from) {
  auto pending = store_->NoticesAfter(hook.recipient, from, options_.per_round);
  if (!pending.ok() || pending->empty()) return from;
  uint64_t reached = from;
  uint64_t sent = 0;
  std::string error;
  for (const storage::NoticeRow& row : *pending) {
    const std::string body = NoticeJson(row, false).dump();
    const std::string ts = std::to_string(std::chrono::duration_cast<std::chrono::seconds>(
                                              std::chrono::system_clock::now().time_since_epoch())
                                              .count());
    const Result<int> answer = post_(hook.url, body,
                                     {{"Baygrid-Notice-Id", std::to_string(row.id)},
                                      {"Baygrid-Timestamp", ts},
                                      {"Baygrid-Signature", Signature(hook.secret, ts, body)}},
                                     options_.timeout);
    if (!answer.ok()) {
      error = answer.status().ToString();
      break;
    }
    if (*answer < 200 || *answer > 299) {
      error = "HTTP " + std::to_string(*answer);
      break;
    }
    reached = row.id;
    ++sent;
  }
  MutexLock lock(&mu_);
  WebhookHealth& h = health_[hook.recipient];
  h.delivered += sent;
  if (error.empty()) {
    h.failures = 0;
    h.last_error.clear();
  } else {
    h.failures++;
    h.last_error = error;
    h.next_try = std::chrono::system_clock::now() + Backoff(h.failures, options_);
  }
  return reached;
}

}  // namespace bg::notice
