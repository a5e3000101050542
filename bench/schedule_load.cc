#include "bench/schedule_load.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "common/rng.h"
#include "ledger/ledger.h"
#include "network/network.h"
#include "programme/book.h"
#include "programme/credit_code.h"
#include "programme/registry.h"
#include "scheduler/quote.h"
#include "scheduler/scheduler.h"

namespace bg::bench {
namespace {

using Clock = std::chrono::steady_clock;

uint64_t NanosSince(Clock::time_point t0) {
  return static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - t0).count());
}

uint64_t Percentile(std::vector<uint64_t> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())))];
}

constexpr const char* kTypes[] = {"A800", "H800", "H20", "910B", "4090"};

// The world of the benchmark: cities, providers with one site each, pools
// spread over them, enterprises, and one automatic-grant programme (50%,
// capped) so that every placement goes through the subsidy calculation.
struct World {
  programme::Registry registry;
  programme::Book book;
  ledger::Ledger ledger;
  network::Network network;
  scheduler::Scheduler sched;
  Timestamp now = 1'751'328'000 * kNanosPerSecond;

  Timestamp Next(size_t events) {
    const Timestamp t = now;
    now += events;
    return t;
  }
  scheduler::World W() { return scheduler::World{network, registry, book, ledger}; }
};

void Build(World& w, const ScheduleBenchOptions& o, Rng& rng) {
  const uint32_t cities = 10;
  programme::Jurisdiction province{
      .id = JurisdictionId(1), .code = "gd", .level = programme::JurisdictionLevel::kProvince};
  BG_CHECK(w.registry.AddJurisdiction(province) == programme::RegistryResult::kOk);
  w.book.OpenJurisdiction(province, w.Next(1), w.ledger);
  for (uint32_t c = 0; c < cities; ++c) {
    programme::Jurisdiction j{.id = JurisdictionId(2 + c),
                              .code = "city" + std::to_string(c),
                              .parent = JurisdictionId(1)};
    BG_CHECK(w.registry.AddJurisdiction(j) == programme::RegistryResult::kOk);
    w.book.OpenJurisdiction(j, w.Next(1), w.ledger);
  }
  const uint32_t providers = std::max<uint32_t>(1, o.pools / 10);
  for (uint32_t p = 0; p < providers; ++p) {
    const JurisdictionId city(2 + p % cities);
    programme::Provider prov{.id = ProviderId(p + 1),
                             .name = "Provider " + std::to_string(p),
                             .credit_code = programme::SyntheticCreditCode('B', p),
                             .home = city};
    BG_CHECK(w.registry.AddProvider(prov) == programme::RegistryResult::kOk);
    BG_CHECK(w.network.AddSite({.id = SiteId(p + 1),
                                .code = "site" + std::to_string(p),
                                .city = city,
                                .provider = prov.id}) == network::NetworkResult::kOk);
  }
  for (uint32_t i = 0; i < o.pools; ++i) {
    const int64_t shared = 150 + static_cast<int64_t>(rng.Uniform(1500));  // 1.50–16.50 yuan
    network::Pool pool{.id = PoolId(i + 1),
                       .site = SiteId(1 + i % providers),
                       .accelerator = kTypes[i % 5],
                       .domestic = i % 5 == 3,
                       .memory_gb = 80,
                       .cards_total = o.cards_per_pool,
                       .cards_offered = o.cards_per_pool,
                       .price = {Money::Fen(shared), Money::Fen(shared * 156 / 100),
                                 Money::Fen(shared * 250 / 100)}};
    BG_CHECK(w.network.AddPool(pool) == network::NetworkResult::kOk);
  }
  for (uint32_t e = 0; e < o.enterprises; ++e) {
    programme::Enterprise ent;
    ent.id = EnterpriseId(e + 1);
    ent.credit_code = programme::SyntheticCreditCode('A', e);
    ent.name = "Enterprise " + std::to_string(e);
    ent.applicant = {.id = ent.id,
                     .home = JurisdictionId(2 + e % cities),
                     .flags = e % 3 == 0 ? programme::kSme : 0u};
    BG_CHECK(w.registry.AddEnterprise(ent) == programme::RegistryResult::kOk);
  }
  programme::ProgrammeRules auto_grant;
  auto_grant.id = ProgrammeId(1);
  auto_grant.name = "Province automatic grant";
  auto_grant.issuer = JurisdictionId(1);
  auto_grant.level = programme::JurisdictionLevel::kProvince;
  auto_grant.valid_until = w.now + 3650ULL * 86'400 * kNanosPerSecond;
  auto_grant.total_budget = Money::Fen(int64_t{1} << 50);
  auto_grant.default_ratio_bp = 5000;
  auto_grant.default_entity_year_cap = Money::Fen(100'000'000);
  auto_grant.redemption = programme::RedemptionMode::kAutomaticGrant;
  BG_CHECK(w.registry.AddProgramme(auto_grant) == programme::RegistryResult::kOk);
  w.book.OpenProgramme(auto_grant, w.registry, w.Next(4), w.ledger);
}

