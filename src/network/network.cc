#include "network/network.h"

#include "common/wire.h"

namespace bg::network {
namespace {

using namespace wire;  // NOLINT(google-build-using-namespace): the codecs are made of them

template <typename Map, typename T>
std::optional<NetworkResult> CheckId(const Map& map, const T& value) {
  if (value.id.is_zero()) return NetworkResult::kIdMustNotBeZero;
  auto it = map.find(value.id);
  if (it == map.end()) return std::nullopt;
  return it->second == value ? NetworkResult::kExists : NetworkResult::kExistsWithDifferentBody;
}

}  // namespace

const char* TierName(Tier tier) { return NameOf(kTierNames, tier).data(); }

const char* NetworkResultName(NetworkResult r) { return NameOf(kNetworkResultNames, r).data(); }

NetworkResult Network::AddSite(const Site& site) {
  if (auto r = CheckId(sites_, site)) return *r;
  undo_.Put(sites_, site.id, site);
  return NetworkResult::kOk;
}

NetworkResult Network::AddPool(const Pool& pool) {
  if (auto r = CheckId(pools_, pool)) return *r;
  if (FindSite(pool.site) == nullptr) return NetworkResult::kUnknownSite;
  if (pool.accelerator.empty()) return NetworkResult::kAcceleratorRequired;
  if (pool.memory_gb == 0) return NetworkResult::kMemoryMustBePositive;
  if (pool.cards_offered > pool.cards_total) return NetworkResult::kCardsOfferedAboveTotal;
  for (Money m : pool.price) {
    if (m.fen() <= 0) return NetworkResult::kPriceMustBePositive;
  }
  undo_.Put(pools_, pool.id, pool);
  return NetworkResult::kOk;
}

NetworkResult Network::SetLink(const Link& link) {
  if (link.a == link.b) return NetworkResult::kLinkToItself;
  if (link.bandwidth_mbps == 0) return NetworkResult::kBandwidthMustBePositive;
  undo_.Put(links_, Key(link.a, link.b), link);
  return NetworkResult::kOk;
}

NetworkResult Network::SetOffered(PoolId id, uint32_t cards) {
  const Pool* pool = FindPool(id);
  if (pool == nullptr) return NetworkResult::kUnknownPool;
  if (cards > pool->cards_total) return NetworkResult::kCardsOfferedAboveTotal;
  Pool updated = *pool;
  updated.cards_offered = cards;
  undo_.Put(pools_, id, std::move(updated));
  return NetworkResult::kOk;
}

NetworkResult Network::SetPrices(PoolId id, const std::array<Money, kTiers>& price) {
  const Pool* pool = FindPool(id);
  if (pool == nullptr) return NetworkResult::kUnknownPool;
  for (Money m : price) {
    if (m.fen() <= 0) return NetworkResult::kPriceMustBePositive;
  }
  Pool updated = *pool;
  updated.price = price;
  undo_.Put(pools_, id, std::move(updated));
  return NetworkResult::kOk;
}

const Site* Network::FindSite(SiteId id) const {
  auto it = sites_.find(id);
  return it == sites_.end() ? nullptr : &it->second;
}

const Pool* Network::FindPool(PoolId id) const {
  auto it = pools_.find(id);
  return it == pools_.end() ? nullptr : &it->second;
}

uint32_t Network::LatencyUs(JurisdictionId a, JurisdictionId b) const {
  if (a == b) return kSameCityLatencyUs;
  auto it = links_.find(Key(a, b));
  return it == links_.end() ? kDefaultLatencyUs : it->second.latency_us;
}

uint32_t Network::BandwidthMbps(JurisdictionId a, JurisdictionId b) const {
  auto it = links_.find(Key(a, b));
  return it == links_.end() ? kDefaultBandwidthMbps : it->second.bandwidth_mbps;
}

uint64_t Network::TransferSeconds(SiteId from, SiteId to, uint64_t gigabytes) const {
  if (from == to || gigabytes == 0) return 0;
  const Site* a = FindSite(from);
  const Site* b = FindSite(to);
  if (a == nullptr || b == nullptr) return 0;
  const uint64_t megabits = gigabytes * 8'000;
  const uint64_t bandwidth = BandwidthMbps(a->city, b->city);
  // Rounded up to the second; the latency adds a round trip per transfer.
  return (megabits + bandwidth - 1) / bandwidth +
         (LatencyUs(a->city, b->city) + 999'999) / 1'000'000;
}

// --- Wire forms ---------------------------------------------------------------

void EncodeSite(Writer& w, const Site& s) {
  PutId(w, s.id);
  w.Str(s.code);
  w.Str(s.name);
  PutId(w, s.city);
  PutId(w, s.provider);
  w.U32(static_cast<uint32_t>(s.lat_e6));
  w.U32(static_cast<uint32_t>(s.lon_e6));
}
bool DecodeSite(Reader& r, Site* s) {
  uint32_t lat = 0, lon = 0;
  if (!(GetId(r, &s->id) && r.Str(&s->code) && r.Str(&s->name) && GetId(r, &s->city) &&
        GetId(r, &s->provider) && r.U32(&lat) && r.U32(&lon))) {
    return false;
  }
  s->lat_e6 = static_cast<int32_t>(lat);
  s->lon_e6 = static_cast<int32_t>(lon);
  return true;
}

void EncodePool(Writer& w, const Pool& p) {
  PutId(w, p.id);
  PutId(w, p.site);
  w.Str(p.accelerator);
  w.U8(p.domestic ? 1 : 0);
  w.U32(p.memory_gb);
  w.U32(p.cards_total);
  w.U32(p.cards_offered);
  for (Money m : p.price) PutMoney(w, m);
}
bool DecodePool(Reader& r, Pool* p) {
  if (!(GetId(r, &p->id) && GetId(r, &p->site) && r.Str(&p->accelerator) &&
        GetBool(r, &p->domestic) && r.U32(&p->memory_gb) && r.U32(&p->cards_total) &&
        r.U32(&p->cards_offered))) {
    return false;
  }
  for (Money& m : p->price) {
    if (!GetMoney(r, &m)) return false;
  }
  return true;
}

void EncodeLink(Writer& w, const Link& l) {
  PutId(w, l.a);
  PutId(w, l.b);
  w.U32(l.latency_us);
  w.U32(l.bandwidth_mbps);
}
bool DecodeLink(Reader& r, Link* l) {
  return GetId(r, &l->a) && GetId(r, &l->b) && r.U32(&l->latency_us) && r.U32(&l->bandwidth_mbps);
}

void Network::Encode(Writer& w) const {
  w.U32(static_cast<uint32_t>(sites_.size()));
  for (const auto& [id, s] : sites_) EncodeSite(w, s);
  w.U32(static_cast<uint32_t>(pools_.size()));
  for (const auto& [id, p] : pools_) EncodePool(w, p);
  w.U32(static_cast<uint32_t>(links_.size()));
  for (const auto& [key, l] : links_) EncodeLink(w, l);
}

bool Network::Decode(Reader& r, Network* out) {
  uint32_t n = 0;
  if (!r.U32(&n)) return false;
  Network net;
  for (uint32_t i = 0; i < n; ++i) {
    Site s;
    if (!DecodeSite(r, &s) || !net.sites_.emplace(s.id, s).second) return false;
  }
  if (!r.U32(&n)) return false;
  for (uint32_t i = 0; i < n; ++i) {
    Pool p;
    if (!DecodePool(r, &p) || !net.pools_.emplace(p.id, p).second) return false;
  }
  if (!r.U32(&n)) return false;
  for (uint32_t i = 0; i < n; ++i) {
    Link l;
    if (!DecodeLink(r, &l) || !net.links_.emplace(Key(l.a, l.b), l).second) return false;
  }
  out->sites_ = std::move(net.sites_);
  out->pools_ = std::move(net.pools_);
  out->links_ = std::move(net.links_);
  return true;
}

}  // namespace bg::network
