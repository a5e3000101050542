#include "sim/workload.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <string>

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

Workload Generate(const world::World& s, const WorkloadOptions& o) {
  Rng rng(o.seed);
  Workload w;
  w.enterprises = MakeEnterprises(s, o, rng);
  std::vector<programme::Enterprise> all = s.enterprises;
  all.insert(all.end(), w.enterprises.begin(), w.enterprises.end());
  w.applications = MakeApplications(s, all, o, rng);

  // Accelerator types weighted by the cards offered, so demand follows supply.
  std::map<std::string, uint64_t> offered;
  std::map<std::string, uint32_t> largest;
  for (const network::Pool& p : s.pools) {
    offered[p.accelerator] += p.cards_offered;
    largest[p.accelerator] = std::max(largest[p.accelerator], p.cards_offered);
    w.capacity_card_seconds += uint64_t{p.cards_offered} * o.days * kDay;
  }
  std::vector<std::pair<std::string, uint64_t>> types(offered.begin(), offered.end());
  std::map<JurisdictionId, std::vector<SiteId>> sites_in;
  for (const network::Site& site : s.sites) sites_in[site.city].push_back(site.id);

  std::vector<double> hours(o.jobs);
  w.arrivals.reserve(o.jobs);
  for (uint32_t i = 0; i < o.jobs; ++i) {
    Arrival a;
    a.at = o.start + rng.Uniform(uint64_t{o.days} * kDay) * kNanosPerSecond;
    scheduler::JobRequest& r = a.request;
    // Skewed: a few enterprises submit much of the work.
    const double u = static_cast<double>(rng.Uniform(1'000'000)) / 1e6;
    const programme::Enterprise& e =
        all[static_cast<size_t>(u * u * static_cast<double>(all.size()))];
    r.enterprise = e.id;
    r.accelerator = types.empty() ? "" : Weighted(rng, types);
    const bool training = rng.Percent(40);
    r.purpose = training ? programme::Purpose::kTraining : programme::Purpose::kInference;
    const uint32_t max_cards = std::max<uint32_t>(1, largest[r.accelerator] / 8);
    r.cards = std::min<uint32_t>(max_cards, training ? 8u << rng.Uniform(5) : 1u << rng.Uniform(4));
    hours[i] = training ? 4.0 + static_cast<double>(rng.Uniform(44))
                        : 0.5 + static_cast<double>(rng.Uniform(55)) / 10.0;
    auto local = sites_in.find(e.applicant.home);
    if (local != sites_in.end() && rng.Percent(70)) {
      r.data_site = local->second[rng.Uniform(local->second.size())];
    } else if (!s.sites.empty()) {
      r.data_site = s.sites[rng.Uniform(s.sites.size())].id;
    }
    r.data_gb = static_cast<uint32_t>(training ? 10 + rng.Uniform(2'000) : 1 + rng.Uniform(50));
    const uint64_t objective = rng.Uniform(100);
    r.objective = objective < 85   ? scheduler::Objective::kLowestCost
                  : objective < 95 ? scheduler::Objective::kEarliestFinish
                                   : scheduler::Objective::kLowestLatency;
    if (r.objective == scheduler::Objective::kLowestLatency) r.near_city = e.applicant.home;
    const uint64_t tier = rng.Uniform(100);
    r.tier = tier < 80   ? network::Tier::kShared
             : tier < 95 ? network::Tier::kExclusive
                         : network::Tier::kPriority;
    w.arrivals.push_back(std::move(a));
  }
  // Scale the durations so that demand fills load_percent of the capacity.
  double demand = 0;
  for (uint32_t i = 0; i < o.jobs; ++i) demand += hours[i] * 3600.0 * w.arrivals[i].request.cards;
  const double target = static_cast<double>(w.capacity_card_seconds) * o.load_percent / 100.0;
  const double scale = demand > 0 ? target / demand : 1.0;
  for (uint32_t i = 0; i < o.jobs; ++i) {
    scheduler::JobRequest& r = w.arrivals[i].request;
    r.walltime_s = static_cast<uint32_t>(std::clamp(hours[i] * 3600.0 * scale, 600.0, 30.0 * kDay));
    w.demand_card_seconds += uint64_t{r.walltime_s} * r.cards;
    // A third of the jobs must finish within 1.5 to 4 times their walltime.
    if (rng.Percent(33)) {
      const uint64_t slack = r.walltime_s * (15 + rng.Uniform(26)) / 10 + 3600;
      r.deadline = w.arrivals[i].at + slack * kNanosPerSecond;
    }
  }
  std::stable_sort(w.arrivals.begin(), w.arrivals.end(),
                   [](const Arrival& a, const Arrival& b) { return a.at < b.at; });
  for (size_t i = 0; i < w.arrivals.size(); ++i) w.arrivals[i].request.id = OrderId(i + 1);
  return w;
}

}  // namespace bg::sim
