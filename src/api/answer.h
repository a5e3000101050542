// What a route's handler gives back: an answer now, or a command and how to
// answer once it has run. Handlers never wait for the engine: the service
// submits the command and goes on; `then` runs on the engine's writer right
// after the command is applied, with the state exactly as the command left
// it, and its answer is sent once the command's batch is durable.
//
// `then` runs under the writer's lock: it must be short (build the answer,
// nothing more) and must not call the engine (Engine::Read checks).
#pragma once

#include <functional>
#include <optional>
#include <utility>

#include "api/http.h"
#include "state/command.h"
#include "state/state.h"

namespace bg::api {

using Then = std::function<HttpResponse(const state::State&, const state::CommandResult&)>;

struct Answer {
  // An answer now; sent once the state the handler read is durable.
  Answer(HttpResponse now) : response(std::move(now)) {}  // NOLINT(google-explicit-constructor)
  // `command`, then the answer `then` makes of its result.
  Answer(state::CommandBody body, Then answer)
      : command(std::move(body)), then(std::move(answer)) {}

  HttpResponse response;
  std::optional<state::CommandBody> command;
  Then then;
};

}  // namespace bg::api
