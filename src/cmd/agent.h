// `baygrid agent --config agent.toml`: the provider agent (agent/agent.h)
// as a long-running process — a cycle every poll_ms, JSON lines on stderr,
// /metrics when `metrics_listen` is set, SIGTERM ends it after the cycle
// under way.
#pragma once

#include "cmd/registry.h"

namespace bg::cmd {

void RegisterAgent(Registry& registry);

}  // namespace bg::cmd
