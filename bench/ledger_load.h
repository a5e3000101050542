// `baygrid bench ledger`: the ledger load generator. It applies the same
// seeded stream of transfers (a) to the in-memory ledger alone, (b) through
// the engine onto its store, and (c) to a conventional SQL ledger on the same
// database with one transaction per transfer, and prints transfers/s and
// batch latencies for each, ending with one machine-readable RESULT line.
// The store is SQLite with synchronous=FULL (`RESULT ledger ...`), or
// PostgreSQL with fsync and synchronous commit (`--store postgres --pg URL`,
// `RESULT ledger_pg ...`): each run there gets scratch databases of its own,
// dropped afterwards.
#pragma once

#include <cstdint>
#include <string>

#include "common/status.h"

namespace bg::bench {

struct LedgerBenchOptions {
  uint64_t accounts = 10'000;
  uint64_t transfers = 1'000'000;
  uint64_t batch = 8'190;
  uint64_t baseline_transfers = 20'000;  // at ~2,500/s the baseline needs ~8 s
  uint64_t in_flight = 8;                // commands the client keeps queued in (b)
  uint64_t seed = 1;
  int baseline_page_size = 4096;  // SQLite's default; the engine's file uses 32 KiB
  std::string dir;                // where the SQLite files go; "" = a temp dir
  std::string store = "sqlite";   // or "postgres"
  std::string pg;                 // a PostgreSQL server's URL (may CREATE DATABASE)
};

Status RunLedgerBench(const LedgerBenchOptions& options);

}  // namespace bg::bench
