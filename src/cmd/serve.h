// `baygrid serve`: the HTTP API on an engine over a SQLite file or a
// PostgreSQL database.
//
//   baygrid serve --db baygrid.db --listen 127.0.0.1:8080 [--scenario gba|<file>]
//                 [--threads 4] [--config baygrid.toml] [--web web/dist]
//   baygrid serve --db postgresql://... [--standby] [--lease-ttl-ms 10000] [--holder NAME]
//
// On PostgreSQL the server is the one writer while it holds the writer
// lease (storage/postgres_store.h): it takes it at start (refused while
// another holds it), renews it with every commit and while idle, and when
// it loses it (deposed: another took over after it stalled past the TTL)
// it stops and exits non-zero, answering what was queued with errors. A
// `--standby` server waits for the lease instead, without listening, and
// serves once it has it: run one on another machine, and it takes over
// within the TTL when the active one dies.
//
// --scenario loads a scenario into a database with nothing registered yet
// (one that has jurisdictions is used as it is): `gba` is the built-in
// Greater Bay Area one (world/builtin.h), anything else a file.
// Flags override the TOML file's keys of the same names. SIGTERM or SIGINT
// drains: no new connections, requests in handlers finish and are answered,
// the engine answers what is queued, writes a snapshot and the store is
// closed.
//
// `baygrid tokens create --db F --role admin --name ops [--scope N] [--id N]`
// creates an API token offline (the server must not hold the file) and
// prints its secret once (cmd/offline.cc: the HTTP verb with --db).
#pragma once

#include <cstdint>
#include <string>

#include "cmd/registry.h"
#include "common/status.h"

namespace bg::cmd {

struct ServeOptions {
  std::string config;  // TOML file, optional
  std::string db = "baygrid.db";
  std::string listen = "127.0.0.1:8080";
  std::string scenario;
  uint32_t threads = 4;
  bool log_requests = false;
  uint32_t webhook_poll_ms = 250;
  bool no_notices = false;  // derive and deliver no notices
  // The web console's built files (web/dist); "": found beside the binary
  // (api::FindWebDir), or none.
  std::string web;
  // PostgreSQL only: wait for the writer lease; its TTL; who holds it
  // ("": host:pid).
  bool standby = false;
  uint32_t lease_ttl_ms = 10'000;
  std::string holder;
};

Status RunServe(ServeOptions options);

struct TokenOptions {
  std::string db;
  std::string role = "admin";
  uint64_t scope = 0;
  uint64_t id = 0;  // 0: the next free id
  std::string name = "admin";
  std::string stage = "any";      // an operator's step: reviewer, approver, finance
  uint32_t expires_in_days = 90;  // 0: never
};

Status RunTokenCreate(const TokenOptions& o);

// `serve`.
void RegisterServe(Registry& registry);

}  // namespace bg::cmd
