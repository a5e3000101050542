#include "agent/platform.h"

#include <nlohmann/json.hpp>

#include "cli/http_client.h"
#include "common/clock.h"
#include "common/hash.h"

namespace bg::agent {
namespace {

using Json = nlohmann::json;

// The platform's problem answer (RFC 9457: title = code, detail = why).
Status Problem(const std::string& what, const cli::ClientResponse& r) {
  const Json body = Json::parse(r.body, nullptr, false);
  const std::string code = body.is_object() ? body.value("title", std::string()) : "";
  const std::string detail = body.is_object() ? body.value("detail", std::string()) : r.body;
  const std::string text = what + ": HTTP " + std::to_string(r.status) + " " + code +
                           (detail.empty() ? "" : ": " + detail);
  if (r.status == 404) return NotFound(text);
  if (r.status == 409 || r.status == 422) return FailedPrecondition(text);
  if (r.status == 400) return InvalidArgument(text);
  if (r.status == 401 || r.status == 403) return Status(StatusCode::kPermissionDenied, text);
  return Unavailable(text);  // 5xx, 429: later
}

}  // namespace

Result<std::string> Platform::Call(const std::string& method, const std::string& target,
                                   const std::string& body) {
  ++calls_;
  BG_ASSIGN_OR_RETURN(cli::ClientResponse r,
                      cli::HttpCall(base_, method, target, token_, body, timeout_));
  if (r.status < 200 || r.status > 299) return Problem(method + " " + target, r);
  return std::move(r.body);
}

Result<std::vector<PlacementView>> Platform::Placements(std::optional<uint64_t> started_from_s) {
  std::vector<PlacementView> all;
  std::string after;
  const std::string from =
      started_from_s ? "&started_from=" + FormatUtcTime(*started_from_s * kNanosPerSecond) : "";
  do {
    BG_ASSIGN_OR_RETURN(
        std::string text,
        Call("GET", "/v1/placements?limit=1000" + from + (after.empty() ? "" : "&after=" + after),
             ""));
    const Json page = Json::parse(text, nullptr, false);
    if (!page.is_object() || !page["items"].is_array()) {
      return Internal("GET /v1/placements: not a page: " + text.substr(0, 200));
    }
    for (const Json& p : page["items"]) {
      all.push_back({.job = p.value("job", uint64_t{0}),
                     .pool = p.value("pool", uint64_t{0}),
                     .cards = p.value("cards", uint32_t{0}),
                     .start_s = p.value("start_unix_s", uint64_t{0}),
                     .end_s = p.value("end_unix_s", uint64_t{0}),
                     .stop = p.value("stop", false)});
    }
    after = page["next_after"].is_string() ? page["next_after"].get<std::string>() : "";
  } while (!after.empty());
  return all;
}

Result<std::vector<UsageAnswer>> Platform::Report(std::vector<metering::UsageRecord> records) {
  for (metering::UsageRecord& r : records) r.signature = {};
  const metering::Signature batch = metering::SignBatch(records, key_.secret_key);
  Json list = Json::array();
  for (const metering::UsageRecord& r : records) {
    list.push_back({{"id", r.id},
                    {"provider", r.provider.value()},
                    {"order", r.order.value()},
                    {"start_unix_s", r.start_s},
                    {"end_unix_s", r.end_s},
                    {"cards", r.cards}});
  }
  const Json body{{"records", std::move(list)}, {"batch_signature_hex", ToHex(batch)}};
  BG_ASSIGN_OR_RETURN(std::string text, Call("POST", "/v1/usage", body.dump()));
  const Json answer = Json::parse(text, nullptr, false);
  if (!answer.is_object() || !answer["results"].is_array() ||
      answer["results"].size() != records.size()) {
    return Internal("POST /v1/usage: one result per record expected: " + text.substr(0, 200));
  }
  std::vector<UsageAnswer> out;
  for (const Json& r : answer["results"]) {
    out.push_back({r.value("result", std::string()), r.value("message", std::string())});
  }
  return out;
}

Status Platform::Finish(uint64_t job) {
  return Call("POST", "/v1/jobs/" + std::to_string(job) + "/finish", "{}").status();
}

Status Platform::Offer(uint64_t pool, uint32_t cards) {
  return Call("POST", "/v1/pools/" + std::to_string(pool) + "/offered",
              Json{{"cards", cards}}.dump())
      .status();
}

Status Platform::RegisterKey() {
  return Call("POST", "/v1/provider-keys", Json{{"public_key_hex", ToHex(key_.public_key)}}.dump())
      .status();
}

}  // namespace bg::agent
