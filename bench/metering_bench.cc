// How fast usage records verify: the signature check is the ceiling of
// usage ingestion (issue 5's goal: >= 50,000 records/s durable on SQLite
// on 2 cores), so it is measured alone, on one and on two threads.
#include <benchmark/benchmark.h>

#include "metering/usage.h"

namespace {

void BM_VerifyUsageRecord(benchmark::State& state) {
  std::array<uint8_t, 32> seed{};
  seed.fill(9);
  const bg::metering::KeyPair k = bg::metering::KeyPairFromSeed(seed);
  bg::metering::UsageRecord r{.id = 1,
                              .provider = bg::ProviderId(1),
                              .order = bg::OrderId(2),
                              .start_s = 1000,
                              .end_s = 2000,
                              .cards = 8};
  r.signature = bg::metering::Sign(bg::metering::SignedBytes(r), k.secret_key);
  for (auto _ : state) {
    benchmark::DoNotOptimize(
        bg::metering::Verify(bg::metering::SignedBytes(r), r.signature, k.public_key));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_VerifyUsageRecord)->Threads(1)->Threads(2)->UseRealTime();

}  // namespace
