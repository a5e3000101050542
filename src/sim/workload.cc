#include "sim/workload.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <string>

#include "common/check.h"
#include "common/rng.h"
#include "programme/credit_code.h"

namespace bg::sim {
namespace {

constexpr uint64_t kDay = 86'400;

// Where the synthetic enterprises are registered, and how many of them
// (weights out of 100; codes of scenarios/gba.toml).
struct Home {
  const char* code;
  uint32_t weight;
};
constexpr Home kHomes[] = {{"shenzhen", 22}, {"guangzhou", 18}, {"dongguan", 18}, {"zhuhai", 10},
                           {"foshan", 10},   {"huangpu", 8},    {"guangming", 7}, {"shaoguan", 7}};

template <typename T>
const T& Weighted(Rng& rng, const std::vector<std::pair<T, uint64_t>>& items) {
  uint64_t total = 0;
  for (const auto& [item, w] : items) total += w;
  uint64_t pick = rng.Uniform(total);
  for (const auto& [item, w] : items) {
    if (pick < w) return item;
    pick -= w;
  }
  return items.back().first;
}

std::vector<programme::Enterprise> MakeEnterprises(const world::World& s, const WorkloadOptions& o,
                                                   Rng& rng) {
  std::map<std::string, JurisdictionId> by_code;
  for (const auto& j : s.jurisdictions) by_code[j.code] = j.id;
  std::vector<std::pair<JurisdictionId, uint64_t>> homes;
  for (const Home& h : kHomes) {
    if (auto it = by_code.find(h.code); it != by_code.end()) {
      homes.emplace_back(it->second, h.weight);
    }
  }
  if (homes.empty()) homes.emplace_back(s.jurisdictions.front().id, 1);
  using C = programme::ApplicantCategory;
  const std::vector<std::pair<C, uint64_t>> categories = {
      {C::kManufacturing, 35}, {C::kSoftwareIt, 30}, {C::kResearchInstitute, 10},
      {C::kUniversity, 5},     {C::kStartUp, 15},    {C::kOther, 5}};
  std::vector<programme::Enterprise> out;
  for (uint32_t i = 0; i < o.enterprises; ++i) {
    programme::Enterprise e;
    e.id = EnterpriseId(s.enterprises.size() + 1 + i);
    e.credit_code = programme::SyntheticCreditCode('A', o.seed * 1'000 + i);
    e.name = "Synthetic Enterprise " + std::to_string(i + 1);
    e.applicant.id = e.id;
    e.applicant.home = Weighted(rng, homes);
    e.applicant.category = Weighted(rng, categories);
    if (rng.Percent(60)) e.applicant.flags |= programme::kSme;
    if (e.applicant.category == C::kStartUp) e.applicant.flags |= programme::kStartUpFlag;
    if (rng.Percent(5)) e.applicant.flags |= programme::kLittleGiant;
    out.push_back(std::move(e));
  }
  return out;
}

// When an application to `p` is filed in a run of `o`: as soon as the
// programme takes applications, but not before the day ahead of the
// horizon; nullopt if it takes none within the horizon.
std::optional<Timestamp> FilingTime(const programme::ProgrammeRules& p, const WorkloadOptions& o) {
  const Timestamp eve = o.start - std::min<Timestamp>(o.start, kDay * kNanosPerSecond);
  const Timestamp end = o.start + uint64_t{o.days} * kDay * kNanosPerSecond;
  const Timestamp at = std::max({p.valid_from, p.apply_from.value_or(0), eve});
  if (at >= end || at >= p.valid_until || (p.apply_until && at >= *p.apply_until)) {
    return std::nullopt;
  }
  return at;
}

// Every enterprise applies to the voucher programmes of its area for a
// share of its yearly cap, when the programme opens.
std::vector<Application> MakeApplications(const world::World& s,
                                          const std::vector<programme::Enterprise>& all,
                                          const WorkloadOptions& o, Rng& rng) {
  std::map<JurisdictionId, JurisdictionId> parent;
  for (const auto& j : s.jurisdictions) {
    if (j.parent) parent[j.id] = *j.parent;
  }
  std::vector<Application> out;
  for (const programme::Enterprise& e : all) {
    for (const programme::ProgrammeRules& p : s.programmes) {
      if (p.redemption == programme::RedemptionMode::kAutomaticGrant) continue;
      bool in_area = p.eligibility.home_jurisdictions.empty();
      for (JurisdictionId j = e.applicant.home; !in_area;) {
        in_area = std::find(p.eligibility.home_jurisdictions.begin(),
                            p.eligibility.home_jurisdictions.end(),
                            j) != p.eligibility.home_jurisdictions.end();
        auto it = parent.find(j);
        if (it == parent.end()) break;
        j = it->second;
      }
      if (!in_area) continue;
      const int64_t cap_yuan =
          p.default_entity_year_cap ? p.default_entity_year_cap->fen() / 100 : 2'000'000;
      const int64_t yuan =
          rng.Range(std::min<int64_t>(50'000, cap_yuan), std::min<int64_t>(cap_yuan, 2'000'000));
      const std::optional<Timestamp> at = FilingTime(p, o);
      if (!at) continue;  // after the draw: the stream stays the same
      out.push_back({.at = *at,
                     .file = programme::FileApplication{.id = ApplicationId(out.size() + 1),
                                                        .programme = p.id,
                                                        .enterprise = e.id,
                                                        .amount = Money::Fen(yuan * 100),
                                                        .actor = "sim",
                                                        .note = "synthetic demand"}});
    }
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const Application& a, const Application& b) { return a.at < b.at; });
  return out;
}

}  // namespace

// What a day's arrivals are drawn from: the scenario's accelerator types,
// sites and enterprises, reduced to what the draws read.
struct ArrivalMaker {
  struct Submitter {
    EnterpriseId id;
    JurisdictionId home;
  };
  // One job as drawn, before its duration is scaled.
  struct Drawn {
    Arrival arrival;
    double hours = 0;
    std::optional<uint64_t> slack_tenths;  // the deadline's slack in tenths of the walltime
  };

  WorkloadOptions options;
  std::vector<Submitter> submitters;
  std::vector<std::pair<std::string, uint64_t>> types;  // accelerator, cards offered
  std::map<std::string, uint32_t> largest;              // pool, per accelerator
  std::map<JurisdictionId, std::vector<SiteId>> sites_in;
  std::vector<SiteId> sites;

  // Day `day`'s own stream: the same whatever was drawn on other days.
  Rng DayRng(uint32_t day) const {
    return Rng(options.seed ^ (0x9E37'79B9'7F4A'7C15ULL * (uint64_t{day} + 1)));
  }

  Drawn Draw(Rng& rng, uint32_t day) const {
    Drawn d;
    Arrival& a = d.arrival;
    a.at = options.start + (uint64_t{day} * kDay + rng.Uniform(kDay)) * kNanosPerSecond;
    scheduler::JobRequest& r = a.request;
    // Skewed: a few enterprises submit much of the work.
    const double u = static_cast<double>(rng.Uniform(1'000'000)) / 1e6;
    const Submitter& e =
        submitters[static_cast<size_t>(u * u * static_cast<double>(submitters.size()))];
    r.enterprise = e.id;
    r.accelerator = types.empty() ? "" : Weighted(rng, types);
    const bool training = rng.Percent(40);
    r.purpose = training ? programme::Purpose::kTraining : programme::Purpose::kInference;
    auto big = largest.find(r.accelerator);
    const uint32_t max_cards = std::max<uint32_t>(1, big == largest.end() ? 0 : big->second / 8);
    r.cards = std::min<uint32_t>(max_cards, training ? 8u << rng.Uniform(5) : 1u << rng.Uniform(4));
    d.hours = training ? 4.0 + static_cast<double>(rng.Uniform(44))
                       : 0.5 + static_cast<double>(rng.Uniform(55)) / 10.0;
    auto local = sites_in.find(e.home);
    if (local != sites_in.end() && rng.Percent(70)) {
      r.data_site = local->second[rng.Uniform(local->second.size())];
    } else if (!sites.empty()) {
      r.data_site = sites[rng.Uniform(sites.size())];
    }
    r.data_gb = static_cast<uint32_t>(training ? 10 + rng.Uniform(2'000) : 1 + rng.Uniform(50));
    const uint64_t objective = rng.Uniform(100);
    r.objective = objective < 85   ? scheduler::Objective::kLowestCost
                  : objective < 95 ? scheduler::Objective::kEarliestFinish
                                   : scheduler::Objective::kLowestLatency;
    if (r.objective == scheduler::Objective::kLowestLatency) r.near_city = e.home;
    const uint64_t tier = rng.Uniform(100);
    r.tier = tier < 80   ? network::Tier::kShared
             : tier < 95 ? network::Tier::kExclusive
                         : network::Tier::kPriority;
    // A third of the jobs must finish within 1.5 to 4 times their walltime.
    if (rng.Percent(33)) d.slack_tenths = 15 + rng.Uniform(26);
    return d;
  }

  // The card-hours day `day` asks for before scaling (Generate's first pass).
  double DemandOf(uint32_t day, uint32_t count) const {
    Rng rng = DayRng(day);
    double demand = 0;
    for (uint32_t i = 0; i < count; ++i) {
      const Drawn d = Draw(rng, day);
      demand += d.hours * 3600.0 * d.arrival.request.cards;
    }
    return demand;
  }

  std::vector<Arrival> Day(uint32_t day, uint32_t first, uint32_t count, double scale) const {
    Rng rng = DayRng(day);
    std::vector<Arrival> out;
    out.reserve(count);
    for (uint32_t i = 0; i < count; ++i) {
      Drawn d = Draw(rng, day);
      scheduler::JobRequest& r = d.arrival.request;
      r.walltime_s =
          static_cast<uint32_t>(std::clamp(d.hours * 3600.0 * scale, 600.0, 30.0 * kDay));
      if (d.slack_tenths) {
        const uint64_t slack = r.walltime_s * *d.slack_tenths / 10 + 3600;
        r.deadline = d.arrival.at + slack * kNanosPerSecond;
      }
      out.push_back(std::move(d.arrival));
    }
    std::stable_sort(out.begin(), out.end(),
                     [](const Arrival& a, const Arrival& b) { return a.at < b.at; });
    for (uint32_t i = 0; i < count; ++i) out[i].request.id = OrderId(uint64_t{first} + i + 1);
    return out;
  }

  static Arrivals Make(std::shared_ptr<const ArrivalMaker> maker, std::vector<uint32_t> first,
                       double scale) {
    Arrivals a;
    a.maker_ = std::move(maker);
    a.first_ = std::move(first);
    a.scale_ = scale;
    return a;
  }
};

std::vector<Arrival> Arrivals::Day(uint32_t day) const {
  BG_CHECK(day < days()) << "day " << day << " of a workload of " << days();
  return maker_->Day(day, first_[day], first_[day + 1] - first_[day], scale_);
}

std::vector<Arrival> Arrivals::All() const {
  std::vector<Arrival> out;
  out.reserve(size());
  ForEach([&](const Arrival& a) { out.push_back(a); });
  return out;
}

void ArrivalCursor::Load() {
  while (next_ >= day_.size() && day_index_ < arrivals_.days()) {
    day_ = arrivals_.Day(day_index_++);
    next_ = 0;
  }
}

Workload Generate(const world::World& s, const WorkloadOptions& o) {
  Rng rng(o.seed);
  Workload w;
  w.enterprises = MakeEnterprises(s, o, rng);
  std::vector<programme::Enterprise> all = s.enterprises;
  all.insert(all.end(), w.enterprises.begin(), w.enterprises.end());
  w.applications = MakeApplications(s, all, o, rng);

  auto maker = std::make_shared<ArrivalMaker>();
  maker->options = o;
  for (const programme::Enterprise& e : all) maker->submitters.push_back({e.id, e.applicant.home});
  // Accelerator types weighted by the cards offered, so demand follows supply.
  std::map<std::string, uint64_t> offered;
  for (const network::Pool& p : s.pools) {
    offered[p.accelerator] += p.cards_offered;
    maker->largest[p.accelerator] = std::max(maker->largest[p.accelerator], p.cards_offered);
    w.capacity_card_seconds += uint64_t{p.cards_offered} * o.days * kDay;
  }
  maker->types.assign(offered.begin(), offered.end());
  for (const network::Site& site : s.sites) {
    maker->sites_in[site.city].push_back(site.id);
    maker->sites.push_back(site.id);
  }
  // How many jobs each day gets (uniform over the horizon), then the scale
  // that makes the demand fill load_percent of the capacity: a first pass
  // over the days that keeps nothing but the sum.
  const uint32_t days = std::max<uint32_t>(o.days, 1);
  std::vector<uint32_t> count(days, 0);
  for (uint32_t i = 0; i < o.jobs; ++i) ++count[rng.Uniform(days)];
  std::vector<uint32_t> first(days + 1, 0);
  double demand = 0;
  for (uint32_t d = 0; d < days; ++d) {
    first[d + 1] = first[d] + count[d];
    demand += maker->DemandOf(d, count[d]);
  }
  const double target = static_cast<double>(w.capacity_card_seconds) * o.load_percent / 100.0;
  const double scale = demand > 0 ? target / demand : 1.0;
  w.arrivals = ArrivalMaker::Make(std::move(maker), std::move(first), scale);
  w.arrivals.ForEach([&](const Arrival& a) {
    w.demand_card_seconds += uint64_t{a.request.walltime_s} * a.request.cards;
  });
  return w;
}

}  // namespace bg::sim
