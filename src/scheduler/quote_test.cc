// One test per pipeline step (filter -> time -> price -> rank), each on its
// own, then the whole quote on the GBA network.
#include "scheduler/quote.h"

#include <gtest/gtest.h>

#include "common/rng.h"
#include "programme/credit_code.h"
#include "world/world.h"

namespace bg::scheduler {
namespace {

network::Pool A800(uint32_t offered = 16) {
  return network::Pool{.id = PoolId(1),
                       .site = SiteId(1),
                       .accelerator = "A800",
                       .memory_gb = 80,
                       .cards_total = 16,
                       .cards_offered = offered,
                       .price = {Money::Fen(650), Money::Fen(1014), Money::Fen(1625)}};
}

JobRequest Job(uint32_t cards, uint32_t hours) {
  return JobRequest{.id = OrderId(1),
                    .enterprise = EnterpriseId(1),
                    .accelerator = "A800",
                    .cards = cards,
                    .walltime_s = hours * 3600};
}

TEST(FilterTest, SaysWhyAPoolCannotRunAJob) {
  EXPECT_EQ(Filter(A800(), Job(8, 1)), std::nullopt);
  JobRequest h800 = Job(8, 1);
  h800.accelerator = "H800";
  EXPECT_EQ(Filter(A800(), h800)->en, "wrong accelerator: A800, the job asks for H800");
  EXPECT_EQ(Filter(A800(), h800)->zh, "加速卡型号不符：此处为 A800，作业需要 H800");
  JobRequest big_memory = Job(8, 1);
  big_memory.accelerator.clear();  // a class: any type with ≥ 96 GB
  big_memory.min_memory_gb = 96;
  EXPECT_EQ(Filter(A800(), big_memory)->en, "80 GB per card, the job needs at least 96 GB");
  EXPECT_EQ(Filter(A800(), big_memory)->zh, "每卡显存 80 GB，作业至少需要 96 GB");
  EXPECT_EQ(Filter(A800(8), Job(12, 1))->en, "offers 8 cards to the network, the job needs 12");
  EXPECT_EQ(Filter(A800(8), Job(12, 1))->zh, "向网络开放 8 张卡，作业需要 12 张");
}

TEST(TimeTest, StartsWhenEnoughRunningJobsHaveEnded) {
  network::Network net;
  ASSERT_EQ(net.AddSite({.id = SiteId(1), .city = JurisdictionId(1)}), network::NetworkResult::kOk);
  const Timestamp now = 1'000 * kNanosPerSecond;
  PoolUse use;
  EXPECT_TRUE(Time(net, A800(), use, Job(8, 1), now).starts_now);
  // 12 of 16 cards busy: 4 end at +100 s, 8 at +200 s.
  use.used = 12;
  use.ends = {{now + 100 * kNanosPerSecond, 4}, {now + 200 * kNanosPerSecond, 8}};
  const Timing t8 = Time(net, A800(), use, Job(8, 1), now);
  EXPECT_FALSE(t8.starts_now);
  EXPECT_EQ(t8.start, now + 100 * kNanosPerSecond);
  EXPECT_EQ(t8.finish, t8.start + 3600 * kNanosPerSecond);
  EXPECT_EQ(Time(net, A800(), use, Job(16, 1), now).start, now + 200 * kNanosPerSecond);
  // Offered cut below what is in use: nothing starts until enough ends.
  EXPECT_EQ(Time(net, A800(4), use, Job(4, 1), now).start, now + 200 * kNanosPerSecond);
}

TEST(PriceTest, ListCostIsPerCardHourRoundedHalfUp) {
  EXPECT_EQ(ListCost(Money::Fen(650), 8, 10 * 3600), Money::Fen(52'000));
  EXPECT_EQ(ListCost(Money::Fen(650), 1, 1), Money::Fen(0));  // 0.18 fen
  EXPECT_EQ(ListCost(Money::Fen(650), 1, 3), Money::Fen(1));  // 0.54 fen
  EXPECT_EQ(ListCost(Money::Fen(650), 1, 1800), Money::Fen(325));
  EXPECT_GT(ListCost(Money::Fen(int64_t{1} << 40), 100'000, 31'000'000).fen(), 0);  // saturates
}

TEST(RankTest, OrdersByTheObjective) {
  std::vector<Option> options = {
      {.pool = PoolId(1), .out_of_pocket = Money::Fen(500), .finish = 30, .latency_us = 3000},
      {.pool = PoolId(2), .out_of_pocket = Money::Fen(300), .finish = 50, .latency_us = 6000},
      {.pool = PoolId(3), .out_of_pocket = Money::Fen(400), .finish = 10, .latency_us = 1000}};
  auto first = [&](Objective o) {
    Rank(options, o);
    return options.front().pool.value();
  };
  EXPECT_EQ(first(Objective::kLowestCost), 2u);
  EXPECT_EQ(first(Objective::kEarliestFinish), 3u);
  EXPECT_EQ(first(Objective::kLowestLatency), 3u);
}

// The whole pipeline on the GBA scenario: every pool is either an option or
// left out with a reason, and the cheapest A800 is Shaoguan's.
TEST(QuoteTest, EveryPoolIsAnOptionOrHasAReason) {
  auto s = world::LoadWorldFile(std::string(BG_SOURCE_DIR) + "/scenarios/gba.toml");
  ASSERT_TRUE(s.ok()) << s.status();
  network::Network net;
  programme::Registry reg;
  for (const auto& j : s->jurisdictions) (void)reg.AddJurisdiction(j);
  for (const auto& j : s->jurisdictions) (void)reg.AddJurisdiction(j);  // parents first, twice
  for (const auto& e : s->enterprises)
    ASSERT_EQ(reg.AddEnterprise(e), programme::RegistryResult::kOk);
  for (const auto& p : s->providers) ASSERT_EQ(reg.AddProvider(p), programme::RegistryResult::kOk);
  for (const auto& site : s->sites) ASSERT_EQ(net.AddSite(site), network::NetworkResult::kOk);
  for (const auto& l : s->links) ASSERT_EQ(net.SetLink(l), network::NetworkResult::kOk);
  for (const auto& p : s->pools) ASSERT_EQ(net.AddPool(p), network::NetworkResult::kOk);
  programme::Book book;
  ledger::Ledger ledger;
  const std::map<PoolId, PoolUse> use;
  JobRequest r = Job(8, 10);
  r.enterprise = EnterpriseId(4);  // Pearl River Institute: no voucher
  const Quote q = BuildQuote(r, QuoteContext{net, use, reg, book, ledger, 0});
  EXPECT_EQ(q.options.size() + q.excluded.size(), s->pools.size());
  ASSERT_FALSE(q.options.empty());
  EXPECT_EQ(q.options.front().pool, PoolId(2));
  EXPECT_EQ(q.options.front().list, Money::Fen(52'000));
  for (const Excluded& e : q.excluded) {
    EXPECT_FALSE(e.reason.empty());
    EXPECT_FALSE(e.reason_zh.empty()) << e.reason;
  }
  EXPECT_NE(q.Explain().find("wrong accelerator"), std::string::npos);
  // No voucher: the note says so in both languages.
  EXPECT_NE(q.options.front().subsidy_note.find("no live voucher"), std::string::npos)
      << q.options.front().subsidy_note;
  EXPECT_EQ(q.options.front().subsidy_note_zh, "无有效算力券，也无免申即享项目适用");
}

}  // namespace
}  // namespace bg::scheduler

namespace bg::scheduler {
namespace {

// The fast path finds what the full pipeline ranks first: random pools,
// prices, use and jobs, with an automatic grant paying half (so the early
// exit really cuts the scan).
TEST(BestByCostTest, AgreesWithTheFullQuote) {
  Rng rng(7);
  programme::Registry reg;
  programme::Book book;
  ledger::Ledger ledger;
  const programme::Jurisdiction city{.id = JurisdictionId(1), .code = "c"};
  ASSERT_EQ(reg.AddJurisdiction(city), programme::RegistryResult::kOk);
  book.OpenJurisdiction(city, 1, ledger);
  network::Network net;
  for (uint64_t p = 1; p <= 8; ++p) {
    std::string code = "91440300MB5" + std::to_string(100'000 + p).substr(0, 6);
    code += programme::CreditCodeCheckCharacter(code);
    ASSERT_EQ(reg.AddProvider({.id = ProviderId(p),
                               .name = "p" + std::to_string(p),
                               .credit_code = code,
                               .home = city.id}),
              programme::RegistryResult::kOk);
    ASSERT_EQ(net.AddSite({.id = SiteId(p), .city = city.id, .provider = ProviderId(p)}),
              network::NetworkResult::kOk);
  }
  programme::Enterprise e;
  e.id = EnterpriseId(1);
  e.credit_code = "91441900MA5BG00017";
  e.applicant = {.id = e.id, .home = city.id};
  ASSERT_EQ(reg.AddEnterprise(e), programme::RegistryResult::kOk);
  programme::ProgrammeRules grant;
  grant.id = ProgrammeId(1);
  grant.issuer = city.id;
  grant.valid_until = uint64_t{1} << 62;
  grant.total_budget = Money::Fen(1'000'000'000);
  grant.default_ratio_bp = 5000;
  grant.default_entity_year_cap = Money::Fen(3'000'000);  // binds on the larger jobs
  grant.redemption = programme::RedemptionMode::kAutomaticGrant;
  ASSERT_EQ(reg.AddProgramme(grant), programme::RegistryResult::kOk);
  book.OpenProgramme(grant, reg, 10, ledger);
  std::map<PoolId, PoolUse> use;
  std::vector<const network::Pool*> pools;
  for (uint64_t i = 1; i <= 60; ++i) {
    network::Pool p = A800(64);
    p.id = PoolId(i);
    p.site = SiteId(1 + rng.Uniform(8));
    p.cards_total = 64;
    const int64_t price = 100 + static_cast<int64_t>(rng.Uniform(1500));
    p.price = {Money::Fen(price), Money::Fen(price * 2), Money::Fen(price * 3)};
    ASSERT_EQ(net.AddPool(p), network::NetworkResult::kOk);
    const uint32_t busy = static_cast<uint32_t>(rng.Uniform(65));
    if (busy > 0)
      use[p.id] =
          PoolUse{.used = busy, .ends = {{(1 + rng.Uniform(20)) * 3'600'000'000'000ULL, busy}}};
  }
  for (const auto& [id, p] : net.pools()) pools.push_back(&p);
  std::vector<const network::Pool*> by_price = pools;
  std::stable_sort(
      by_price.begin(), by_price.end(),
      [](const network::Pool* a, const network::Pool* b) { return a->price[0] < b->price[0]; });
  for (int trial = 0; trial < 300; ++trial) {
    JobRequest r =
        Job(static_cast<uint32_t>(1 + rng.Uniform(64)), static_cast<uint32_t>(1 + rng.Uniform(30)));
    if (rng.Percent(30)) r.deadline = (2 + rng.Uniform(40)) * 3'600'000'000'000ULL;
    const QuoteContext ctx{net, use, reg, book, ledger, 1'000'000'000};
    const Quote full = BuildQuote(r, ctx, /*reasons=*/false);
    std::optional<Option> best, best_now;
    for (const Option& o : full.options) {
      if (!best || Better(o, *best, Objective::kLowestCost)) best = o;
      if (o.starts_now && (!best_now || Better(o, *best_now, Objective::kLowestCost))) best_now = o;
    }
    const Best fast = BestByCost(r, ctx, by_price, 5000);
    ASSERT_EQ(fast.best.has_value(), best.has_value()) << "trial " << trial;
    if (best) {
      EXPECT_EQ(fast.best->pool, best->pool) << "trial " << trial;
      EXPECT_EQ(fast.best->out_of_pocket, best->out_of_pocket);
    }
    ASSERT_EQ(fast.best_now.has_value(), best_now.has_value()) << "trial " << trial;
    if (best_now) {
      EXPECT_EQ(fast.best_now->pool, best_now->pool) << "trial " << trial;
    }
    EXPECT_LE(fast.evaluated, full.options.size() + full.excluded.size());
  }
}

}  // namespace
}  // namespace bg::scheduler
