// The parts both demos share (demo.h: a month in accelerated virtual time;
// demo_live.h: a day with real processes): where their time starts, money
// printed as people read it, a token per role for the person trying the
// API, and the summary printed at the end.
//
// Thread-safety: functions of their arguments; MakeTokens executes on the
// engine (safe from any thread).
#pragma once

#include <cstdint>
#include <cstdio>
#include <map>
#include <string>

#include "agent/agent.h"
#include "agent/config.h"
#include "common/clock.h"
#include "common/ids.h"
#include "common/money.h"
#include "sim/workload.h"
#include "world/world.h"

namespace bg::engine {
class Engine;
}  // namespace bg::engine

namespace bg::state {
class State;
}  // namespace bg::state

namespace bg::cmd {

// 2025-06-02 00:00 UTC. Dongguan's, Zhuhai's and Shenzhen's programmes of
// gba.toml are open; Guangming's opens on 06-06 and Huangpu's on 06-27, and
// their applications are filed then (sim/workload.h).
inline constexpr Timestamp kDemoStart = 1'748'822'400 * kNanosPerSecond;

// 1234567.89 -> "1,234,567.89".
std::string Yuan(Money m);

struct Tokens {
  std::map<std::string, std::string> secret;  // role label -> token
  EnterpriseId enterprise{};                  // whose the enterprise token is
};

// One token per role (ids 1-5), for the person trying the API; the
// enterprise's is one with money left for the whole of workload `w`.
Tokens MakeTokens(engine::Engine& e, const sim::Workload& w);

// Prints where the API and the console are, and the tokens.
void PrintWelcome(const std::string& host, uint16_t port, bool console, const Tokens& tokens);

// A provider's agent's place on the platform: a provider token of its own
// (ids from 100, named "agent of <provider>") and a config with the
// provider's pools (gres: the pool's accelerator), cluster "p<provider>".
struct AgentSeat {
  std::string token;
  agent::Config config;
};
std::map<ProviderId, AgentSeat> SeatAgents(engine::Engine& e, const world::World& scenario);
// The agents' log: one JSON line per event, with `clock`'s time and the
// provider (nothing when `log` is null).
agent::LogFn AgentLog(FILE* log, const Clock* clock, ProviderId provider);

// SIGINT and SIGTERM set a flag (Interrupted) instead of ending the process.
void CatchInterrupts();
bool Interrupted();

// Whether a person is at the terminal (stdin is one): the month is then
// paced for watching and the API stays up after it.
bool AtATerminal();

// After the run: with a person at the terminal, the API (and console)
// stay up until Ctrl-C; otherwise (stdin not a terminal: a script, CI)
// the demo ends, and says how to serve `db` again.
void KeepServing(const std::string& db);

// Per programme granted, spent and remaining; the enterprise token's money
// left; per site the metered use of what `days` offered; the flows between
// cities. `archived`: the jobs retired from the state into the store's
// archive (scheduler::kRetainEndedS), counted with the state's.
void PrintSummary(const state::State& s, uint32_t days, EnterpriseId enterprise,
                  const std::vector<scheduler::Job>& archived = {});

}  // namespace bg::cmd
