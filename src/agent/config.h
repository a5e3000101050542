// The agent's configuration, one TOML file a data-centre operator writes
// (docs/agent.md has a whole example):
//
//   server = "http://baygrid.example:8080"
//   token_file = "/etc/baygrid/provider.token"   # the provider's API token
//   key_file = "/etc/baygrid/provider.key"       # from `baygrid keys generate`
//   provider = 1                                 # its id on the platform
//   cluster = "shaoguan"                         # names runs bg-<cluster>-<job>
//   state = "/var/lib/baygrid-agent/agent.db"
//   executor = "slurm"                           # or "local"
//   command = "/opt/launch.sh"                   # what a placement runs (sh -c)
//
//   [[pool]]                                     # one per platform pool
//   id = 1
//   partition = "gpu"
//   account = "baygrid"
//   gres = "a800"
//
// Every key is checked: a misspelt one is an error, not silently ignored.
// This file and world.cc are the two that include toml++.
//
// Thread-safety: values.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/result.h"

namespace bg::agent {

struct PoolMap {
  uint64_t pool = 0;           // the platform's pool id
  std::string partition = {};  // Slurm partition
  std::string account = {};    // Slurm account ("" for the default)
  std::string gres = {};       // GPU type in Slurm's gres ("a800")
  std::string command = {};    // overrides the top-level command
  uint32_t local_cards = 0;    // the local executor's cards of this type
};

struct Config {
  std::string server = {};
  std::string token = {};
  std::string key_file = {};
  uint64_t provider = 0;
  std::string cluster = {};
  std::string state = {};
  std::string executor = "slurm";
  std::string local_dir = {};  // the local executor's run files
  std::string command = "sleep \"$BG_WALLTIME_S\"";
  uint64_t poll_ms = 5'000;  // one cycle every
  // A full listing of the placements at least this often (it is how a
  // cancelled job is noticed); cycles between ask only for new ones.
  uint64_t full_sync_ms = 60'000;
  uint64_t usage_window_s = 60;     // usage is reported in windows this long
  uint64_t margin_s = 60;           // the scheduler's limit ends this much before the order's
  uint64_t lookback_s = 172'800;    // two days: ended runs are re-scanned this far back
  bool offer_capacity = true;       // false: the pools' offers are left as they are
  std::string metrics_listen = {};  // "127.0.0.1:9464"; empty: no /metrics
  std::string metrics_host = {};    // metrics_listen's two halves (port 0: any free one)
  uint16_t metrics_port = 0;
  std::vector<PoolMap> pools = {};

  const PoolMap* FindPool(uint64_t pool) const;
};

// Reads and checks a config file; relative paths in it are taken from the
// file's own folder.
Result<Config> LoadConfig(const std::string& path);
// The same from text (tests); `dir` resolves relative paths.
Result<Config> ParseConfig(const std::string& text, const std::string& source,
                           const std::string& dir);

}  // namespace bg::agent
