// `baygrid demo`: the README's main job. A server on an embedded SQLite
// file with the Greater Bay Area scenario (built in, world/builtin.h;
// --scenario names another file); seeded synthetic demand — enterprises
// applying for vouchers when each programme opens, training and inference
// jobs — played through the engine in accelerated virtual time; simulated
// providers that run placed jobs and send signed usage; a progress line per
// simulated day (jobs placed, the subsidy charged so far, the day's
// utilisation) and, at the end or on Ctrl-C, a summary: per programme
// granted, spent and remaining, per site utilisation, and the cross-city
// flows. The same seed gives the same numbers.
//
//   baygrid demo                 serve on 127.0.0.1:8080, 10 h of virtual time per real second
//   baygrid demo --days 30 --seed 7 --headless
//                                as fast as it can, no server for people, ends with
//     RESULT programmes total=<n> granting=<n> stacked_orders=<n>
//     RESULT demo jobs=<n> subsidy_yuan=<n> utilisation=<x> ledger_balanced=<true|false>
//   baygrid demo --live          a day with real processes (demo_live.h)
//
// The simulated providers are the real agent (`baygrid agent`'s code) on
// the scripted executor (agent/scripted.h), since no process keeps up with
// a month played in a minute; --live runs them on the local executor.
#pragma once

#include <cstdint>
#include <string>

#include "cmd/registry.h"
#include "common/status.h"

namespace bg::cmd {

struct DemoOptions {
  std::string scenario = "gba";  // the built-in one, or a file
  std::string db;                // default: a fresh file in a temp dir
  std::string listen = "127.0.0.1:8080";
  // 0 in the three below: the mode's default (WithDefaults).
  uint32_t days = 0;  // 30; live: 1
  uint64_t seed = 7;
  uint32_t jobs = 0;   // 6,000; live: 40
  uint32_t speed = 0;  // virtual seconds per real second (not headless): 36,000; live: 720
  bool headless = false;
  bool live = false;       // real processes on the local executor (demo_live.h)
  std::string agents_log;  // the providers' agents' JSON lines go here ("": nowhere)
};

// `o` with each 0 replaced by its mode's default.
DemoOptions WithDefaults(DemoOptions o);

Status RunDemo(const DemoOptions& options);

void RegisterDemo(Registry& registry);

}  // namespace bg::cmd