scheduler::JobRequest RandomJob(uint64_t id, const ScheduleBenchOptions& o, Rng& rng) {
  return scheduler::JobRequest{.id = OrderId(id),
                               .enterprise = EnterpriseId(1 + rng.Uniform(o.enterprises)),
                               .accelerator = kTypes[rng.Uniform(5)],
                               .cards = static_cast<uint32_t>(1u << rng.Uniform(5)),
                               .walltime_s = static_cast<uint32_t>(3600 * (1 + rng.Uniform(10)))};
}

// Queues every job: the pools offer nothing while they arrive.
void Enqueue(World& w, const ScheduleBenchOptions& o, Rng& rng, uint64_t jobs) {
  for (const auto& [id, pool] : w.network.pools()) {
    BG_CHECK(w.network.SetOffered(id, 0) == network::NetworkResult::kOk);
  }
  for (uint64_t i = 1; i <= jobs; ++i) {
    const scheduler::JobOutcome out =
        w.sched.Apply(scheduler::SubmitJob{.request = RandomJob(i, o, rng)}, w.W(),
                      w.Next(scheduler::kPlacementEvents));
    BG_CHECK(out.status == scheduler::JobStatus::kQueued) << out.message;
  }
  for (const auto& [id, pool] : w.network.pools()) {
    BG_CHECK(w.network.SetOffered(id, o.cards_per_pool) == network::NetworkResult::kOk);
  }
}

// Finishes every running job, so the next passes have the cards again.
void FinishAll(World& w) {
  std::vector<OrderId> running;
  for (const auto& [id, job] : w.sched.jobs()) {
    if (job.status == scheduler::JobStatus::kRunning) running.push_back(id);
  }
  for (OrderId id : running) {
    BG_CHECK(w.sched.Apply(scheduler::FinishJob{id}, w.W(), w.Next(scheduler::kSettleEvents)).ok());
  }
}

// The yardstick: one decision is one queued job scanned against every pool
// of the network, with the full claim calculation for each pool that can
// run it — no index, no cache, no shortcut.
uint64_t NaiveDecision(World& w, const std::vector<OrderId>& queue, size_t* next) {
  const auto t0 = Clock::now();
  if (*next < queue.size()) {
    const scheduler::Job& job = *w.sched.FindJob(queue[(*next)++]);
    const scheduler::JobRequest& r = job.submitted.request;
    std::optional<std::pair<Money, PoolId>> best;
    for (const auto& [id, pool] : w.network.pools()) {
      if (scheduler::Filter(pool, r)) continue;
      auto use = w.sched.use().find(id);
      const scheduler::PoolUse idle;
      const scheduler::Timing t = scheduler::Time(
          w.network, pool, use == w.sched.use().end() ? idle : use->second, r, w.now);
      if (!t.starts_now) continue;
      const Money list = scheduler::ListCost(pool.price[0], r.cards, r.walltime_s);
      const programme::Outcome q = w.book.Quote(
          scheduler::ClaimFor(r, pool, w.network, w.registry, list), w.registry, w.now, w.ledger);
      const Money oop = Money::Fen(list.fen() - (q.subsidy ? q.subsidy->subsidy.fen() : 0));
      if (!best || oop < best->first) best = std::pair{oop, id};
    }
    (void)best;
  }
  return NanosSince(t0);
}

}  // namespace

