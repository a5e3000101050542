#include "sim/driver.h"

#include <algorithm>
#include <cstdint>
#include <map>
#include <queue>
#include <set>

#include "engine/engine.h"
#include "metering/usage.h"
#include "programme/reconcile.h"
#include "world/commands.h"

namespace bg::sim {
namespace {

constexpr uint64_t kDay = 86'400;

using EndHeap = std::priority_queue<std::pair<Timestamp, OrderId>,
                                    std::vector<std::pair<Timestamp, OrderId>>, std::greater<>>;

// Executes a command the driver expects the engine to take.
Result<state::CommandResult> Do(engine::Engine& e, state::CommandBody body) {
  Result<state::CommandResult> r = e.Execute(std::move(body));
  if (!r.ok()) return r.status().WithContext("simulator");
  return r;
}

Status Setup(engine::Engine& e, const world::World& scenario, const Workload& w) {
  for (state::CommandBody& body : world::ToCommands(scenario)) {
    BG_ASSIGN_OR_RETURN(state::CommandResult r, Do(e, std::move(body)));
    if (auto why = world::Refusal(r)) return InvalidArgument("scenario refused: " + *why);
  }
  for (const programme::Enterprise& ent : w.enterprises) {
    BG_ASSIGN_OR_RETURN(state::CommandResult r, Do(e, state::RegisterEnterprise{ent}));
    if (auto why = world::Refusal(r)) {
      return InvalidArgument("enterprise refused: " + *why);
    }
  }
  return Status::Ok();
}

// The application walks the review; a refusal (ineligible, over a cap,
// budget exhausted) simply ends it, as it would for a real applicant.
Status FileAndReview(engine::Engine& e, const programme::FileApplication& app) {
  BG_ASSIGN_OR_RETURN(state::CommandResult r, Do(e, app));
  bool ok = std::get<programme::Outcome>(r).ok();
  for (programme::Step step : {programme::Step::kSubmit, programme::Step::kStartReview,
                               programme::Step::kApprove, programme::Step::kIssue}) {
    if (!ok) break;
    BG_ASSIGN_OR_RETURN(
        r, Do(e, programme::ReviewApplication{.id = app.id, .step = step, .actor = "sim"}));
    ok = std::get<programme::Outcome>(r).ok();
  }
  return Status::Ok();
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
  return stacked;
}

// Card-seconds of `cards` held over [from, to) that fall in [lo, hi).
uint64_t Overlap(Timestamp from, Timestamp to, Timestamp lo, Timestamp hi, uint32_t cards) {
  from = std::max(from, lo);
  to = std::min(to, hi);
  return to > from ? (to - from) / kNanosPerSecond * cards : 0;
}

// The metrics so far; with `day` > 0, that day's figures too.
Metrics Measure(const state::State& s, const Workload& w, const WorkloadOptions& o,
                scheduler::Policy policy, uint32_t day = 0) {
  Metrics m;
  m.policy = policy;
  m.day = day;
  const Timestamp horizon_end = o.start + uint64_t{o.days} * kDay * kNanosPerSecond;
  const Timestamp day_from = o.start + uint64_t{day == 0 ? 0 : day - 1} * kDay * kNanosPerSecond;
  const Timestamp day_to = day == 0 ? day_from : day_from + kDay * kNanosPerSecond;
  // Per enterprise: Σ walltime / (wait + walltime) over its jobs, and the
  // job count (an unplaced job counts 0): how little of its time was lost
  // waiting.
  std::map<EnterpriseId, std::pair<double, uint64_t>> served;
  std::map<SiteId, SiteUse> sites;
  for (const auto& [id, site] : s.network().sites()) sites[id].code = site.code;
  for (const auto& [id, pool] : s.network().pools()) {
    sites[pool.site].offered_card_seconds += uint64_t{pool.cards_offered} * o.days * kDay;
  }
  double wait = 0;
  for (const Arrival& a : w.arrivals) {
    const scheduler::Job* job = s.scheduler().FindJob(a.request.id);
    if (job == nullptr) continue;
    ++m.jobs;
    m.charged = Money::Fen(m.charged.fen() + job->voucher_charged.fen());
    const uint64_t card_s = uint64_t{a.request.cards} * a.request.walltime_s;
    served[a.request.enterprise].second += 1;
    const bool placed =
        job->status == scheduler::JobStatus::kDone || job->status == scheduler::JobStatus::kRunning;
    if (a.request.deadline) {
      ++m.deadline_jobs;
      if (!placed || job->end_at > *a.request.deadline) ++m.deadline_misses;
    }
    if (!placed) continue;
    ++m.placed;
    const double waited = static_cast<double>(job->placed_at - job->submitted_at) / 1e9;
    served[a.request.enterprise].first += a.request.walltime_s / (waited + a.request.walltime_s);
    m.card_hours += card_s / 3600;
    m.list = Money::Fen(m.list.fen() + job->list_cost.fen());
    // A finished job's subsidy is what it was charged (metered: its use);
    // a running one's, what its claim holds.
    const Money subsidy =
        job->status == scheduler::JobStatus::kDone ? job->voucher_charged : job->subsidy;
    m.subsidy = Money::Fen(m.subsidy.fen() + subsidy.fen());
    m.out_of_pocket = Money::Fen(m.out_of_pocket.fen() + job->out_of_pocket.fen());
    wait += static_cast<double>(job->placed_at - job->submitted_at) / 1e9;
    const network::Pool* pool = s.network().FindPool(job->pool);
    sites[pool->site].used_card_seconds +=
        Overlap(job->placed_at, job->end_at, o.start, horizon_end, a.request.cards);
    m.day_used_card_seconds +=
        Overlap(job->placed_at, job->end_at, day_from, day_to, a.request.cards);
  }
  if (day != 0) {
    for (const auto& [id, pool] : s.network().pools()) {
      m.day_offered_card_seconds += uint64_t{pool.cards_offered} * kDay;
    }
  }
  m.mean_wait_s = m.placed == 0 ? 0 : wait / static_cast<double>(m.placed);
  double sum = 0, squares = 0;
  for (const auto& [e, sr] : served) {
    const double x = sr.second == 0 ? 1 : sr.first / static_cast<double>(sr.second);
    sum += x;
    squares += x * x;
  }
  m.jain = served.empty() ? 1 : sum * sum / (static_cast<double>(served.size()) * squares);
  uint64_t used = 0, offered = 0;
  for (auto& [id, u] : sites) {
    used += u.used_card_seconds;
    offered += u.offered_card_seconds;
    m.sites.push_back(u);
  }
  m.utilisation = offered == 0 ? 0 : static_cast<double>(used) / static_cast<double>(offered);
  for (const auto& [id, v] : s.book().vouchers()) {
    if (v.issued_at != 0) ++m.vouchers_issued;
  }
  for (const programme::ProgrammeTotals& t :
       programme::Totals(s.book(), s.registry(), s.ledger())) {
    ++m.programmes;
    if (t.issued.fen() + t.automatic.fen() > 0) ++m.programmes_granting;
  }
  m.stacked_orders = StackedOrders(s);
  m.reconciled = programme::CheckReconciled(s.book(), s.registry(), s.ledger()).empty() &&
                 s.ledger().CheckInvariants().empty();
  return m;
}

Status RegisterKeys(engine::Engine& e, const world::World& scenario) {
  for (const programme::Provider& p : scenario.providers) {
    BG_RETURN_IF_ERROR(
        Do(e,
           state::RegisterProviderKey{p.id, metering::KeyPairFromNumber(p.id.value()).public_key})
            .status());
  }
  return Status::Ok();
}

// The provider of `id` reports what the job used, signed as a batch: from
// its start for 70-100% of its walltime (seeded by the job id), on all its
// cards.
Status ReportUsage(engine::Engine& e, OrderId id, const DriverOptions& options) {
  const auto [record, ok] = e.Read([&](const state::State& s) {
    const scheduler::Job* j = s.scheduler().FindJob(id);
    if (j == nullptr || j->status != scheduler::JobStatus::kRunning) {
      return std::pair{metering::UsageRecord{}, false};
    }
    const network::Pool& pool = *s.network().FindPool(j->pool);
    const uint64_t start = j->start_at / kNanosPerSecond;
    const uint64_t walltime = (j->end_at - j->start_at) / kNanosPerSecond;
    const uint64_t used = std::max<uint64_t>(1, walltime * (70 + id.value() * 7919 % 31) / 100);
    return std::pair{metering::UsageRecord{.id = id.value(),
                                           .provider = s.network().FindSite(pool.site)->provider,
                                           .order = id,
                                           .start_s = start,
                                           .end_s = start + used,
                                           .cards = j->submitted.request.cards},
                     true};
  });
  if (!ok) return Status::Ok();
  state::SubmitUsage c{.records = {record}};
  c.batch_signature = metering::SignBatch(
      c.records, metering::KeyPairFromNumber(record.provider.value()).secret_key);
  if (options.report_usage) return options.report_usage(c);
  BG_ASSIGN_OR_RETURN(state::CommandResult r, Do(e, std::move(c)));
  const auto& out = std::get<metering::UsageOutcome>(r);
  if (!out.ok()) return Internal("simulated usage refused: " + out.messages[0]);
  return Status::Ok();
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

Result<Metrics> Run(const world::World& scenario, const Workload& w, const WorkloadOptions& o,
                    const DriverOptions& options, storage::Store* store) {
  VirtualClock clock(o.start - kDay * kNanosPerSecond);  // the day before: applications
  engine::EngineOptions eo;
  eo.idle_tick = std::chrono::milliseconds(0);
  eo.snapshot_every_batches = 0;
  BG_ASSIGN_OR_RETURN(std::unique_ptr<engine::Engine> e, engine::Engine::Open(store, &clock, eo));
  BG_RETURN_IF_ERROR(Setup(*e, scenario, w));
  // The applications of programmes open by now; the others when they open.
  size_t next_app = 0;
  for (; next_app < w.applications.size() && w.applications[next_app].at <= clock.Now();
       ++next_app) {
    BG_RETURN_IF_ERROR(FileAndReview(*e, w.applications[next_app].file));
  }
  if (options.metered) BG_RETURN_IF_ERROR(RegisterKeys(*e, scenario));
  if (options.on_open) options.on_open(*e);

  EndHeap ends;
  std::set<OrderId> queued;
  auto end_of = [&](OrderId id) {
    return e->Read([id](const state::State& s) { return s.scheduler().FindJob(id)->end_at; });
  };
  // Each day once it has ended: every day up to the one `now` falls in.
  uint32_t day = 0;
  auto days_until = [&](Timestamp now) {
    const uint32_t ended = now > o.start ? static_cast<uint32_t>(std::min<uint64_t>(
                                               (now - o.start) / (kDay * kNanosPerSecond), o.days))
                                         : 0;
    if (!options.on_day) return;
    while (day < ended) {
      ++day;
      options.on_day(day, e->Read([&](const state::State& s) {
        return Measure(s, w, o, options.policy, day);
      }));
    }
  };
  size_t next = 0;
  bool stopped = false;
  while (next < w.arrivals.size() || !ends.empty() || next_app < w.applications.size()) {
    Timestamp t = UINT64_MAX;
    if (next < w.arrivals.size()) t = w.arrivals[next].at;
    if (!ends.empty()) t = std::min(t, ends.top().first);
    if (next_app < w.applications.size()) t = std::min(t, w.applications[next_app].at);
    if (options.on_step && !options.on_step(t)) {
      stopped = true;
      break;
    }
    clock.Set(std::max(t, clock.Now()));
    bool freed = false;
    while (!ends.empty() && ends.top().first <= t) {
      const OrderId ending = ends.top().second;
      if (options.metered) BG_RETURN_IF_ERROR(ReportUsage(*e, ending, options));
      if (options.finish_job) {
        BG_RETURN_IF_ERROR(options.finish_job(ending));
      } else {
        BG_RETURN_IF_ERROR(Do(*e, scheduler::FinishJob{ending}).status());
      }
      ends.pop();
      freed = true;
    }
    // A programme that opens now takes its applications before the jobs
    // that arrive at the same instant.
    for (; next_app < w.applications.size() && w.applications[next_app].at <= t; ++next_app) {
      BG_RETURN_IF_ERROR(FileAndReview(*e, w.applications[next_app].file));
    }
    while (next < w.arrivals.size() && w.arrivals[next].at <= t) {
      const scheduler::JobRequest& r = w.arrivals[next++].request;
      BG_ASSIGN_OR_RETURN(state::CommandResult res,
                          Do(*e, scheduler::SubmitJob{.request = r, .policy = options.policy}));
      const auto& out = std::get<scheduler::JobOutcome>(res);
      if (out.status == scheduler::JobStatus::kRunning) {
        ends.push({end_of(r.id), r.id});
      } else if (out.status == scheduler::JobStatus::kQueued) {
        queued.insert(r.id);
      }
    }
    while (freed && !queued.empty()) {
      BG_ASSIGN_OR_RETURN(state::CommandResult res,
                          Do(*e, scheduler::Schedule{.policy = options.policy, .max_jobs = 1024}));
      const uint32_t placed = std::get<scheduler::JobOutcome>(res).placed;
      if (placed == 0) break;
      const std::vector<OrderId> now_running = e->Read([&](const state::State& s) {
        std::vector<OrderId> ids;
        for (OrderId id : queued) {
          if (s.scheduler().FindJob(id)->status == scheduler::JobStatus::kRunning) {
            ids.push_back(id);
          }
        }
        return ids;
      });
      for (OrderId id : now_running) {
        queued.erase(id);
        ends.push({end_of(id), id});
      }
      if (placed < 1024) break;
    }
    days_until(t);
  }
  // A run that drained before its horizon still reports its last days.
  if (!stopped) days_until(o.start + uint64_t{o.days} * kDay * kNanosPerSecond);
  Metrics m = e->Read([&](const state::State& s) { return Measure(s, w, o, options.policy); });
  m.commands = e->stats().commands;
  if (options.on_end) options.on_end(*e);
  BG_RETURN_IF_ERROR(e->Shutdown());
  return m;
}

}  // namespace bg::sim
