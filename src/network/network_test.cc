#include "network/network.h"

#include <gtest/gtest.h>

namespace bg::network {
namespace {

constexpr JurisdictionId kShaoguan(1), kGuangzhou(2), kShenzhen(3);

Money Fen(int64_t f) { return Money::Fen(f); }

Pool A800(uint64_t id, SiteId site, uint32_t total, uint32_t offered) {
  return Pool{.id = PoolId(id),
              .site = site,
              .accelerator = "A800",
              .memory_gb = 80,
              .cards_total = total,
              .cards_offered = offered,
              .price = {Fen(600), Fen(800), Fen(1200)}};
}

TEST(NetworkTest, EveryRefusalHasItsCode) {
  Network n;
  const Site hub{.id = SiteId(1), .code = "hub", .city = kShaoguan, .provider = ProviderId(1)};
  EXPECT_EQ(n.AddSite(hub), NetworkResult::kOk);
  EXPECT_EQ(n.AddSite(hub), NetworkResult::kExists);
  Site other = hub;
  other.code = "x";
  EXPECT_EQ(n.AddSite(other), NetworkResult::kExistsWithDifferentBody);
  EXPECT_EQ(n.AddSite(Site{}), NetworkResult::kIdMustNotBeZero);
  EXPECT_EQ(n.AddPool(A800(1, SiteId(9), 8, 8)), NetworkResult::kUnknownSite);
  EXPECT_EQ(n.AddPool(A800(1, SiteId(1), 8, 9)), NetworkResult::kCardsOfferedAboveTotal);
  Pool free = A800(1, SiteId(1), 8, 8);
  free.price[2] = Fen(0);
  EXPECT_EQ(n.AddPool(free), NetworkResult::kPriceMustBePositive);
  Pool nameless = A800(1, SiteId(1), 8, 8);
  nameless.accelerator.clear();
  EXPECT_EQ(n.AddPool(nameless), NetworkResult::kAcceleratorRequired);
  Pool tiny = A800(1, SiteId(1), 8, 8);
  tiny.memory_gb = 0;
  EXPECT_EQ(n.AddPool(tiny), NetworkResult::kMemoryMustBePositive);
  EXPECT_EQ(n.AddPool(A800(1, SiteId(1), 8, 4)), NetworkResult::kOk);
  EXPECT_EQ(n.SetOffered(PoolId(1), 9), NetworkResult::kCardsOfferedAboveTotal);
  EXPECT_EQ(n.SetOffered(PoolId(2), 1), NetworkResult::kUnknownPool);
  EXPECT_EQ(n.SetOffered(PoolId(1), 8), NetworkResult::kOk);
  EXPECT_EQ(n.FindPool(PoolId(1))->cards_offered, 8u);
  EXPECT_EQ(n.SetLink({.a = kShaoguan, .b = kShaoguan, .bandwidth_mbps = 1}),
            NetworkResult::kLinkToItself);
  EXPECT_EQ(n.SetLink({.a = kShaoguan, .b = kGuangzhou}), NetworkResult::kBandwidthMustBePositive);
}

// Guangdong matrix (domain.md 5.2): Shaoguan–Guangzhou 1.3 ms; unknown pairs
// take the province-wide 6 ms; links are symmetric.
TEST(NetworkTest, LatencyAndTransferTime) {
  Network n;
  ASSERT_EQ(n.AddSite({.id = SiteId(1), .city = kShaoguan}), NetworkResult::kOk);
  ASSERT_EQ(n.AddSite({.id = SiteId(2), .city = kGuangzhou}), NetworkResult::kOk);
  ASSERT_EQ(
      n.SetLink({.a = kGuangzhou, .b = kShaoguan, .latency_us = 1'300, .bandwidth_mbps = 400'000}),
      NetworkResult::kOk);
  EXPECT_EQ(n.LatencyUs(kShaoguan, kGuangzhou), 1'300u);
  EXPECT_EQ(n.LatencyUs(kShenzhen, kShaoguan), kDefaultLatencyUs);
  EXPECT_EQ(n.LatencyUs(kShenzhen, kShenzhen), kSameCityLatencyUs);
  // 500 GB over 400 Gbit/s: 10 s, plus the round trip rounded up to 1 s.
  EXPECT_EQ(n.TransferSeconds(SiteId(2), SiteId(1), 500), 11u);
  EXPECT_EQ(n.TransferSeconds(SiteId(1), SiteId(1), 500), 0u);
}

TEST(NetworkTest, EncodingRoundTripsAndRollbackRestores) {
  Network n;
  ASSERT_EQ(n.AddSite({.id = SiteId(1), .code = "hub", .city = kShaoguan, .lat_e6 = 24'810'000}),
            NetworkResult::kOk);
  ASSERT_EQ(n.AddPool(A800(1, SiteId(1), 16, 8)), NetworkResult::kOk);
  ASSERT_EQ(n.SetLink({.a = kShaoguan, .b = kGuangzhou, .latency_us = 1'300, .bandwidth_mbps = 1}),
            NetworkResult::kOk);
  std::vector<uint8_t> bytes;
  Writer w(&bytes);
  n.Encode(w);
  Network back;
  Reader r(bytes);
  ASSERT_TRUE(Network::Decode(r, &back));
  EXPECT_TRUE(r.done());
  EXPECT_TRUE(back == n);

  n.BeginBatch();
  ASSERT_EQ(n.SetOffered(PoolId(1), 16), NetworkResult::kOk);
  ASSERT_EQ(n.AddSite({.id = SiteId(2), .city = kGuangzhou}), NetworkResult::kOk);
  n.RollbackBatch();
  EXPECT_TRUE(back == n);
}

}  // namespace
}  // namespace bg::network
