#include "bench/usage_load.h"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <map>
#include <thread>
#include <vector>

#include "common/work_dir.h"
#include "engine/engine.h"
#include "metering/usage.h"
#include "programme/reconcile.h"
#include "settlement/settlement.h"
#include "storage/sqlite_store.h"
#include "world/builtin.h"
#include "world/commands.h"
#include "world/world.h"

namespace bg::bench {
namespace {

using Clock = std::chrono::steady_clock;

double Seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

// Splits [0, n) into `parts` contiguous ranges and runs f(begin, end) on a
// thread each.
template <typename F>
void OnThreads(size_t n, uint32_t parts, F f) {
  std::vector<std::thread> threads;
  for (uint32_t t = 0; t < parts; ++t) {
    const size_t begin = n * t / parts;
    const size_t end = n * (t + 1) / parts;
    threads.emplace_back([&f, begin, end] { f(begin, end); });
  }
  for (std::thread& th : threads) th.join();
}

struct Placed {
  OrderId order;
  ProviderId provider;
  uint64_t start_s = 0;
  uint32_t walltime_s = 0;
};

// Loads the scenario, registers every provider's key and places the jobs
// (one card each, two days of walltime, for an enterprise of Zhuhai's
// automatic grant so that every record posts a subsidy).
Result<std::vector<Placed>> Prepare(engine::Engine& e, const UsageBenchOptions& o) {
  BG_ASSIGN_OR_RETURN(world::World scenario, world::Load(o.scenario));
  for (state::CommandBody& body : world::ToCommands(scenario)) {
    BG_ASSIGN_OR_RETURN(state::CommandResult r, e.Execute(std::move(body)));
    if (auto refused = world::Refusal(r)) return InvalidArgument(*refused);
  }
  EnterpriseId who;
  for (const auto& en : scenario.enterprises) {
    if (en.name == "Xiangzhou Robotics") who = en.id;
  }
  if (who.is_zero()) return InvalidArgument("the scenario has no enterprise Xiangzhou Robotics");
  for (const auto& p : scenario.providers) {
    BG_RETURN_IF_ERROR(e.Execute(state::RegisterProviderKey{
                                     p.id, metering::KeyPairFromNumber(p.id.value()).public_key})
                           .status());
  }
  std::vector<Placed> placed;
  for (uint32_t i = 1; i <= o.jobs; ++i) {
    scheduler::SubmitJob job{
        .request = {.id = OrderId(i), .enterprise = who, .cards = 1, .walltime_s = 2 * 86'400}};
    BG_ASSIGN_OR_RETURN(state::CommandResult r, e.Execute(job));
    if (std::get<scheduler::JobOutcome>(r).status != scheduler::JobStatus::kRunning) continue;
    e.Read([&](const state::State& s) {
      const scheduler::Job& j = *s.scheduler().FindJob(OrderId(i));
      const network::Site& site = *s.network().FindSite(s.network().FindPool(j.pool)->site);
      placed.push_back({OrderId(i), site.provider, j.start_at / kNanosPerSecond,
                        j.submitted.request.walltime_s});
      return 0;
    });
  }
  if (placed.empty()) return InvalidArgument("no job could be placed");
  return placed;
}

// Record k of a job: minute k of its life, on its one card.
std::vector<metering::UsageRecord> MakeRecords(const std::vector<Placed>& placed, uint64_t n,
                                               uint32_t threads, bool sign_each) {
  std::vector<metering::UsageRecord> out(n);
  const uint64_t per_job = (n + placed.size() - 1) / placed.size();
  OnThreads(n, threads, [&](size_t begin, size_t end) {
    for (size_t i = begin; i < end; ++i) {
      const Placed& p = placed[i / per_job];
      const uint64_t k = i % per_job;
      metering::UsageRecord& r = out[i];
      r = {.id = p.order.value() * 1'000'000 + k,
           .provider = p.provider,
           .order = p.order,
           .start_s = p.start_s + k * 60,
           .end_s = p.start_s + (k + 1) * 60,
           .cards = 1};
      if (sign_each) {
        metering::SignRecord(&r, metering::KeyPairFromNumber(p.provider.value()).secret_key);
      }
    }
  });
  return out;
}

// The submissions of records [begin, end): at most `batch` records each,
// never two providers in one; signed as a batch when `batch_signed`.
std::vector<state::SubmitUsage> MakeSubmissions(const std::vector<metering::UsageRecord>& records,
                                                size_t begin, size_t end, uint32_t batch,
                                                bool batch_signed) {
  std::vector<state::SubmitUsage> out;
  for (size_t at = begin; at < end;) {
    size_t stop = std::min(end, at + batch);
    for (size_t i = at + 1; i < stop; ++i) {
      if (records[i].provider != records[at].provider) stop = i;
    }
    state::SubmitUsage c;
    c.records.assign(records.begin() + static_cast<std::ptrdiff_t>(at),
                     records.begin() + static_cast<std::ptrdiff_t>(stop));
    if (batch_signed) {
      c.batch_signature = metering::SignBatch(
          c.records, metering::KeyPairFromNumber(records[at].provider.value()).secret_key);
    }
    out.push_back(std::move(c));
    at = stop;
  }
  return out;
}

}  // namespace

Status RunUsageBench(const UsageBenchOptions& o) {
  if (o.records == 0 || o.jobs == 0 || o.batch == 0 || o.batch > metering::kMaxUsagePerCommand ||
      o.threads == 0 || o.in_flight == 0) {
    return InvalidArgument("bench usage needs positive sizes and --batch <= " +
                           std::to_string(metering::kMaxUsagePerCommand));
  }
  if (o.signing != "record" && o.signing != "batch") {
    return InvalidArgument("--signing '" + o.signing + "': record or batch");
  }
  if (o.records / o.jobs > uint64_t{2} * 24 * 60) {
    return InvalidArgument("at most 2,880 records (minutes) per job: raise --jobs");
  }
  BG_ASSIGN_OR_RETURN(const std::string dir, WorkDir(o.dir));
  std::printf("usage bench: %llu signed records over %u jobs, batches of %u, %u threads, dir %s\n",
              static_cast<unsigned long long>(o.records),  // NOLINT(google-runtime-int)
              o.jobs, o.batch, o.threads, dir.c_str());

  BG_ASSIGN_OR_RETURN(auto store, storage::SqliteStore::Open({.path = dir + "/usage.db"}));
  // The records describe two days of use after the jobs start: the clock
  // jumps ahead once the jobs are placed (usage is never for the future),
  // to just after their walltime, inside the grace period in which late
  // usage still counts (scheduler::kFinishGraceS; then the engine finishes
  // the jobs by itself).
  SystemClock wall;
  VirtualClock clock(wall.Now());
  engine::EngineOptions options;
  // Several submissions per storage transaction (each record may use up to
  // Scheduler::kBillEvents logical timestamps).
  options.max_batch_events = size_t{1} << 24;
  BG_ASSIGN_OR_RETURN(auto engine, engine::Engine::Open(store.get(), &clock, options));
  BG_ASSIGN_OR_RETURN(const std::vector<Placed> placed, Prepare(*engine, o));
  clock.Set(clock.Now() + (Timestamp{2} * 86'400 + 60) * kNanosPerSecond);
  const bool batch_signed = o.signing == "batch";
  const std::vector<metering::UsageRecord> records =
      MakeRecords(placed, o.records, o.threads, !batch_signed);
  // Each thread's share, in submissions, signed as the providers would (not timed).
  std::vector<std::vector<state::SubmitUsage>> shares(o.threads);
  OnThreads(o.threads, o.threads, [&](size_t t, size_t) {
    shares[t] = MakeSubmissions(records, records.size() * t / o.threads,
                                records.size() * (t + 1) / o.threads, o.batch, batch_signed);
  });
  std::printf("  %zu jobs running, %zu records signed by their providers (%s)\n", placed.size(),
              records.size(), batch_signed ? "one signature per batch" : "one per record");
  std::fflush(stdout);

  // The yardstick: verification alone, on the same threads, keys at hand.
  std::map<ProviderId, metering::PublicKey> keys;
  for (const Placed& p : placed) {
    keys[p.provider] = metering::KeyPairFromNumber(p.provider.value()).public_key;
  }
  std::atomic<uint64_t> verified{0};
  const auto v0 = Clock::now();
  OnThreads(o.threads, o.threads, [&](size_t t, size_t) {
    uint64_t ok = 0;
    for (const state::SubmitUsage& c : shares[t]) {
      for (uint8_t v : metering::VerifySignatures(c, [&](ProviderId p) { return &keys.at(p); })) {
        ok += v;
      }
    }
    verified += ok;
  });
  const double verify_s = Seconds(Clock::now() - v0);
  if (verified != records.size()) return Internal("a benchmark record does not verify");

  // The ingest: each thread submits its share, keeping a few submissions in
  // flight; a submission counts when its answer (after the durable commit)
  // is in.
  const engine::EngineStats before = engine->stats();
  std::atomic<uint64_t> refused{0};
  const auto t0 = Clock::now();
  OnThreads(o.threads, o.threads, [&](size_t t, size_t) {
    std::deque<std::future<Result<state::CommandResult>>> in_flight;
    auto finish_one = [&] {
      Result<state::CommandResult> r = in_flight.front().get();
      in_flight.pop_front();
      if (!r.ok()) {
        refused += 1;
        return;
      }
      for (metering::UsageResult u : std::get<metering::UsageOutcome>(*r).results) {
        if (u != metering::UsageResult::kOk) refused += 1;
      }
    };
    for (state::SubmitUsage& c : shares[t]) {
      in_flight.push_back(engine->Submit(std::move(c)));
      if (in_flight.size() >= o.in_flight) finish_one();
    }
    while (!in_flight.empty()) finish_one();
  });
  const double ingest_s = Seconds(Clock::now() - t0);
  const engine::EngineStats after = engine->stats();
  if (refused != 0) {
    return Internal(std::to_string(refused.load()) + " benchmark records were refused");
  }
  const uint64_t batches = after.batches - before.batches;
  std::printf(
      "  engine: %llu batches, %.1f submissions/batch, apply %.2f ms/batch, "
      "commit %.2f ms/batch\n",
      static_cast<unsigned long long>(batches),  // NOLINT(google-runtime-int)
      static_cast<double>(after.commands - before.commands) / static_cast<double>(batches),
      static_cast<double>(after.apply_ns - before.apply_ns) / 1e6 / static_cast<double>(batches),
      static_cast<double>(after.commit_ns - before.commit_ns) / 1e6 / static_cast<double>(batches));

  // The money must still add up after the run.
  const std::string broken = engine->Read([](const state::State& s) {
    std::string b = programme::CheckReconciled(s.book(), s.registry(), s.ledger());
    if (b.empty()) b = settlement::CheckStatements(s.settlement(), s.registry(), s.ledger());
    if (b.empty()) b = s.ledger().CheckInvariants();
    return b;
  });
  if (!broken.empty()) return Internal("after the run: " + broken);
  const Money charged = engine->Read([](const state::State& s) {
    Money m;
    for (const auto& [id, j] : s.scheduler().jobs()) m = *m.Add(j.charged);
    return m;
  });
  BG_RETURN_IF_ERROR(engine->Shutdown());
  engine.reset();
  store.reset();
  if (o.dir.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);  // a temp dir of ours
  }

  const double per_s = static_cast<double>(records.size()) / ingest_s;
  const double verify_per_s = static_cast<double>(records.size()) / verify_s;
  std::printf("  verify only (%u threads)   %10.0f records/s\n", o.threads, verify_per_s);
  std::printf(
      "  ingest, durable on SQLite %10.0f records/s  (%.2f s, charged %s yuan, "
      "statements = ledger = lines)\n",
      per_s, ingest_s, charged.ToYuanString().c_str());
  std::printf("RESULT usage records_per_s=%.0f verify_only_per_s=%.0f ratio=%.3f signing=%s\n",
              per_s, verify_per_s, per_s / verify_per_s, o.signing.c_str());
  return Status::Ok();
}

}  // namespace bg::bench
