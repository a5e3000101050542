#include "cmd/serve.h"

#include <chrono>
#include <csignal>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include <CLI/CLI.hpp>
#include <toml++/toml.h>
#include <unistd.h>

#include "api/http.h"
#include "api/service.h"
#include "api/web_site.h"
#include "cli/http_client.h"
#include "cmd/standby.h"
#include "engine/engine.h"
#include "notice/derive.h"
#include "notice/outbox.h"
#include "storage/open.h"
#include "world/builtin.h"
#include "world/commands.h"
#include "world/world.h"

namespace bg::cmd {
namespace {

Status ReadConfig(ServeOptions* o, const ServeOptions& flags_given, bool db_set, bool listen_set) {
  if (o->config.empty()) return Status::Ok();
  toml::table t;
  try {
    t = toml::parse_file(o->config);
  } catch (const toml::parse_error& e) {
    return InvalidArgument("config " + o->config + ": " + std::string(e.description()));
  }
  for (auto&& [key, value] : t) {
    const std::string k(key.str());
    if (k == "db" && value.is_string()) {
      if (!db_set) o->db = *value.value<std::string>();
    } else if (k == "listen" && value.is_string()) {
      if (!listen_set) o->listen = *value.value<std::string>();
    } else if (k == "scenario" && value.is_string()) {
      if (flags_given.scenario.empty()) o->scenario = *value.value<std::string>();
    } else if (k == "threads" && value.is_integer()) {
      o->threads = static_cast<uint32_t>(*value.value<int64_t>());
    } else if (k == "lease_ttl_ms" && value.is_integer()) {
      o->lease_ttl_ms = static_cast<uint32_t>(*value.value<int64_t>());
    } else if (k == "holder" && value.is_string()) {
      if (flags_given.holder.empty()) o->holder = *value.value<std::string>();
    } else {
      return InvalidArgument("config " + o->config + ": unknown key or wrong type: " + k);
    }
  }
  return Status::Ok();
}

Status LoadScenarioIfEmpty(engine::Engine& e, const std::string& path) {
  // "Empty": nothing registered yet (tokens may exist already).
  const bool empty =
      e.Read([](const state::State& s) { return s.registry().jurisdictions().empty(); });
  if (path.empty() || !empty) return Status::Ok();
  BG_ASSIGN_OR_RETURN(world::World scenario, world::Load(path));
  for (state::CommandBody& body : world::ToCommands(scenario)) {
    BG_ASSIGN_OR_RETURN(state::CommandResult r, e.Execute(std::move(body)));
    if (auto refused = world::Refusal(r)) return InvalidArgument(*refused);
  }
  return Status::Ok();
}

// True when SIGTERM or SIGINT (blocked, in `signals`) arrived within `wait`.
bool SignalledWithin(const sigset_t& signals, std::chrono::milliseconds wait) {
  const timespec timeout{
      .tv_sec = static_cast<time_t>(wait.count() / 1000),
      .tv_nsec = static_cast<long>(wait.count() % 1000) * 1'000'000};  // NOLINT(google-runtime-int)
  return sigtimedwait(&signals, nullptr, &timeout) > 0;
}

// The store `o.db` names, with the writer lease when it is PostgreSQL. A
// standby tries for the lease twice a second, so that SIGTERM still ends
// its wait (then: null), says why it waits whenever that changes, and
// follows the journal meanwhile: `warm` is then the state it followed, for
// the engine to start from.
Result<std::unique_ptr<storage::Store>> OpenStore(
    const ServeOptions& o, const sigset_t& signals,
    std::shared_ptr<const storage::SnapshotRecord>* warm) {
  const storage::OpenOptions lease{.holder = o.holder,
                                   .lease_ttl = std::chrono::milliseconds(o.lease_ttl_ms)};
  if (!o.standby) return storage::OpenWriter(o.db, lease);
  if (!storage::IsPostgresUrl(o.db)) {
    return InvalidArgument(
        "--standby takes over a PostgreSQL database (--db postgresql://...); a SQLite file has "
        "one writer, on its own machine");
  }
  std::string said;
  JournalFollower follower(o.db);
  auto say = [](const std::string& line) {
    if (line.empty()) return;
    std::printf("%s\n", line.c_str());
    std::fflush(stdout);
  };
  while (true) {
    Result<std::unique_ptr<storage::Store>> store = storage::OpenWriter(o.db, lease);
    const StatusCode code = store.status().code();
    if (store.ok()) *warm = follower.Warm();
    // Held by another writer, or the database away (a failover): wait.
    if (store.ok() ||
        (code != StatusCode::kFailedPrecondition && code != StatusCode::kUnavailable)) {
      return store;
    }
    // Said again when it changes, not as the time left counts down.
    const std::string& why = store.status().message();
    if (const std::string gist = why.substr(0, why.find(" until ")); gist != said) {
      say("baygrid: standby, waiting for the writer lease: " + why);
      said = gist;
    }
    say(follower.Step());
    if (SignalledWithin(signals, std::chrono::milliseconds(500))) {
      return std::unique_ptr<storage::Store>();
    }
  }
}

}  // namespace

Status RunServe(ServeOptions o) {
  const ServeOptions flags = o;
  BG_RETURN_IF_ERROR(
      ReadConfig(&o, flags, flags.db != "baygrid.db", flags.listen != "127.0.0.1:8080"));
  const size_t colon = o.listen.rfind(':');
  if (colon == std::string::npos) return InvalidArgument("--listen is host:port");
  const std::string host = o.listen.substr(0, colon);
  int port = -1;
  try {
    port = std::stoi(o.listen.substr(colon + 1));
  } catch (const std::exception&) {
  }
  if (port < 0 || port > 65535) return InvalidArgument("--listen: bad port in " + o.listen);

  // SIGTERM and SIGINT are taken by a waiting thread, not a handler.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  std::shared_ptr<const storage::SnapshotRecord> warm;
  BG_ASSIGN_OR_RETURN(std::unique_ptr<storage::Store> store, OpenStore(o, signals, &warm));
  if (store == nullptr) {
    std::printf("baygrid: standby stopped before it took over\n");
    return Status::Ok();
  }
  SystemClock clock;
  // Notices are derived as commands are applied and stored with their
  // batches; the outbox POSTs them to the webhooks (notice/).
  notice::Deriver notices;
  // A deposed writer (or one whose store is in doubt) stops: the engine
  // halts and the main thread below, waiting for a signal, gets this one.
  engine::EngineOptions engine_options{.observer = o.no_notices ? nullptr : &notices};
  engine_options.on_halt = [](const Status&) { kill(getpid(), SIGTERM); };
  const uint64_t warm_seq = warm != nullptr ? warm->seq : 0;
  engine_options.warm_start = std::move(warm);
  BG_ASSIGN_OR_RETURN(auto engine, engine::Engine::Open(store.get(), &clock, engine_options));
  if (engine_options.warm_start != nullptr) {
    engine_options.warm_start.reset();  // the engine has dropped its copy too
    const engine::RecoveryInfo& r = engine->recovery();
    const std::string how =
        r.warm_started ? "its state used" : "its state set aside (" + r.warm_start_rejected + ")";
    std::printf(
        "baygrid: took over from the journal followed to entry %llu: %s, %llu entries "
        "replayed\n",
        static_cast<unsigned long long>(warm_seq),  // NOLINT(google-runtime-int)
        how.c_str(),
        static_cast<unsigned long long>(r.replayed_entries));  // NOLINT(google-runtime-int)
  }
  BG_RETURN_IF_ERROR(LoadScenarioIfEmpty(*engine, o.scenario));
  std::unique_ptr<notice::Outbox> outbox;
  if (!o.no_notices) {
    outbox = std::make_unique<notice::Outbox>(
        store.get(), engine.get(), &cli::PostTo,
        notice::OutboxOptions{.poll = std::chrono::milliseconds(o.webhook_poll_ms)});
  }
  // Answers to Idempotency-Keys are kept in the database, with the batches
  // whose effects they report (api/idempotency.cc).
  // The web console at `/`, when it was built (api/web_site.h).
  std::optional<api::WebSite> web;
  if (const std::string dir = o.web.empty() ? api::FindWebDir() : o.web; !dir.empty()) {
    BG_ASSIGN_OR_RETURN(web, api::WebSite::Load(dir));
  }
  api::Service service(engine.get(), &clock,
                       {.log_requests = o.log_requests,
                        .db = o.db,
                        .outbox = outbox.get(),
                        .web = web ? &*web : nullptr});
  BG_ASSIGN_OR_RETURN(
      auto http,
      api::HttpServer::Start(
          {.address = host, .port = static_cast<uint16_t>(port), .threads = o.threads},
          [&](api::HttpRequest r, api::HttpRespond respond) {
            service.Handle(std::move(r), std::move(respond));
          },
          [&](int status, const std::string& detail) { return service.Refuse(status, detail); }));
  std::printf("baygrid serving http://%s:%u on %s (journal at entry %llu)\n", host.c_str(),
              http->port(), storage::Shown(o.db).c_str(),
              static_cast<unsigned long long>(engine->last_seq()));  // NOLINT(google-runtime-int)
  if (web) {
    std::printf("baygrid: the web console at http://%s:%u/ (%zu files)\n", host.c_str(),
                http->port(), web->files());
  } else {
    std::printf("baygrid: no web console (build web/: npm ci && npm run build; or --web DIR)\n");
  }
  std::fflush(stdout);
  int sig = 0;
  sigwait(&signals, &sig);
  const Status halted = engine->halted();
  if (halted.ok()) {
    std::printf("baygrid: %s, draining\n", sig == SIGTERM ? "SIGTERM" : "SIGINT");
  } else {
    std::printf("baygrid: the engine stopped writing: %s\n", halted.ToString().c_str());
  }
  std::fflush(stdout);
  http->Stop();
  outbox.reset();  // a delivery in progress ends first; the rest wait in the store
  Status down = engine->Shutdown();
  // A halt found while draining (a commit refused on the way out) counts too.
  if (Status late = engine->halted(); !late.ok()) return late;
  std::printf("baygrid: stopped (%s)\n",
              down.ok() ? "store closed cleanly" : down.ToString().c_str());
  return down;
}

Status RunTokenCreate(const TokenOptions& o) {
  const std::optional<access::TokenRole> role = access::TokenRoleFromName(o.role);
  if (!role) {
    return InvalidArgument("--role is admin, operator, enterprise, provider, auditor or expert");
  }
  const std::optional<access::TokenStage> stage = access::TokenStageFromName(o.stage);
  if (!stage) return InvalidArgument("--stage is reviewer, approver, finance or any");
  if (o.name.find_first_not_of(" \t") == std::string::npos) {
    return InvalidArgument("--name must name who holds the token (steps are journaled by it)");
  }
  auto store = storage::OpenWriter(o.db);
  if (!store.ok()) {
    return Status(
        store.status().code(),
        store.status().message() +
            ". `tokens create --db` writes the file offline: stop the server first, or "
            "create the token over HTTP (`baygrid tokens create` without --db, POST /v1/tokens)");
  }
  SystemClock clock;
  engine::EngineOptions options;
  options.idle_tick = std::chrono::milliseconds(0);
  BG_ASSIGN_OR_RETURN(auto engine, engine::Engine::Open(store->get(), &clock, options));
  uint64_t id = o.id;
  if (id == 0) {
    id = engine->Read([](const state::State& s) {
      return s.tokens().tokens().empty() ? uint64_t{1} : s.tokens().tokens().rbegin()->first + 1;
    });
  }
  const auto [secret, hash] = api::Service::NewToken();
  const Timestamp expires_at = o.expires_in_days == 0 ? 0
                                                      : clock.Now() + Timestamp{o.expires_in_days} *
                                                                          86'400 * kNanosPerSecond;
  BG_ASSIGN_OR_RETURN(state::CommandResult r,
                      engine->Execute(state::CreateApiToken{.id = id,
                                                            .hash = hash,
                                                            .role = *role,
                                                            .scope = o.scope,
                                                            .name = o.name,
                                                            .stage = *stage,
                                                            .expires_at = expires_at}));
  const auto result = std::get<state::TokenOutcome>(r).result;
  BG_RETURN_IF_ERROR(engine->Shutdown());
  if (result == access::TokenResult::kUnknownSubject) {
    const std::string subject = access::TokenSubjectName(*role);
    return NotFound("token not created: no " + subject + " " + std::to_string(o.scope) +
                    " is registered in " + o.db + " (the --scope of " + o.role +
                    " tokens names the " + subject + " they act for)");
  }
  if (result == access::TokenResult::kStageForOperatorsOnly) {
    return InvalidArgument("token not created: only operator tokens take a --stage");
  }
  if (result != access::TokenResult::kOk) {
    return FailedPrecondition(std::string("token not created: ") + access::TokenResultName(result));
  }
  const std::string staged = *stage == access::TokenStage::kAny ? "" : ", stage " + o.stage;
  std::printf("token %llu (%s%s%s): %s\n",
              static_cast<unsigned long long>(id),  // NOLINT(google-runtime-int)
              o.role.c_str(), o.scope ? (" of " + std::to_string(o.scope)).c_str() : "",
              staged.c_str(), secret.c_str());
  return Status::Ok();
}

void RegisterServe(Registry& registry) {
  auto o = std::make_shared<ServeOptions>();
  CLI::App* serve = registry.app().add_subcommand(
      "serve", "The HTTP API (JSON under /v1) on a SQLite file or PostgreSQL");
  serve->add_option("--config", o->config, "TOML file with db, listen, scenario, threads");
  serve->add_option("--db", o->db, "SQLite database file, or a postgresql:// URL")
      ->capture_default_str();
  serve->add_flag("--standby", o->standby,
                  "PostgreSQL: wait for the writer lease (without listening), then serve");
  serve
      ->add_option("--lease-ttl-ms", o->lease_ttl_ms,
                   "PostgreSQL: how long the writer lease lasts unrenewed; a standby takes over "
                   "that long after the writer dies")
      ->check(CLI::Range(100, 600'000))
      ->capture_default_str();
  serve->add_option("--holder", o->holder,
                    "PostgreSQL: who the writer lease names (default host:pid)");
  serve->add_option("--web", o->web,
                    "The web console's built files, served at / (default: web/dist found beside "
                    "the binary)");
  serve->add_option("--listen", o->listen, "host:port (port 0: any free port)")
      ->capture_default_str();
  serve->add_option("--scenario", o->scenario,
                    "Scenario to load into an empty database: gba (the built-in Greater Bay "
                    "Area one) or a file");
  serve->add_option("--threads", o->threads, "I/O threads")->capture_default_str();
  serve->add_flag("--log-requests", o->log_requests,
                  "One line per request on stderr, with its request id");
  serve
      ->add_option("--webhook-poll-ms", o->webhook_poll_ms,
                   "How often the webhook outbox looks for new notices (ms)")
      ->check(CLI::Range(10, 60'000))
      ->capture_default_str();
  serve->add_flag("--no-notices", o->no_notices,
                  "Derive and deliver no notices (the feeds stay as they are; the A/B of "
                  "scripts/bench_http.sh)");
  serve->footer(
      "Examples:\n  baygrid tokens create --db baygrid.db --role admin --name ops\n"
      "  baygrid serve --db baygrid.db --scenario gba --listen 127.0.0.1:8080");
  registry.OnRun(serve, [o] { return RunServe(*o); });
}

}  // namespace bg::cmd
