// `baygrid bench ledger`: the ledger load generator. It applies the same
// seeded stream of transfers (a) to the in-memory ledger alone, (b) through
// the engine onto SQLite with synchronous=FULL, and (c) to a conventional SQL
// ledger with one transaction per transfer, and prints transfers/s and batch
// latencies for each, ending with one machine-readable RESULT line.
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
};

Status RunLedgerBench(const LedgerBenchOptions& options);

}  // namespace bg::bench
