// Micro-benchmarks of the ledger's hot paths: applying a batch of transfers
// (with and without the batch undo log) and hashing a journal entry.
#include <benchmark/benchmark.h>

#include "common/rng.h"
#include "engine/journal.h"
#include "ledger/ledger.h"

namespace bg {
namespace {

constexpr LedgerId kCny(1);
constexpr uint64_t kAccounts = 10'000;

ledger::Ledger FundedLedger() {
  ledger::Ledger l;
  std::vector<ledger::Account> accounts;
  for (uint64_t i = 1; i <= kAccounts; ++i) {
    accounts.push_back({.id = AccountId(i), .ledger = kCny, .code = 1});
  }
  (void)l.CreateAccounts(accounts, 1);
  return l;
}

std::vector<ledger::Transfer> Batch(Rng& rng, uint64_t* next_id, size_t n) {
  std::vector<ledger::Transfer> out;
  out.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    uint64_t dr = 1 + rng.Uniform(kAccounts);
    uint64_t cr = 1 + rng.Uniform(kAccounts - 1);
    if (cr >= dr) ++cr;
    out.push_back({.id = TransferId((*next_id)++),
                   .debit_account_id = AccountId(dr),
                   .credit_account_id = AccountId(cr),
                   .amount = rng.Range(1, 10'000),
                   .ledger = kCny,
                   .code = 1});
  }
  return out;
}

void BM_CreateTransfers(benchmark::State& state) {
  const bool batch_undo = state.range(1) != 0;
  ledger::Ledger l = FundedLedger();
  Rng rng(1);
  uint64_t next_id = 1;
  Timestamp ts = 1'000'000;
  for (auto _ : state) {
    state.PauseTiming();
    auto batch = Batch(rng, &next_id, static_cast<size_t>(state.range(0)));
    state.ResumeTiming();
    if (batch_undo) l.BeginBatch();
    benchmark::DoNotOptimize(l.CreateTransfers(batch, ts));
    if (batch_undo) l.CommitBatch();
    ts += batch.size();
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_CreateTransfers)->Args({8190, 0})->Args({8190, 1})->Args({128, 1});

void BM_JournalEntry(benchmark::State& state) {
  Rng rng(2);
  uint64_t next_id = 1;
  std::vector<state::Command> commands{
      state::Command{1, state::CreateTransfers{Batch(rng, &next_id, 8190)}}};
  for (auto _ : state) {
    benchmark::DoNotOptimize(engine::MakeEntry(1, Hash256{}, commands));
  }
  state.SetItemsProcessed(state.iterations() * 8190);
}
BENCHMARK(BM_JournalEntry);

}  // namespace
}  // namespace bg
