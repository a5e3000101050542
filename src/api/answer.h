// What a route's handler gives back: an answer now, or a command and how to
// answer once it has run. Handlers never wait for the engine: the service
// submits the command and goes on. Right after the command is applied, on
// the engine's writer and with the state exactly as the command left it,
// `capture` copies what the answer needs; once the command's batch is
// durable the answer is built from that copy and the command's result on
// the connection's I/O thread, not on the writer, which every command
// waits for.
//
// `capture` runs under the writer's lock: it must be short (copy, do not
// format) and must not call the engine (Engine::Read checks). The `Then`
// form builds the whole answer there, for routes where that is cheap.
#pragma once

#include <functional>
#include <optional>
#include <utility>

#include "api/http.h"
#include "state/command.h"
#include "state/state.h"
#include "storage/store.h"

namespace bg::api {

// Builds the answer from the command's durable result.
using Build = std::function<HttpResponse(const state::CommandResult&)>;
// On the writer: what the answer needs of the state, kept in a Build.
using Capture = std::function<Build(const state::State&, const state::CommandResult&)>;
// On the writer: the whole answer.
using Then = std::function<HttpResponse(const state::State&, const state::CommandResult&)>;

struct Answer {
  // An answer now; sent once the state the handler read is durable.
  Answer(HttpResponse now) : response(std::move(now)) {}  // NOLINT(google-explicit-constructor)
  // `body`, then the answer `then` makes of its result on the writer.
  Answer(state::CommandBody body, Then then)
      : command(std::move(body)),
        capture([then = std::move(then)](const state::State& s, const state::CommandResult& r) {
          return [out = then(s, r)](const state::CommandResult&) { return out; };
        }) {}
  // `body`, then `keep` on the writer and the Build it returns off it.
  static Answer Deferred(state::CommandBody body, Capture keep) {
    Answer a(HttpResponse{});
    a.command = std::move(body);
    a.capture = std::move(keep);
    return a;
  }

  // `response`, sent once `rows` (no command: notice marks, webhooks) are
  // durable, in the transaction of the next batch.
  static Answer Noting(storage::NoticeRows rows, HttpResponse response) {
    Answer a(std::move(response));
    a.rows = std::move(rows);
    return a;
  }

  HttpResponse response;
  std::optional<state::CommandBody> command;
  Capture capture;
  std::optional<storage::NoticeRows> rows;
};

}  // namespace bg::api