Status RunScheduleBench(const ScheduleBenchOptions& o) {
  Rng rng(o.seed);
  World w;
  Build(w, o, rng);
  std::printf(
      "schedule bench: %u pools of %u cards (%u providers), %llu queued jobs, %u enterprises\n",
      o.pools, o.cards_per_pool, std::max<uint32_t>(1, o.pools / 10),
      static_cast<unsigned long long>(o.jobs), o.enterprises);
  Enqueue(w, o, rng, o.jobs);

  // (1) Quotes: one job across every pool of the network.
  std::vector<uint64_t> quote_ns;
  for (uint32_t i = 0; i < o.quotes; ++i) {
    const scheduler::JobRequest r = RandomJob(o.jobs + 1 + i, o, rng);
    const auto t0 = Clock::now();
    const scheduler::Quote q = w.sched.QuoteFor(r, w.network, w.registry, w.book, w.ledger, w.now);
    quote_ns.push_back(NanosSince(t0));
    BG_CHECK(q.options.size() + q.excluded.size() == o.pools);
  }

  // (2) The yardstick on a copy of the same queue.
  std::vector<OrderId> fifo(w.sched.queue().begin(), w.sched.queue().end());
  uint64_t naive_ns = 0;
  size_t cursor = 0;
  for (uint32_t i = 0; i < o.naive_decisions; ++i) naive_ns += NaiveDecision(w, fifo, &cursor);
  const double naive_per_s =
      1e9 * o.naive_decisions / static_cast<double>(std::max<uint64_t>(1, naive_ns));

  // (3) Placement passes until the queue is empty, freeing the cards whenever
  // a pass can place nothing more.
  std::vector<uint64_t> decision_ns;
  decision_ns.reserve(o.jobs * 2);
  uint64_t placed_total = 0, decisions = 0;
  w.sched.set_decision_observer([&](uint64_t ns, bool placed) {
    decision_ns.push_back(ns);
    ++decisions;
    placed_total += placed ? 1 : 0;
  });
  const auto t0 = Clock::now();
  uint64_t pass_ns = 0, passes = 0;
  while (!w.sched.queue().empty()) {
    ++passes;
    const auto p0 = Clock::now();
    const scheduler::JobOutcome out =
        w.sched.Apply(scheduler::Schedule{.max_jobs = scheduler::kMaxPlacementsPerPass}, w.W(),
                      w.Next(scheduler::kPlacementEvents * scheduler::kMaxPlacementsPerPass));
    pass_ns += NanosSince(p0);
    if (out.placed == 0) FinishAll(w);
  }
  const double wall_s = static_cast<double>(NanosSince(t0)) / 1e9;
  // A decision is one queued job considered by a pass: placed, or left to
  // wait (most of them once the network is full).
  const double per_s = static_cast<double>(decisions) / (static_cast<double>(pass_ns) / 1e9);
  const double placements_per_s =
      static_cast<double>(placed_total) / (static_cast<double>(pass_ns) / 1e9);
  uint64_t in_decisions = 0;
  for (uint64_t ns : decision_ns) in_decisions += ns;
  const uint64_t p50 = Percentile(decision_ns, 0.50), p99 = Percentile(decision_ns, 0.99);
  const uint64_t q50 = Percentile(quote_ns, 0.50), q99 = Percentile(quote_ns, 0.99);
  std::printf(
      "decisions: %llu (placed or left to wait) in %.2f s of passes (%.2f s with "
      "finishing): %.0f decisions/s; %llu placements, %.0f placements/s\n",
      static_cast<unsigned long long>(decisions), static_cast<double>(pass_ns) / 1e9, wall_s, per_s,
      static_cast<unsigned long long>(placed_total), placements_per_s);
  std::printf(
      "decision latency: p50 %.1f us, p99 %.1f us; %.2f s inside decisions, %.2f s "
      "ordering the queue in %llu passes\n",
      static_cast<double>(p50) / 1e3, static_cast<double>(p99) / 1e3,
      static_cast<double>(in_decisions) / 1e9,
      static_cast<double>(pass_ns - std::min(pass_ns, in_decisions)) / 1e9,
      static_cast<unsigned long long>(passes));
  std::printf("quote across %u pools: p50 %.1f us, p99 %.1f us (%u quotes)\n", o.pools,
              static_cast<double>(q50) / 1e3, static_cast<double>(q99) / 1e3, o.quotes);
  std::printf(
      "naive scan (each job against every pool, full claim calculation per pool): %.0f "
      "decisions/s over %u decisions\n",
      naive_per_s, o.naive_decisions);
  std::printf(
      "RESULT schedule decisions_per_s=%.0f p99_us=%.1f quote_p99_us=%.1f naive_ratio=%.1f\n",
      per_s, static_cast<double>(p99) / 1e3, static_cast<double>(q99) / 1e3,
      per_s / std::max(naive_per_s, 1e-9));
  return Status::Ok();
}

}  // namespace bg::bench
