#include "api/problem.h"

#include <map>

#include "api/json.h"

namespace bg::api {

int StatusFor(const std::string& code) {
  // The one table: every code the API can answer with a non-2xx status.
  static const std::map<std::string, int> table = {
      {"malformed_json", 400},
      {"invalid_field", 400},
      {"missing_field", 400},
      {"unknown_field", 400},
      {"duplicate_key", 400},
      {"unknown_parameter", 400},
      {"bad_request", 400},
      {"unauthenticated", 401},
      {"forbidden", 403},
      {"not_found", 404},
      {"unknown_route", 404},
      {"method_not_allowed", 405},
      {"request_timeout", 408},
      {"exists_with_different_body", 409},
      {"archived", 409},  // a job id used by a job long ended (scheduler::kRetainEndedS)
      {"idempotency_key_reused", 409},
      {"idempotency_key_in_flight", 409},
      {"conflict", 409},
      {"paid_with_another_reference", 409},
      {"body_too_large", 413},
      {"unsupported_media_type", 415},
      {"headers_too_large", 431},
      {"internal", 500},
      {"unavailable", 503},
      {"overloaded", 503},
  };
  auto it = table.find(code);
  if (it != table.end()) return it->second;
  // A domain's "no such record" codes (unknown_job, unknown_voucher, ...).
  if (code.rfind("unknown_", 0) == 0) return 404;
  return 422;
}

HttpResponse Problem(const std::string& code, const std::string& detail,
                     const std::string& request_id) {
  const int status = StatusFor(code);
  Json body = {{"type", "https://baygrid.dev/problems/" + code},
               {"title", code},
               {"status", status},
               {"detail", detail},
               {"request_id", request_id}};
  HttpResponse r;
  r.status = status;
  r.content_type = "application/problem+json";
  r.body = Dump(body);
  r.headers.push_back({"X-Request-Id", request_id});
  return r;
}

}  // namespace bg::api
