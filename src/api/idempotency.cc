// Idempotency-Key on POSTs: the same caller, route and key with the same
// body get the first answer again (Idempotent-Replayed: true), also after a
// restart; another body is 409 idempotency_key_reused; the same key while
// its first request still runs is 409 idempotency_key_in_flight. Answers
// are kept a day, in the engine's store (storage/store.h, KeptAnswer),
// committed in the transaction of the batch whose command they answer, or
// with the next batch when they answer a request that changed nothing: an
// answer is kept exactly when its effect is durable, and is sent only then.
#include "api/dispatch.h"
#include "api/handlers.h"
#include "api/service.h"
#include "common/codec.h"

namespace bg::api {
namespace {

constexpr Timestamp kKeepAnswers = Timestamp{24} * 3600 * kNanosPerSecond;
constexpr uint64_t kForgetEvery = 1024;  // remembered answers between sweeps

std::vector<uint8_t> EncodeAnswer(const HttpResponse& r) {
  std::vector<uint8_t> out;
  Writer w(&out);
  w.U32(static_cast<uint32_t>(r.status));
  w.Str(r.content_type);
  w.Str(r.body);
  w.U32(static_cast<uint32_t>(r.headers.size()));
  for (const auto& [name, value] : r.headers) {
    w.Str(name);
    w.Str(value);
  }
  return out;
}

std::optional<HttpResponse> DecodeAnswer(const std::vector<uint8_t>& bytes) {
  HttpResponse r;
  Reader in(bytes);
  uint32_t status = 0;
  uint32_t headers = 0;
  if (!in.U32(&status) || !in.Str(&r.content_type) || !in.Str(&r.body) || !in.U32(&headers)) {
    return std::nullopt;
  }
  r.status = static_cast<int>(status);
  for (uint32_t i = 0; i < headers; ++i) {
    std::string name;
    std::string value;
    if (!in.Str(&name) || !in.Str(&value)) return std::nullopt;
    r.headers.emplace_back(std::move(name), std::move(value));
  }
  if (!in.done()) return std::nullopt;
  return r;
}

}  // namespace

std::optional<HttpResponse> Service::CheckKey(Flight& f) {
  const Call& call = f.call;
  const std::string key = f.request.Header("idempotency-key");
  if (key.size() > 200) {
    return Problem("invalid_field", "Idempotency-Key is too long", call.request_id);
  }
  std::pair<std::string, std::string> slot{
      std::string(RoleName(call.who.role)) + "/" + std::to_string(call.who.scope) + "/" +
          call.who.name + " " + call.request.method + " " + call.request.path,
      key};
  {
    MutexLock lock(&idem_mu_);
    if (!in_flight_.insert(slot).second) {
      return Problem("idempotency_key_in_flight",
                     "a request with this Idempotency-Key is still running", call.request_id);
    }
  }
  // From here on Finish releases the key, however the request ends.
  f.key = std::move(slot);
  f.body_hash = HashBytes(std::span(reinterpret_cast<const uint8_t*>(call.request.body.data()),
                                    call.request.body.size()));
  // The key was not in flight, so any answer kept for it is durable.
  auto found = engine_->FindAnswer(f.key->first, f.key->second);
  if (!found.ok()) {
    return Problem("unavailable", "idempotency keys: " + found.status().ToString(),
                   call.request_id);
  }
  if (!found->has_value()) {
    if (++remembered_ % kForgetEvery == 0) {
      const Timestamp now = clock_->Now();
      if (now > kKeepAnswers) engine_->ForgetAnswersBefore(now - kKeepAnswers);
    }
    return std::nullopt;  // the handler runs
  }
  if ((*found)->request != f.body_hash) {
    return Problem("idempotency_key_reused", "this Idempotency-Key was used with another body",
                   call.request_id);
  }
  std::optional<HttpResponse> again = DecodeAnswer((*found)->answer);
  if (!again) {
    return Problem("unavailable", "the answer kept for this Idempotency-Key is unreadable",
                   call.request_id);
  }
  again->headers.push_back({"Idempotent-Replayed", "true"});
  return again;
}

storage::KeptAnswer Service::KeptFor(const Flight& f, const HttpResponse& answer) const {
  return {.caller = f.key->first,
          .key = f.key->second,
          .request = f.body_hash,
          .answer = EncodeAnswer(answer),
          .at = clock_->Now()};
}

void Service::ReleaseKey(const Flight& f) {
  MutexLock lock(&idem_mu_);
  in_flight_.erase(*f.key);
}

}  // namespace bg::api
