// `baygrid bench usage-requests`: prepares a database for the HTTP usage
// benchmark (scripts/bench_http.sh) and writes its request bodies. On the
// database (the demo month's, or a fresh one with the scenario loaded) it
// registers every provider's key and places `jobs` one-card jobs for a
// week, started two days ago by the wall clock, so that the records (the
// first two days of each job, minute by minute) are in the past when the
// server takes them and the jobs still run. Then it writes one
// POST /v1/usage body per line: `batch` records of one provider, signed
// once per body (metering/usage.h, SignBatch).
#pragma once

#include <cstdint>
#include <string>

#include "common/status.h"

namespace bg::bench {

struct UsageRequestsOptions {
  std::string db;                // the SQLite file to prepare (the server is not running)
  std::string out;               // where the bodies go, one per line
  std::string scenario = "gba";  // loaded if the database is empty
  uint64_t records = 1'000'000;
  uint32_t jobs = 400;
  uint32_t batch = 100;
  uint64_t first_job = 1'000'000'000;  // job ids from here, clear of the demo's
};

Status WriteUsageRequests(const UsageRequestsOptions& options);

}  // namespace bg::bench
