// `baygrid bench usage`: signed usage ingested through the real engine on
// SQLite (synchronous=FULL), the way a provider agent sends it — batches of
// records submitted from several threads, each batch answered only once it
// is durable. The figure is records per second including the Ed25519
// checks; in the same run, verification alone on the same threads is the
// yardstick (the most any ingest could reach on this machine). Records are
// signed one by one, or (--signing batch) once per submission.
#pragma once

#include <cstdint>
#include <string>

#include "common/status.h"

namespace bg::bench {

struct UsageBenchOptions {
  std::string scenario = "gba";  // the built-in one, or a file
  uint64_t records = 400'000;
  uint32_t jobs = 400;
  uint32_t batch = 1'000;  // records per SubmitUsage
  uint32_t threads = 2;    // submitting threads (the server's I/O threads)
  uint32_t in_flight = 4;  // batches each thread keeps in flight
  std::string dir = {};    // for the SQLite file (default: a temp dir)
  // "record": every record signed on its own; "batch": one signature per
  // submission (metering/usage.h, SignBatch).
  std::string signing = "batch";
};

Status RunUsageBench(const UsageBenchOptions& options);

}  // namespace bg::bench
