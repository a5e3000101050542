#include "sim/driver.h"

#include <algorithm>
#include <cstdint>
#include <map>
#include <queue>
#include <set>

#include "engine/engine.h"
#include "metering/usage.h"
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

// The provider of `id` reports what the job used, signed as a batch: from
// its start for 70-100% of its walltime (seeded by the job id), on all its
// cards.
Status ReportUsage(engine::Engine& e, OrderId id, const DriverOptions& options) {
  const std::optional<metering::UsageRecord> record =
      e.Read([&](const state::State& s) { return MeteredUse(s, id); });
  if (!record) return Status::Ok();
  state::SubmitUsage c{.records = {*record}};
  c.batch_signature = metering::SignBatch(
      c.records, metering::KeyPairFromNumber(record->provider.value()).secret_key);
  if (options.report_usage) return options.report_usage(c);
  BG_ASSIGN_OR_RETURN(state::CommandResult r, Do(e, std::move(c)));
  const auto& out = std::get<metering::UsageOutcome>(r);
  if (!out.ok()) return Internal("simulated usage refused: " + out.messages[0]);
  return Status::Ok();
}

}  // namespace

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

Status RegisterKeys(engine::Engine& e, const world::World& scenario) {
  for (const programme::Provider& p : scenario.providers) {
    BG_RETURN_IF_ERROR(
        Do(e,
           state::RegisterProviderKey{p.id, metering::KeyPairFromNumber(p.id.value()).public_key})
            .status());
  }
  return Status::Ok();
}

std::optional<metering::UsageRecord> MeteredUse(const state::State& s, OrderId id) {
  const scheduler::Job* j = s.scheduler().FindJob(id);
  if (j == nullptr || j->status != scheduler::JobStatus::kRunning) return std::nullopt;
  const network::Pool& pool = *s.network().FindPool(j->pool);
  const uint64_t start = j->start_at / kNanosPerSecond;
  const uint64_t walltime = (j->end_at - j->start_at) / kNanosPerSecond;
  const uint64_t used = std::max<uint64_t>(1, walltime * (70 + id.value() * 7919 % 31) / 100);
  return metering::UsageRecord{.id = id.value(),
                               .provider = s.network().FindSite(pool.site)->provider,
                               .order = id,
                               .start_s = start,
                               .end_s = start + used,
                               .cards = j->submitted.request.cards};
}

