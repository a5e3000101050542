// One test per pipeline step (filter -> time -> price -> rank), each on its
// own, then the whole quote on the GBA network.
#include "scheduler/quote.h"

#include <gtest/gtest.h>

#include "programme/scenario.h"

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
  EXPECT_EQ(*Filter(A800(), h800), "wrong accelerator: A800, the job asks for H800");
  JobRequest big_memory = Job(8, 1);
  big_memory.accelerator.clear();  // a class: any type with ≥ 96 GB
  big_memory.min_memory_gb = 96;
  EXPECT_EQ(*Filter(A800(), big_memory), "80 GB per card, the job needs at least 96 GB");
  EXPECT_EQ(*Filter(A800(8), Job(12, 1)), "offers 8 cards to the network, the job needs 12");
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
  auto s = programme::LoadScenarioFile(std::string(BG_SOURCE_DIR) + "/scenarios/gba.toml");
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
  for (const Excluded& e : q.excluded) EXPECT_FALSE(e.reason.empty());
  EXPECT_NE(q.Explain().find("wrong accelerator"), std::string::npos);
}

}  // namespace
}  // namespace bg::scheduler
