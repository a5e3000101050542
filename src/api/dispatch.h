// Service::Flight: one request on its way (api/dispatch.cc); shared by the
// files that handle it (dispatch.cc, idempotency.cc). Internal to api/.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "api/service.h"

namespace bg::api {

// One request in flight: it owns the request the Call refers to, and lives
// until the answer is sent (the engine's waiter holds it).
struct Service::Flight {
  Flight(HttpRequest r, HttpRespond done)
      : request(std::move(r)),
        call{request, {}, {}, Principal{}, Json::object()},
        respond(std::move(done)) {}
  Flight(const Flight&) = delete;
  Flight& operator=(const Flight&) = delete;
  Flight(Flight&&) = delete;
  Flight& operator=(Flight&&) = delete;
  ~Flight() = default;

  HttpRequest request;
  Call call;
  HttpRespond respond;
  std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();
  RouteStats* stats = nullptr;  // by "METHOD pattern"
  // The (caller, key) of an Idempotency-Key while its request runs, and a
  // hash of the body it came with.
  std::optional<std::pair<std::string, std::string>> key;
  Hash256 body_hash{};
  HttpResponse made;  // the answer `then` made on the writer
};

}  // namespace bg::api
