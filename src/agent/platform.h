// The platform as the agent sees it: the provider's side of baygrid's
// public API over HTTP (docs/api.md, "Providers"), with the provider's
// token. Nothing here is private to the agent: any client may do the same.
//
//   GET  /v1/placements           the running jobs on the provider's pools
//   POST /v1/usage                batch-signed usage records
//   POST /v1/jobs/{id}/finish     a job the scheduler has ended
//   POST /v1/pools/{id}/offered   the cards really free to offer
//   POST /v1/provider-keys        the public half of the signing key
//
// Thread-safety: one agent thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "metering/signature.h"
#include "metering/usage.h"

namespace bg::agent {

// A running job on one of the provider's pools, as GET /v1/placements says.
struct PlacementView {
  uint64_t job = 0;
  uint64_t pool = 0;
  uint32_t cards = 0;
  uint64_t start_s = 0;
  uint64_t end_s = 0;
  bool stop = false;  // it must end at end_s (an extension was refused)
};

// What the platform answered for one usage record.
struct UsageAnswer {
  std::string result;  // "ok", "exists", "order_ended", ... (metering::UsageResultName)
  std::string message;
};

class Platform {
 public:
  Platform(std::string base, std::string token, metering::KeyPair key,
           std::chrono::milliseconds timeout = std::chrono::milliseconds(10'000))
      : base_(std::move(base)), token_(std::move(token)), key_(key), timeout_(timeout) {}

  // All of them, or (given a time) those placed at or after it.
  Result<std::vector<PlacementView>> Placements(std::optional<uint64_t> started_from_s = {});
  // Signs `records` as one batch and sends them; one answer per record.
  Result<std::vector<UsageAnswer>> Report(std::vector<metering::UsageRecord> records);
  // kOk when finished now or already ended; FailedPrecondition/NotFound
  // with the platform's words otherwise.
  Status Finish(uint64_t job);
  Status Offer(uint64_t pool, uint32_t cards);
  Status RegisterKey();
  const metering::KeyPair& key() const { return key_; }
  uint64_t calls() const { return calls_; }  // HTTP requests made

 private:
  // The answer's JSON when the status is `ok_status` (or 200); an error
  // that names the call and the platform's code and message otherwise.
  Result<std::string> Call(const std::string& method, const std::string& target,
                           const std::string& body);
  std::string base_;
  std::string token_;
  metering::KeyPair key_;
  std::chrono::milliseconds timeout_;
  uint64_t calls_ = 0;
};

}  // namespace bg::agent