Result<Metrics> Run(const world::World& scenario, const Workload& w, const WorkloadOptions& o,
                    const DriverOptions& options, storage::Store* store) {
  VirtualClock clock(o.start - kDay * kNanosPerSecond);  // the day before: applications
  engine::EngineOptions eo;
  eo.idle_tick = std::chrono::milliseconds(0);
  eo.snapshot_every_batches = 0;
  eo.snapshot_on_shutdown = options.snapshot_at_end;
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

  // What is live: the jobs running (by end) and queued. Every step below
  // reads only these, so that a step costs what is live, not the history.
  EndHeap ends;
  std::set<OrderId> queued;
  uint64_t peak_live = 0;
  Progress progress(o, options.policy);
  // Without measure_each_day the figures follow the live jobs (Progress),
  // also at the end: a job ended long ago has left the state for the
  // archive (scheduler::kRetainEndedS), so the end cannot read every job.
  const bool track = !options.measure_each_day;
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
        return options.measure_each_day ? Measure(s, w, o, options.policy, day)
                                        : progress.Day(s, day);
      }));
    }
  };
  ArrivalCursor next(w.arrivals);
  bool stopped = false;
  std::vector<OrderId> finished;
  std::vector<OrderId> placed_now;
  while (next.Peek() != nullptr || !ends.empty() || next_app < w.applications.size()) {
    Timestamp t = UINT64_MAX;
    if (next.Peek() != nullptr) t = next.Peek()->at;
    if (!ends.empty()) t = std::min(t, ends.top().first);
    if (next_app < w.applications.size()) t = std::min(t, w.applications[next_app].at);
    if (options.on_step && !options.on_step(t)) {
      stopped = true;
      break;
    }
    clock.Set(std::max(t, clock.Now()));
    finished.clear();
    placed_now.clear();
    while (!ends.empty() && ends.top().first <= t) {
      const OrderId ending = ends.top().second;
      if (options.metered) BG_RETURN_IF_ERROR(ReportUsage(*e, ending, options));
      if (options.finish_job) {
        BG_RETURN_IF_ERROR(options.finish_job(ending));
      } else {
        BG_RETURN_IF_ERROR(Do(*e, scheduler::FinishJob{ending}).status());
      }
      ends.pop();
      finished.push_back(ending);
    }
    if (track && !finished.empty()) {
      e->Read([&](const state::State& s) {
        for (OrderId id : finished) progress.Ended(s, id);
        return 0;
      });
    }
    // A programme that opens now takes its applications before the jobs
    // that arrive at the same instant.
    for (; next_app < w.applications.size() && w.applications[next_app].at <= t; ++next_app) {
      BG_RETURN_IF_ERROR(FileAndReview(*e, w.applications[next_app].file));
    }
    for (; next.Peek() != nullptr && next.Peek()->at <= t; next.Pop()) {
      const scheduler::JobRequest& r = next.Peek()->request;
      BG_ASSIGN_OR_RETURN(state::CommandResult res,
                          Do(*e, scheduler::SubmitJob{.request = r, .policy = options.policy}));
      const auto& out = std::get<scheduler::JobOutcome>(res);
      if (out.code != scheduler::Code::kOk) continue;  // refused: not a job
      if (track) progress.Submitted(r.id);
      if (out.status == scheduler::JobStatus::kRunning) {
        ends.push({end_of(r.id), r.id});
        placed_now.push_back(r.id);
      } else if (out.status == scheduler::JobStatus::kQueued) {
        queued.insert(r.id);
      }
    }
    while (!finished.empty() && !queued.empty()) {
      BG_ASSIGN_OR_RETURN(state::CommandResult res,
                          Do(*e, scheduler::Schedule{.policy = options.policy, .max_jobs = 1024}));
      const uint32_t placed = std::get<scheduler::JobOutcome>(res).placed;
      if (placed == 0) break;
      // The jobs the pass placed, with their ends: read among the queued.
      const std::vector<std::pair<Timestamp, OrderId>> now_running =
          e->Read([&](const state::State& s) {
            std::vector<std::pair<Timestamp, OrderId>> running;
            for (OrderId id : queued) {
              // A job someone else cancelled (the demo's API) may be gone.
              const scheduler::Job* job = s.scheduler().FindJob(id);
              if (job != nullptr && job->status == scheduler::JobStatus::kRunning) {
                running.emplace_back(job->end_at, id);
              }
            }
            return running;
          });
      for (const auto& [end, id] : now_running) {
        queued.erase(id);
        ends.push({end, id});
        placed_now.push_back(id);
      }
      if (placed < 1024) break;
    }
    if (options.on_placed && !placed_now.empty()) BG_RETURN_IF_ERROR(options.on_placed(placed_now));
    peak_live = std::max<uint64_t>(peak_live, ends.size() + queued.size());
    days_until(t);
  }
  // A run that drained before its horizon still reports its last days.
  if (!stopped) days_until(o.start + uint64_t{o.days} * kDay * kNanosPerSecond);
  Metrics m = e->Read([&](const state::State& s) {
    return track ? progress.Final(s) : Measure(s, w, o, options.policy);
  });
  m.commands = e->stats().commands;
  m.peak_live_jobs = peak_live;
  if (options.on_end) options.on_end(*e);
  BG_RETURN_IF_ERROR(e->Shutdown());
  return m;
}

}  // namespace bg::sim
