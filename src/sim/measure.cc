#include "sim/measure.h"

#include <algorithm>

#include "programme/reconcile.h"

namespace bg::sim {
namespace {

constexpr uint64_t kDay = 86'400;

// The windows the figures count in: the horizon, and the day being
// reported (empty when none is).
struct Windows {
  Timestamp start = 0;
  Timestamp horizon_end = 0;
  Timestamp day_from = 0;
  Timestamp day_to = 0;
};

Windows WindowsOf(const WorkloadOptions& o, uint32_t day) {
  Windows w;
  w.start = o.start;
  w.horizon_end = o.start + uint64_t{o.days} * kDay * kNanosPerSecond;
  w.day_from = o.start + uint64_t{day == 0 ? 0 : day - 1} * kDay * kNanosPerSecond;
  w.day_to = day == 0 ? w.day_from : w.day_from + kDay * kNanosPerSecond;
  return w;
}

// Card-seconds of `cards` held over [from, to) that fall in [lo, hi).
uint64_t Overlap(Timestamp from, Timestamp to, Timestamp lo, Timestamp hi, uint32_t cards) {
  from = std::max(from, lo);
  to = std::min(to, hi);
  return to > from ? (to - from) / kNanosPerSecond * cards : 0;
}

bool IsPlaced(const scheduler::Job& job) {
  return job.status == scheduler::JobStatus::kDone || job.status == scheduler::JobStatus::kRunning;
}

// Adds one job's figures to `m`, and the card-seconds it held within the
// horizon to its site in `site_used`.
void CountJob(const state::State& s, const scheduler::Job& job, const Windows& win, Metrics* m,
              std::map<SiteId, uint64_t>* site_used) {
  const scheduler::JobRequest& r = job.submitted.request;
  ++m->jobs;
  m->charged = Money::Fen(m->charged.fen() + job.voucher_charged.fen());
  const bool placed = IsPlaced(job);
  if (r.deadline) {
    ++m->deadline_jobs;
    if (!placed || job.end_at > *r.deadline) ++m->deadline_misses;
  }
  if (!placed) return;
  ++m->placed;
  m->card_hours += uint64_t{r.cards} * r.walltime_s / 3600;
  m->list = Money::Fen(m->list.fen() + job.list_cost.fen());
  // A finished job's subsidy is what it was charged (metered: its use);
  // a running one's, what its claim holds.
  const Money subsidy =
      job.status == scheduler::JobStatus::kDone ? job.voucher_charged : job.subsidy;
  m->subsidy = Money::Fen(m->subsidy.fen() + subsidy.fen());
  m->out_of_pocket = Money::Fen(m->out_of_pocket.fen() + job.out_of_pocket.fen());
  const network::Pool* pool = s.network().FindPool(job.pool);
  (*site_used)[pool->site] +=
      Overlap(job.placed_at, job.end_at, win.start, win.horizon_end, r.cards);
  m->day_used_card_seconds += Overlap(job.placed_at, job.end_at, win.day_from, win.day_to, r.cards);
}

// The sites' offered and used card-seconds, the utilisation over the
// horizon and, for a day, that day's offered card-seconds.
void CountSites(const state::State& s, const WorkloadOptions& o,
                const std::map<SiteId, uint64_t>& site_used, Metrics* m) {
  std::map<SiteId, SiteUse> sites;
  for (const auto& [id, site] : s.network().sites()) sites[id].code = site.code;
  for (const auto& [id, pool] : s.network().pools()) {
    sites[pool.site].offered_card_seconds += uint64_t{pool.cards_offered} * o.days * kDay;
    if (m->day != 0) m->day_offered_card_seconds += uint64_t{pool.cards_offered} * kDay;
  }
  for (const auto& [id, used] : site_used) sites[id].used_card_seconds += used;
  uint64_t used = 0, offered = 0;
  for (auto& [id, u] : sites) {
    used += u.used_card_seconds;
    offered += u.offered_card_seconds;
    m->sites.push_back(u);
  }
  m->utilisation = offered == 0 ? 0 : static_cast<double>(used) / static_cast<double>(offered);
}

// Orders whose subsidy was paid by programmes of two levels or more
// (district and city): claims not voided whose holds posted money for each.
uint64_t StackedOrders(const state::State& s) {
  uint64_t stacked = 0;
  for (const auto& [id, claim] : s.book().claims()) {
    if (claim.status == programme::ClaimStatus::kVoided) continue;
    std::set<programme::JurisdictionLevel> levels;
    for (const programme::ClaimHold& h : claim.holds) {
      const programme::ProgrammeRules* p = s.registry().FindProgramme(h.programme);
      if (p != nullptr && h.posted.fen() > 0) levels.insert(p->level);
    }
    if (levels.size() >= 2) ++stacked;
  }
  // Claims that left memory, by the programmes that posted money.
  for (const auto& [programmes, count] : s.book().retired_claims().mixes) {
    std::set<programme::JurisdictionLevel> levels;
    for (ProgrammeId id : programmes) {
      const programme::ProgrammeRules* p = s.registry().FindProgramme(id);
      if (p != nullptr) levels.insert(p->level);
    }
    if (levels.size() >= 2) stacked += count;
  }
  return stacked;
}

// Per enterprise: Σ walltime / (wait + walltime) over its jobs, and the
// job count (an unplaced job counts 0): how little of its time was lost
// waiting; `wait` sums the placed jobs' waits.
void Serve(const scheduler::Job& job, std::map<EnterpriseId, Progress::Served>* served,
           double* wait) {
  Progress::Served& sv = (*served)[job.submitted.request.enterprise];
  sv.jobs += 1;
  if (!IsPlaced(job)) return;
  const double waited = static_cast<double>(job.placed_at - job.submitted_at) / 1e9;
  const double walltime = job.submitted.request.walltime_s;
  sv.share += walltime / (waited + walltime);
  *wait += waited;
}

// Jain's index over the enterprises' mean shares.
double Jain(const std::map<EnterpriseId, Progress::Served>& served) {
  double sum = 0, squares = 0;
  for (const auto& [e, sv] : served) {
    const double x = sv.jobs == 0 ? 1 : sv.share / static_cast<double>(sv.jobs);
    sum += x;
    squares += x * x;
  }
  return served.empty() ? 1 : sum * sum / (static_cast<double>(served.size()) * squares);
}

// The programme figures and reconciliation (whole-state reads, once).
void CountProgrammes(const state::State& s, Metrics* m) {
  for (const auto& [id, v] : s.book().vouchers()) {
    if (v.issued_at != 0) ++m->vouchers_issued;
  }
  for (const programme::ProgrammeTotals& t :
       programme::Totals(s.book(), s.registry(), s.ledger())) {
    ++m->programmes;
    if (t.issued.fen() + t.automatic.fen() > 0) ++m->programmes_granting;
  }
  m->stacked_orders = StackedOrders(s);
  m->reconciled = programme::CheckReconciled(s.book(), s.registry(), s.ledger()).empty() &&
                  s.ledger().CheckInvariants().empty();
}

}  // namespace

double Metrics::OutOfPocketPerCardHour() const {
  return card_hours == 0
             ? 0
             : static_cast<double>(out_of_pocket.fen()) / 100.0 / static_cast<double>(card_hours);
}
double Metrics::SubsidyPerCardHour() const {
  return card_hours == 0
             ? 0
             : static_cast<double>(subsidy.fen()) / 100.0 / static_cast<double>(card_hours);
}
double Metrics::DayUtilisation() const {
  return day_offered_card_seconds == 0 ? 0
                                       : static_cast<double>(day_used_card_seconds) /
                                             static_cast<double>(day_offered_card_seconds);
}

Metrics Measure(const state::State& s, const Workload& w, const WorkloadOptions& o,
                scheduler::Policy policy, uint32_t day) {
  Metrics m;
  m.policy = policy;
  m.day = day;
  const Windows win = WindowsOf(o, day);
  std::map<EnterpriseId, Progress::Served> served;
  std::map<SiteId, uint64_t> site_used;
  double wait = 0;
  w.arrivals.ForEach([&](const Arrival& a) {
    const scheduler::Job* job = s.scheduler().FindJob(a.request.id);
    if (job == nullptr) return;
    CountJob(s, *job, win, &m, &site_used);
    Serve(*job, &served, &wait);
  });
  CountSites(s, o, site_used, &m);
  m.mean_wait_s = m.placed == 0 ? 0 : wait / static_cast<double>(m.placed);
  m.jain = Jain(served);
  CountProgrammes(s, &m);
  return m;
}

Metrics Progress::Final(const state::State& s) const {
  Metrics m = ended_;
  m.policy = policy_;
  std::map<SiteId, uint64_t> site_used = ended_site_used_;
  std::map<EnterpriseId, Served> served = served_;
  double wait = wait_s_;
  for (OrderId id : live_) {
    // A job the driver still holds live may have been cancelled by someone
    // else (the demo's API) and retired since: it is in the archive.
    const scheduler::Job* job = s.scheduler().FindJob(id);
    if (job == nullptr) continue;
    CountJob(s, *job, WindowsOf(options_, 0), &m, &site_used);
    Serve(*job, &served, &wait);
  }
  CountSites(s, options_, site_used, &m);
  m.mean_wait_s = m.placed == 0 ? 0 : wait / static_cast<double>(m.placed);
  m.jain = Jain(served);
  CountProgrammes(s, &m);
  return m;
}

void Progress::Ended(const state::State& s, OrderId id) {
  if (live_.erase(id) == 0) return;
  const scheduler::Job* found = s.scheduler().FindJob(id);
  if (found == nullptr) return;  // cancelled by someone else long ago, and retired
  const scheduler::Job& job = *found;
  CountJob(s, job, WindowsOf(options_, 0), &ended_, &ended_site_used_);
  Serve(job, &served_, &wait_s_);
  if (IsPlaced(job)) recent_.push_back({job.placed_at, job.end_at, job.submitted.request.cards});
}

Metrics Progress::Day(const state::State& s, uint32_t day) {
  Metrics m = ended_;
  m.policy = policy_;
  m.day = day;
  const Windows win = WindowsOf(options_, day);
  std::map<SiteId, uint64_t> site_used = ended_site_used_;
  for (OrderId id : live_) {
    if (const scheduler::Job* job = s.scheduler().FindJob(id)) {
      CountJob(s, *job, win, &m, &site_used);
    }
  }
  for (const Held& h : recent_) {
    m.day_used_card_seconds += Overlap(h.from, h.to, win.day_from, win.day_to, h.cards);
  }
  CountSites(s, options_, site_used, &m);
  // Days are reported in order: what ended by this day's end cannot reach
  // a later one.
  std::erase_if(recent_, [&](const Held& h) { return h.to <= win.day_to; });
  return m;
}

}  // namespace bg::sim
