// The compute network (粤算 for the Greater Bay Area): sites (a data centre
// of a provider in a city), pools (cards of one accelerator type at a site,
// with prices per card-hour by tier and the cards offered to the network),
// and links between cities (latency, bandwidth). Providers update the cards
// they offer; the scheduler (scheduler/) tracks which are in use.
//
// Plain data and lookups; no floating point (coordinates in micro-degrees,
// times in microseconds, prices in fen) so that replay is exact.
//
// Thread-safety: none; the engine's writer owns it.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/codec.h"
#include "common/enum_names.h"
#include "common/ids.h"
#include "common/money.h"
#include "common/undo_log.h"

namespace bg::network {

// Price tiers per card-hour (HKUST-GZ: 2.40 shared / 3.75 exclusive / 6.00
// priority, domain.md 5.1).
enum class Tier : uint8_t { kShared = 0, kExclusive, kPriority };
// The tiers' words, spelled here only: the world file's price_yuan keys,
// the API's tier field and price object, scenario files.
inline constexpr std::array<EnumName<Tier>, 3> kTierNames = {{
    {"shared", Tier::kShared},
    {"exclusive", Tier::kExclusive},
    {"priority", Tier::kPriority},
}};
static_assert(IsNameTable(kTierNames));
inline constexpr size_t kTiers = kTierNames.size();
const char* TierName(Tier tier);

struct Site {
  SiteId id{};
  std::string code = {};  // "shaoguan-hub": how scenario files refer to it
  std::string name = {};
  JurisdictionId city{};
  ProviderId provider{};
  int32_t lat_e6 = 0;  // micro-degrees
  int32_t lon_e6 = 0;
  friend bool operator==(const Site&, const Site&) = default;
};

struct Pool {
  PoolId id{};
  SiteId site{};
  std::string accelerator = {};  // "A800", "H800", "H20", "910B", "4090"
  bool domestic = false;         // a domestic accelerator (Ascend 910B): some ratios differ
  uint32_t memory_gb = 0;        // per card
  uint32_t cards_total = 0;
  uint32_t cards_offered = 0;         // to the network; providers update it
  std::array<Money, kTiers> price{};  // per card-hour
  friend bool operator==(const Pool&, const Pool&) = default;
};

struct Link {
  JurisdictionId a{};
  JurisdictionId b{};
  uint32_t latency_us = 0;  // typical round trip
  uint32_t bandwidth_mbps = 0;
  friend bool operator==(const Link&, const Link&) = default;
};

enum class NetworkResult : uint8_t {
  kOk = 0,
  kIdMustNotBeZero,
  kExists,
  kExistsWithDifferentBody,
  kUnknownSite,
  kUnknownPool,
  kCardsOfferedAboveTotal,
  kPriceMustBePositive,
  kBandwidthMustBePositive,
  kLinkToItself,
  kMemoryMustBePositive,
  kAcceleratorRequired,
};
inline constexpr std::array<EnumName<NetworkResult>, 12> kNetworkResultNames = {{
    {"ok", NetworkResult::kOk},
    {"id_must_not_be_zero", NetworkResult::kIdMustNotBeZero},
    {"exists", NetworkResult::kExists},
    {"exists_with_different_body", NetworkResult::kExistsWithDifferentBody},
    {"unknown_site", NetworkResult::kUnknownSite},
    {"unknown_pool", NetworkResult::kUnknownPool},
    {"cards_offered_above_total", NetworkResult::kCardsOfferedAboveTotal},
    {"price_must_be_positive", NetworkResult::kPriceMustBePositive},
    {"bandwidth_must_be_positive", NetworkResult::kBandwidthMustBePositive},
    {"link_to_itself", NetworkResult::kLinkToItself},
    {"memory_must_be_positive", NetworkResult::kMemoryMustBePositive},
    {"accelerator_required", NetworkResult::kAcceleratorRequired},
}};
static_assert(IsNameTable(kNetworkResultNames));
const char* NetworkResultName(NetworkResult r);

// Latency and bandwidth between two cities when no link says otherwise: the
// province-wide figure of the Guangdong 400G network (6 ms, domain.md 5.2)
// and an assumed 10 Gbit/s.
inline constexpr uint32_t kDefaultLatencyUs = 6'000;
inline constexpr uint32_t kDefaultBandwidthMbps = 10'000;
inline constexpr uint32_t kSameCityLatencyUs = 1'000;  // "within a city ≤ 1 ms"

class Network {
 public:
  NetworkResult AddSite(const Site& site);
  NetworkResult AddPool(const Pool& pool);
  NetworkResult SetLink(const Link& link);
  NetworkResult SetOffered(PoolId pool, uint32_t cards);
  // New prices per tier; running jobs keep the price they were placed at.
  NetworkResult SetPrices(PoolId pool, const std::array<Money, kTiers>& price);

  const Site* FindSite(SiteId id) const;
  const Pool* FindPool(PoolId id) const;
  const std::map<SiteId, Site>& sites() const { return sites_; }
  const std::map<PoolId, Pool>& pools() const { return pools_; }

  uint32_t LatencyUs(JurisdictionId a, JurisdictionId b) const;
  uint32_t BandwidthMbps(JurisdictionId a, JurisdictionId b) const;
  // Seconds to move `gigabytes` from `from` to `to` (0 at the same site).
  uint64_t TransferSeconds(SiteId from, SiteId to, uint64_t gigabytes) const;

  void BeginBatch() { undo_.BeginBatch(); }
  void CommitBatch() { undo_.CommitBatch(); }
  void RollbackBatch() { undo_.RollbackBatch(); }

  void Encode(Writer& w) const;
  static bool Decode(Reader& r, Network* out);
  bool operator==(const Network& o) const {
    return sites_ == o.sites_ && pools_ == o.pools_ && links_ == o.links_;
  }

 private:
  using CityPair = std::pair<JurisdictionId, JurisdictionId>;  // smaller id first
  static CityPair Key(JurisdictionId a, JurisdictionId b) {
    return a < b ? CityPair{a, b} : CityPair{b, a};
  }
  std::map<SiteId, Site> sites_;
  std::map<PoolId, Pool> pools_;
  std::map<CityPair, Link> links_;
  UndoLog undo_;
};

// Wire forms (journal and snapshots).
void EncodeSite(Writer& w, const Site& s);
bool DecodeSite(Reader& r, Site* s);
void EncodePool(Writer& w, const Pool& p);
bool DecodePool(Reader& r, Pool* p);
void EncodeLink(Writer& w, const Link& l);
bool DecodeLink(Reader& r, Link* l);

}  // namespace bg::network
