#include "bench/ledger_load.h"

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <future>
#include <vector>

#include "common/rng.h"
#include "common/work_dir.h"
#include "engine/engine.h"
#include "storage/pg_baseline.h"
#include "storage/pg_scratch.h"
#include "storage/postgres_store.h"
#include "storage/sql_baseline.h"
#include "storage/sqlite_store.h"

namespace bg::bench {
namespace {

using Clock = std::chrono::steady_clock;
constexpr LedgerId kCny(1);
constexpr int64_t kOpening = 1'000'000'000'000;  // fen on each account

struct Run {
  double tps = 0;
  double p50_ms = 0;
  double p99_ms = 0;
};

double Millis(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

Run Summarise(uint64_t transfers, Clock::duration total, std::vector<double> latencies_ms) {
  Run run;
  run.tps = static_cast<double>(transfers) / std::chrono::duration<double>(total).count();
  std::sort(latencies_ms.begin(), latencies_ms.end());
  if (!latencies_ms.empty()) {
    run.p50_ms = latencies_ms[latencies_ms.size() / 2];
    run.p99_ms = latencies_ms[std::min(latencies_ms.size() - 1, latencies_ms.size() * 99 / 100)];
  }
  return run;
}

// Account 0 of the workload is a funding account; every other account gets
// kOpening from it first. Then random transfers between random accounts.
std::vector<ledger::Account> MakeAccounts(uint64_t n) {
  std::vector<ledger::Account> accounts;
  accounts.reserve(n);
  for (uint64_t i = 1; i <= n; ++i) {
    accounts.push_back(
        ledger::Account{.id = AccountId(i),
                        .ledger = kCny,
                        .code = 1,
                        .flags = i == 1 ? uint16_t{0} : ledger::kDebitsMustNotExceedCredits});
  }
  return accounts;
}

std::vector<ledger::Transfer> MakeFunding(uint64_t accounts, uint64_t first_id) {
  std::vector<ledger::Transfer> funding;
  for (uint64_t i = 2; i <= accounts; ++i) {
    funding.push_back(ledger::Transfer{.id = TransferId(first_id + i),
                                       .debit_account_id = AccountId(1),
                                       .credit_account_id = AccountId(i),
                                       .amount = kOpening,
                                       .ledger = kCny,
                                       .code = 1});
  }
  return funding;
}

std::vector<ledger::Transfer> MakeTransfers(const LedgerBenchOptions& o) {
  Rng rng(o.seed);
  std::vector<ledger::Transfer> out;
  out.reserve(o.transfers);
  for (uint64_t i = 0; i < o.transfers; ++i) {
    uint64_t dr = 2 + rng.Uniform(o.accounts - 1);
    uint64_t cr = 2 + rng.Uniform(o.accounts - 2);
    if (cr >= dr) ++cr;
    out.push_back(ledger::Transfer{.id = TransferId(1 + i),
                                   .debit_account_id = AccountId(dr),
                                   .credit_account_id = AccountId(cr),
                                   .amount = rng.Range(1, 10'000),
                                   .ledger = kCny,
                                   .code = 2});
  }
  return out;
}

Hash256 BalancesHash(const ledger::Ledger& ledger) {
  Hasher h;
  for (const auto& a : ledger.accounts()) {
    h.UpdateU64(static_cast<uint64_t>(a.debits_posted));
    h.UpdateU64(static_cast<uint64_t>(a.credits_posted));
  }
  return h.Finish();
}

Run RunMemory(const LedgerBenchOptions& o, const std::vector<ledger::Transfer>& transfers,
              ledger::Ledger* ledger) {
  Timestamp ts = 1;
  // Sized up front in both runs, as the engine is told by EngineOptions.
  ledger->Reserve(o.accounts, o.transfers + o.accounts);
  auto accounts = MakeAccounts(o.accounts);
  (void)ledger->CreateAccounts(accounts, ts);
  ts += accounts.size();
  auto funding = MakeFunding(o.accounts, o.transfers + 1);
  (void)ledger->CreateTransfers(funding, ts);
  ts += funding.size();
  std::vector<double> latencies;
  const auto start = Clock::now();
  for (size_t at = 0; at < transfers.size(); at += o.batch) {
    const size_t n = std::min<size_t>(o.batch, transfers.size() - at);
    const auto t0 = Clock::now();
    ledger->BeginBatch();  // the same undo bookkeeping the engine pays for
    (void)ledger->CreateTransfers({transfers.data() + at, n}, ts);
    ledger->CommitBatch();
    latencies.push_back(Millis(Clock::now() - t0));
    ts += n;
  }
  return Summarise(transfers.size(), Clock::now() - start, std::move(latencies));
}

// The engine's store: a SQLite file, or a PostgreSQL database.
Result<std::unique_ptr<storage::Store>> OpenEngineStore(const LedgerBenchOptions& o,
                                                        const std::string& where) {
  if (o.store == "postgres") {
    BG_ASSIGN_OR_RETURN(auto store, storage::PostgresStore::Open({.url = where}));
    return std::unique_ptr<storage::Store>(std::move(store));
  }
  BG_ASSIGN_OR_RETURN(auto store, storage::SqliteStore::Open({.path = where}));
  return std::unique_ptr<storage::Store>(std::move(store));
}

Result<Run> RunEngine(const LedgerBenchOptions& o, const std::vector<ledger::Transfer>& transfers,
                      const std::string& where, Hash256* balances_hash) {
  BG_ASSIGN_OR_RETURN(std::unique_ptr<storage::Store> store, OpenEngineStore(o, where));
  SystemClock clock;
  // Group commit: the writer may put several queued commands of o.batch
  // transfers into one storage transaction (EngineOptions::max_batch_events).
  engine::EngineOptions options;
  options.reserve_accounts = o.accounts;
  options.reserve_transfers = o.transfers + o.accounts;
  BG_ASSIGN_OR_RETURN(auto engine, engine::Engine::Open(store.get(), &clock, options));
  BG_RETURN_IF_ERROR(engine->Execute(state::CreateAccounts{MakeAccounts(o.accounts)}).status());
  BG_RETURN_IF_ERROR(
      engine->Execute(state::CreateTransfers{MakeFunding(o.accounts, o.transfers + 1)}).status());

  struct InFlight {
    std::future<Result<state::CommandResult>> future;
    Clock::time_point submitted;
  };
  std::deque<InFlight> in_flight;
  std::vector<double> latencies;
  auto finish_one = [&]() -> Status {
    InFlight f = std::move(in_flight.front());
    in_flight.pop_front();
    Result<state::CommandResult> r = f.future.get();
    latencies.push_back(Millis(Clock::now() - f.submitted));
    return r.status();
  };
  const auto start = Clock::now();
  for (size_t at = 0; at < transfers.size(); at += o.batch) {
    const size_t n = std::min<size_t>(o.batch, transfers.size() - at);
    state::CreateTransfers command;
    command.transfers.assign(transfers.begin() + static_cast<std::ptrdiff_t>(at),
                             transfers.begin() + static_cast<std::ptrdiff_t>(at + n));
    in_flight.push_back({engine->Submit(std::move(command)), Clock::now()});
    if (in_flight.size() >= o.in_flight) BG_RETURN_IF_ERROR(finish_one());
  }
  while (!in_flight.empty()) BG_RETURN_IF_ERROR(finish_one());
  const auto total = Clock::now() - start;
  const engine::EngineStats stats = engine->stats();
  std::printf(
      "    engine: %llu batches, %.1f commands/batch, apply %.1f ms/batch, commit %.1f ms/batch\n",
      static_cast<unsigned long long>(stats.batches),  // NOLINT(google-runtime-int)
      static_cast<double>(stats.commands) / static_cast<double>(stats.batches),
      static_cast<double>(stats.apply_ns) / 1e6 / static_cast<double>(stats.batches),
      static_cast<double>(stats.commit_ns) / 1e6 / static_cast<double>(stats.batches));
  *balances_hash = engine->Read([](const state::State& s) { return BalancesHash(s.ledger()); });
  return Summarise(transfers.size(), total, std::move(latencies));
}

template <typename Baseline>
Result<Run> RunBaseline(const LedgerBenchOptions& o, const std::vector<ledger::Transfer>& transfers,
                        Baseline* sql) {
  BG_RETURN_IF_ERROR(sql->CreateAccounts(o.accounts, kOpening));
  const size_t n = std::min<size_t>(o.baseline_transfers, transfers.size());
  std::vector<double> latencies;
  const auto start = Clock::now();
  for (size_t i = 0; i < n; ++i) {
    const ledger::Transfer& t = transfers[i];
    const auto t0 = Clock::now();
    BG_RETURN_IF_ERROR(sql->Transfer(t.id.value(), t.debit_account_id.value(),
                                     t.credit_account_id.value(), t.amount));
    latencies.push_back(Millis(Clock::now() - t0));
  }
  return Summarise(n, Clock::now() - start, std::move(latencies));
}

// Where (b) and (c) run: two SQLite files in a directory, or two scratch
// databases on a PostgreSQL server. Removed or dropped when it goes.
class Places {
 public:
  static Result<std::unique_ptr<Places>> Make(const LedgerBenchOptions& o) {
    std::unique_ptr<Places> p(new Places());
    if (o.store == "postgres") {
      BG_ASSIGN_OR_RETURN(p->engine_db_,
                          storage::PgScratchDatabase::Create(o.pg, "bg_bench_engine"));
      BG_ASSIGN_OR_RETURN(p->baseline_db_,
                          storage::PgScratchDatabase::Create(o.pg, "bg_bench_baseline"));
      p->shown_ = "PostgreSQL databases " + p->engine_db_->name() + ", " + p->baseline_db_->name();
      return p;
    }
    BG_ASSIGN_OR_RETURN(p->dir_, WorkDir(o.dir));
    p->remove_dir_ = o.dir.empty();
    p->shown_ = "dir " + p->dir_;
    return p;
  }
  Places(const Places&) = delete;
  Places& operator=(const Places&) = delete;
  ~Places() {
    std::error_code ec;
    if (remove_dir_) std::filesystem::remove_all(dir_, ec);
  }
  std::string engine() const { return engine_db_ ? engine_db_->url() : dir_ + "/engine.db"; }
  const std::string& shown() const { return shown_; }

  Result<Run> Baseline(const LedgerBenchOptions& o,
                       const std::vector<ledger::Transfer>& transfers) const {
    if (baseline_db_) {
      BG_ASSIGN_OR_RETURN(auto sql, storage::PgBaselineLedger::Open(baseline_db_->url()));
      return RunBaseline(o, transfers, sql.get());
    }
    BG_ASSIGN_OR_RETURN(
        auto sql, storage::SqlBaselineLedger::Open(dir_ + "/baseline.db", o.baseline_page_size));
    return RunBaseline(o, transfers, sql.get());
  }

 private:
  Places() = default;
  std::string dir_;
  bool remove_dir_ = false;
  std::unique_ptr<storage::PgScratchDatabase> engine_db_;
  std::unique_ptr<storage::PgScratchDatabase> baseline_db_;
  std::string shown_;
};

}  // namespace

Status RunLedgerBench(const LedgerBenchOptions& o) {
  if (o.accounts < 3 || o.batch == 0 || o.transfers == 0 || o.in_flight == 0) {
    return InvalidArgument("bench ledger needs --accounts >= 3 and positive sizes");
  }
  const bool pg = o.store == "postgres";
  if (!pg && o.store != "sqlite") {
    return InvalidArgument("--store is sqlite or postgres, not '" + o.store + "'");
  }
  if (pg && o.pg.empty()) {
    return InvalidArgument(
        "--store postgres needs --pg URL (a server where databases may be created), or BG_PG_URL");
  }
  BG_ASSIGN_OR_RETURN(const std::unique_ptr<Places> places, Places::Make(o));
  std::printf("ledger bench: %llu accounts, %llu transfers in batches of %llu, seed %llu, %s\n",
              static_cast<unsigned long long>(o.accounts),   // NOLINT(google-runtime-int)
              static_cast<unsigned long long>(o.transfers),  // NOLINT(google-runtime-int)
              static_cast<unsigned long long>(o.batch),      // NOLINT(google-runtime-int)
              static_cast<unsigned long long>(o.seed),       // NOLINT(google-runtime-int)
              places->shown().c_str());
  const std::vector<ledger::Transfer> transfers = MakeTransfers(o);

  ledger::Ledger memory;
  const Run a = RunMemory(o, transfers, &memory);
  std::printf(
      "(a) in-memory apply            %12.0f transfers/s   batch p50 %7.2f ms  p99 %7.2f ms\n",
      a.tps, a.p50_ms, a.p99_ms);
  std::fflush(stdout);

  Hash256 engine_balances{};
  BG_ASSIGN_OR_RETURN(const Run b, RunEngine(o, transfers, places->engine(), &engine_balances));
  std::printf("(b) engine on %-17s%12.0f transfers/s   batch p50 %7.2f ms  p99 %7.2f ms\n",
              pg ? "PostgreSQL" : "SQLite (FULL)", b.tps, b.p50_ms, b.p99_ms);
  std::fflush(stdout);

  BG_ASSIGN_OR_RETURN(const Run c, places->Baseline(o, transfers));
  std::printf(
      "(c) %s ledger, 1 tx/transfer %12.0f transfers/s   each  p50 %7.2f ms  p99 %7.2f ms"
      "  (%llu transfers)\n",
      pg ? "PG " : "SQL", c.tps, c.p50_ms, c.p99_ms,
      static_cast<unsigned long long>(  // NOLINT(google-runtime-int)
          std::min(o.baseline_transfers, o.transfers)));
  const bool agree = BalancesHash(memory) == engine_balances;
  std::printf("balances of (a) and (b) agree: %s\n", agree ? "yes" : "NO");
  std::printf("ratio (b)/(c) = %.1fx\n", b.tps / c.tps);
  if (pg) {
    std::printf("RESULT ledger_pg pg_tps=%.0f baseline_tps=%.0f ratio=%.1f\n", b.tps, c.tps,
                b.tps / c.tps);
  } else {
    std::printf("RESULT ledger memory_tps=%.0f sqlite_tps=%.0f baseline_tps=%.0f ratio=%.1f\n",
                a.tps, b.tps, c.tps, b.tps / c.tps);
  }
  if (!agree) return Internal("the engine's balances differ from the in-memory run");
  return Status::Ok();
}

}  // namespace bg::bench
