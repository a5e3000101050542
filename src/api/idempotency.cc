// Idempotency-Key on POSTs: the same caller, route and key with the same
// body get the first answer again (Idempotent-Replayed: true), also after a
// restart (storage/idempotency_store.h); another body is 409
// idempotency_key_reused; the same key while its first request still runs
// is 409 idempotency_key_in_flight. Answers are kept a day.
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

HttpResponse Service::Idempotent(const Call& call, const std::string& key,
                                 const std::function<HttpResponse()>& run) {
  if (key.size() > 200) {
    return Problem("invalid_field", "Idempotency-Key is too long", call.request_id);
  }
  const std::pair<std::string, std::string> slot{
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
  // However the request ends, its key is no longer in flight.
  class Done {
   public:
    Done(Service* s, const std::pair<std::string, std::string>& slot) : s_(s), slot_(slot) {}
    Done(const Done&) = delete;
    Done& operator=(const Done&) = delete;
    ~Done() {
      MutexLock lock(&s_->idem_mu_);
      s_->in_flight_.erase(slot_);
    }

   private:
    Service* s_;
    const std::pair<std::string, std::string>& slot_;
  } done(this, slot);

  const Hash256 body = HashBytes(std::span(
      reinterpret_cast<const uint8_t*>(call.request.body.data()), call.request.body.size()));
  auto found = keys_->Find(slot.first, slot.second);
  if (!found.ok()) {
    return Problem("unavailable", "idempotency keys: " + found.status().ToString(),
                   call.request_id);
  }
  if (found->has_value()) {
    if ((*found)->request != body) {
      return Problem("idempotency_key_reused", "this Idempotency-Key was used with another body",
                     call.request_id);
    }
    std::optional<HttpResponse> again = DecodeAnswer((*found)->answer);
    if (!again) {
      return Problem("unavailable", "the answer kept for this Idempotency-Key is unreadable",
                     call.request_id);
    }
    again->headers.push_back({"Idempotent-Replayed", "true"});
    return *again;
  }
  HttpResponse out = run();
  if (out.status >= 500) return out;
  const Timestamp now = clock_->Now();
  const Status kept = keys_->Remember(slot.first, slot.second,
                                      {.request = body, .answer = EncodeAnswer(out), .at = now});
  // The command is durable either way; a retry that finds no answer runs
  // again and meets the ids in its body.
  if (!kept.ok()) std::fprintf(stderr, "idempotency key not kept: %s\n", kept.ToString().c_str());
  if (++remembered_ % kForgetEvery == 0 && now > kKeepAnswers) {
    (void)keys_->ForgetBefore(now - kKeepAnswers);
  }
  return out;
}

}  // namespace bg::api
