// The webhook outbox: a thread that POSTs each recipient's notices, in id
// order, to the URL the recipient set (POST /v1/webhooks), signed with the
// webhook's secret:
//
//   Baygrid-Notice-Id:  the notice's id (receivers deduplicate by it)
//   Baygrid-Timestamp:  Unix seconds when sent
//   Baygrid-Signature:  v1=<hex HMAC-SHA256(secret, timestamp + "." + body)>
//
// A 2xx moves the webhook's cursor (how far it acknowledged), which is
// written with the engine's next batch (Engine::Note). Anything else, or no
// answer within the timeout, is retried with exponential backoff (1 s, 2 s,
// 4 s ... at most 5 min), and later notices wait behind it: a receiver sees
// its notices in order. The outbox only reads the store and rides on
// batches, so a slow or dead receiver never blocks or rolls back the
// engine.
//
// Delivery is at least once: after a crash the outbox starts again from
// the stored cursor, so a notice sent but not yet recorded as acknowledged
// is sent again, with the same id. The notice itself is recorded once (its
// batch's transaction; notice.h).
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/mutex.h"
#include "engine/engine.h"
#include "storage/store.h"

namespace bg::notice {

struct OutboxOptions {
  std::chrono::milliseconds poll{250};      // how often to look for new notices
  std::chrono::milliseconds timeout{5000};  // per delivery
  std::chrono::milliseconds first_retry{1000};
  std::chrono::milliseconds max_retry{300'000};
  size_t per_round = 100;  // notices per webhook per look
};

// Sends one signed POST to `url` within `timeout`: the answer's HTTP
// status, or why there was none. The server's is cli::PostTo (real HTTP);
// tests pass their own.
using Poster =
    std::function<Result<int>(const std::string& url, const std::string& body,
                              const std::vector<std::pair<std::string, std::string>>& headers,
                              std::chrono::milliseconds timeout)>;

// How a webhook's deliveries stand (GET /v1/webhooks).
struct WebhookHealth {
  uint64_t delivered = 0;  // acknowledged notices since the server started
  uint32_t failures = 0;   // in a row; 0 after a success
  std::string last_error;
  std::chrono::system_clock::time_point next_try{};  // while failing
};

// The feed's and the webhook's JSON of a notice: its stored body with its
// id (and, for the feed, whether it was read).
nlohmann::json NoticeJson(const storage::NoticeRow& row, bool with_read);

// "v1=<hex>" over "<timestamp>.<body>".
std::string Signature(const std::string& secret, const std::string& timestamp,
                      const std::string& body);

// The wait before retry number `failures` (1 = the first retry).
std::chrono::milliseconds Backoff(uint32_t failures, const OutboxOptions& options);

class Outbox {
 public:
  // Starts the thread. `store` and `engine` must outlive the outbox.
  Outbox(storage::Store* store, engine::Engine* engine, Poster post, OutboxOptions options = {});
  ~Outbox();  // stops the thread (a delivery in progress finishes first)
  Outbox(const Outbox&) = delete;
  Outbox& operator=(const Outbox&) = delete;

  // Look now rather than at the next poll.
  void Wake() BG_EXCLUDES(mu_);
  std::map<std::string, WebhookHealth> Health() const BG_EXCLUDES(mu_);

 private:
  bool WokenLocked() const BG_REQUIRES(mu_) { return stop_ || woken_; }
  void Run() BG_EXCLUDES(mu_);
  void Round() BG_EXCLUDES(mu_);
  // Delivers the recipient's pending notices; how far it got.
  uint64_t DeliverPending(const storage::WebhookRow& hook, uint64_t from);

  storage::Store* const store_;
  engine::Engine* const engine_;
  const Poster post_;
  const OutboxOptions options_;
  mutable Mutex mu_;
  bool stop_ BG_GUARDED_BY(mu_) = false;
  bool woken_ BG_GUARDED_BY(mu_) = false;
  std::map<std::string, WebhookHealth> health_ BG_GUARDED_BY(mu_);  // by recipient
  // Acknowledged up to, as far as this process knows (the store's cursor
  // may lag until the next batch commits). Only the outbox's thread.
  std::map<std::string, uint64_t> acked_;
  std::thread thread_;
};

}  // namespace bg::notice
