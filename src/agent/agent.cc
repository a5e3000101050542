#include "agent/agent.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "common/hash.h"

namespace bg::agent {
namespace {

using Json = nlohmann::json;

// Answers that will never change by sending the record again: the record
// counts as reported (and, unless accepted, as refused).
bool Settled(const std::string& result) {
  return result == "ok" || result == "exists" || result == "order_ended" ||
         result == "outside_order" || result == "overlaps" ||
         result == "exists_with_different_body" || result == "too_many_cards" ||
         result == "empty_interval" || result == "unknown_order" || result == "not_your_order";
}

uint64_t RecordId(const std::string& cluster, const Run& run, uint64_t window) {
  Hasher h;
  h.Update("baygrid-agent-usage/1");
  h.Update(cluster);
  h.Update("/");
  h.Update(run.id);
  h.UpdateU64(run.submit_s);
  h.UpdateU64(run.start_s);
  h.UpdateU64(window);
  const Hash256 d = h.Finish();
  uint64_t id = 0;
  for (int i = 0; i < 8; ++i) id = (id << 8) | d[static_cast<size_t>(i)];
  // Below 2^63 (SQLite and JSON readers handle it as a signed number), never 0.
  return (id >> 1) | 1;
}

bool Active(const Run& r) { return r.state != RunState::kEnded; }

}  // namespace

Agent::Agent(Config config, Executor* executor, AgentStore* store, Platform* platform,
             const Clock* clock, LogFn log)
    : config_(std::move(config)),
      executor_(executor),
      store_(store),
      platform_(platform),
      clock_(clock),
      log_(std::move(log)) {}

void Agent::Log(const std::string& event, const std::string& fields_json) const {
  if (log_) log_(event, fields_json);
}

std::vector<metering::UsageRecord> Agent::Windows(const Placement& p, const std::vector<Run>& runs,
                                                  uint64_t now_s, uint64_t skip_start_s,
                                                  uint64_t skip) const {
  std::vector<metering::UsageRecord> out;
  const uint64_t w = config_.usage_window_s;
  for (const Run& run : runs) {
    if (run.id != p.run_id || run.start_s == 0) continue;
    const bool ended = run.state == RunState::kEnded;
    // Nothing is billed beyond what is known to have run: the run's end
    // (final or, while accounting lags, provisional) or now, and never
    // outside the order's lifetime on the platform.
    const uint64_t known = run.end_s != 0 ? std::min(run.end_s, ended ? run.end_s : now_s) : now_s;
    const uint64_t from = std::max(run.start_s, p.from_s);
    const uint64_t to = std::min(known, p.until_s);
    const uint32_t cards = std::min(run.cards != 0 ? run.cards : p.cards, p.cards);
    for (uint64_t k = run.start_s == skip_start_s ? skip : 0; from + k * w < to; ++k) {
      const uint64_t start = from + k * w;
      const uint64_t end = std::min(start + w, to);
      // A window not yet whole is reported once the run has ended, so that
      // a record's body never changes.
      if (end < start + w && !ended) break;
      out.push_back({.id = RecordId(config_.cluster, run, k),
                     .provider = ProviderId(config_.provider),
                     .order = OrderId(p.job),
                     .start_s = start,
                     .end_s = end,
                     .cards = cards});
    }
  }
  return out;
}

Status Agent::Cycle() {
  ++counters_.cycles;
  const uint64_t now_s = clock_->Now() / kNanosPerSecond;
  if (!started_) {
    for (const auto& [job, p] : store_->open()) {
      if (p.phase == Phase::kSubmitting) unsure_.insert(job);
      // An extension seen by the agent before this one may not have
      // reached the scheduler: every run's limit is set once more.
      if (p.phase != Phase::kSubmitting) extend_.insert(job);
    }
    started_ = true;
  }
  // A full listing now and then (cancellations show as jobs gone from it);
  // between, only what was placed since the last listing (less a minute
  // for clocks that differ).
  const bool full = last_full_s_ == 0 || (now_s - last_full_s_) * 1000 >= config_.full_sync_ms;
  const std::optional<uint64_t> since =
      full ? std::nullopt : std::optional<uint64_t>(last_poll_s_ > 60 ? last_poll_s_ - 60 : 0);
  Result<std::vector<PlacementView>> placements = platform_->Placements(since);
  if (placements.ok()) {
    last_poll_s_ = now_s;
    if (full) last_full_s_ = now_s;
  }
  const bool complete = placements.ok() && full;  // `live` is all of them
  std::map<uint64_t, PlacementView> live;
  if (placements.ok()) {
    for (const PlacementView& v : *placements) {
      if (config_.FindPool(v.pool) != nullptr) live[v.job] = v;
    }
    BG_RETURN_IF_ERROR(TakeNew(live));
  } else {
    Log("platform_unreachable", Json{{"error", placements.status().ToString()}}.dump());
  }
  const std::string prefix = RunName(config_.cluster, 0);
  BG_ASSIGN_OR_RETURN(std::vector<Run> all,
                      executor_->Runs(prefix.substr(0, prefix.size() - 1),
                                      now_s > config_.lookback_s ? now_s - config_.lookback_s : 0));
  RunsByJob runs;
  for (Run& r : all) {
    if (const uint64_t job = JobOfName(config_.cluster, r.name); job != 0) {
      runs[job].push_back(std::move(r));
    }
  }
  Status first = Status::Ok();
  auto note = [&](uint64_t job, const Status& s) {
    if (s.ok()) return;
    Log("job_error", Json{{"job", job}, {"error", s.ToString()}}.dump());
    if (first.ok()) first = s;
  };
  // Submit or follow each job; the usage of all of them goes in one batch
  // (up to 1024 records a request); then those whose runs have ended and
  // whose usage is all acknowledged are finished.
  const std::map<uint64_t, Placement> open = store_->open();  // a copy: steps change it
  std::map<uint64_t, std::vector<metering::UsageRecord>> windows;
  std::vector<metering::UsageRecord> due;
  for (const auto& [job, p] : open) {
    if (p.phase == Phase::kSubmitting) {
      note(job, Submit(p, runs, complete || live.contains(job) ? &live : nullptr, now_s));
    } else {
      note(job, Follow(p, runs[job], complete ? &live : nullptr, now_s, &windows[job], &due));
    }
  }
  if (Status s = Report(due); !s.ok()) {
    Log("usage_not_sent", Json{{"records", due.size()}, {"error", s.ToString()}}.dump());
    if (first.ok()) first = s;
  }
  for (auto& [job, mine_windows] : windows) {
    if (store_->open().contains(job)) note(job, Settle(job, runs[job], mine_windows));
  }
  if (placements.ok() && config_.offer_capacity) {
    if (Status s = Offer(runs); !s.ok() && first.ok()) first = s;
  }
  if (!placements.ok() && first.ok()) first = placements.status();
  if (!first.ok()) ++counters_.cycle_errors;
  return first;
}

Status Agent::TakeNew(const std::map<uint64_t, PlacementView>& live) {
  for (const auto& [job, v] : live) {
    if (store_->Knows(job)) {
      const auto it = store_->open().find(job);
      if (it != store_->open().end() && it->second.until_s != v.end_s) {
        BG_RETURN_IF_ERROR(store_->SetUntil(job, v.end_s));  // an extension
        extend_.insert(job);
      }
      continue;
    }
    BG_RETURN_IF_ERROR(store_->Take(
        {.job = job, .pool = v.pool, .cards = v.cards, .from_s = v.start_s, .until_s = v.end_s}));
  }
  return Status::Ok();
}

Status Agent::Submit(const Placement& p, const RunsByJob& runs,
                     const std::map<uint64_t, PlacementView>* live, uint64_t now_s) {
  if (const auto it = runs.find(p.job); it != runs.end() && !it->second.empty()) {
    // Submitted before a crash: adopt the newest run of that name.
    const Run& r =
        *std::max_element(it->second.begin(), it->second.end(),
                          [](const Run& a, const Run& b) { return a.submit_s < b.submit_s; });
    BG_RETURN_IF_ERROR(store_->Submitted(p.job, r.id));
    ++counters_.adopted;
    unsure_.erase(p.job);
    Log("adopted", Json{{"job", p.job}, {"run", r.id}}.dump());
    return Status::Ok();
  }
  if (unsure_.erase(p.job) != 0) return Status::Ok();  // look once more next cycle
  const bool gone = live != nullptr && !live->contains(p.job);
  if (gone || now_s + 1 >= p.until_s) {
    // Gone (or over) before it ran here: nothing ran, nothing to bill.
    BG_RETURN_IF_ERROR(store_->Finished(p.job));
    Log("not_run", Json{{"job", p.job}}.dump());
    return Status::Ok();
  }
  const PoolMap& map = *config_.FindPool(p.pool);
  const uint64_t left = p.until_s - now_s;
  RunSpec spec{.job = p.job,
               .name = RunName(config_.cluster, p.job),
               .cards = p.cards,
               .partition = map.partition,
               .account = map.account,
               .gres_type = map.gres,
               .time_limit_s = left > config_.margin_s + 60 ? left - config_.margin_s : 60,
               .order_from_s = p.from_s,
               .command = map.command.empty() ? config_.command : map.command};
  BG_ASSIGN_OR_RETURN(std::string id, executor_->Submit(spec));
  BG_RETURN_IF_ERROR(store_->Submitted(p.job, id));
  ++counters_.submitted;
  Log("submitted",
      Json{{"job", p.job}, {"run", id}, {"cards", p.cards}, {"time_limit_s", spec.time_limit_s}}
          .dump());
  return Status::Ok();
}

// The runs of `all` that are this placement's (a requeued job's attempts).
std::vector<Run> Agent::Mine(const Placement& p, const std::vector<Run>& all) {
  std::vector<Run> mine;
  for (const Run& r : all) {
    if (r.id == p.run_id) mine.push_back(r);
  }
  return mine;
}

Status Agent::Follow(const Placement& p, const std::vector<Run>& runs,
                     const std::map<uint64_t, PlacementView>* live, uint64_t now_s,
                     std::vector<metering::UsageRecord>* windows,
                     std::vector<metering::UsageRecord>* due) {
  const std::vector<Run> mine = Mine(p, runs);
  const bool active = std::any_of(mine.begin(), mine.end(), Active);
  bool ended_by_platform = p.ended_by_platform;
  if (live != nullptr && !live->contains(p.job) && !ended_by_platform) {
    // Cancelled, or ended by the platform's clock: no more usage is taken.
    BG_RETURN_IF_ERROR(store_->EndedByPlatform(p.job));
    ended_by_platform = true;
    Log("ended_by_platform", Json{{"job", p.job}, {"run", p.run_id}}.dump());
  }
  const PlacementView* view = nullptr;
  if (live != nullptr) {
    if (const auto it = live->find(p.job); it != live->end()) view = &it->second;
  }
  const bool stop_due = view != nullptr && view->stop && now_s >= view->end_s;
  if (active && (ended_by_platform || stop_due)) {
    BG_RETURN_IF_ERROR(executor_->Cancel(p.run_id));
    ++counters_.cancelled;
    Log("cancel", Json{{"job", p.job},
                       {"run", p.run_id},
                       {"why", ended_by_platform ? "ended_on_platform" : "stop_signal"}}
                      .dump());
  }
  if (active && !ended_by_platform && !stop_due && extend_.contains(p.job)) {
    BG_RETURN_IF_ERROR(Extend(p, mine, now_s));
  }
  const auto& [skip_start, skip] = settled_[p.job];
  *windows = Windows(store_->open().at(p.job), mine, now_s, skip_start, skip);
  for (const metering::UsageRecord& r : *windows) {
    if (!store_->Reported(r.id)) due->push_back(r);
  }
  return Status::Ok();
}

// The order was extended: the run's limit, counted from its start (now,
// for one still pending), becomes the order's new end less the margin.
Status Agent::Extend(const Placement& p, const std::vector<Run>& mine, uint64_t now_s) {
  uint64_t start = now_s;
  for (const Run& r : mine) {
    if (Active(r) && r.start_s != 0) start = r.start_s;
  }
  const uint64_t left = p.until_s > start ? p.until_s - start : 0;
  const uint64_t limit = left > config_.margin_s + 60 ? left - config_.margin_s : 60;
  BG_RETURN_IF_ERROR(executor_->Extend(p.run_id, limit));
  extend_.erase(p.job);
  ++counters_.extended;
  Log("extended", Json{{"job", p.job}, {"run", p.run_id}, {"time_limit_s", limit}}.dump());
  return Status::Ok();
}

Status Agent::Settle(uint64_t job, const std::vector<Run>& runs,
                     const std::vector<metering::UsageRecord>& windows) {
  const Placement p = store_->open().at(job);
  const std::vector<Run> mine = Mine(p, runs);
  // Of a single run, the leading windows now all acknowledged are skipped
  // from now on.
  auto& [skip_start, skip] = settled_[job];
  if (mine.size() == 1 && mine[0].start_s != 0) {
    if (skip_start != mine[0].start_s) skip = 0;
    skip_start = mine[0].start_s;
    for (const metering::UsageRecord& r : windows) {
      if (!store_->Reported(r.id)) break;
      ++skip;
    }
  }
  if (mine.empty() && runs.empty()) {
    if (p.ended_by_platform) {
      // The scheduler has forgotten it (or never ran it) and the platform
      // is done with it.
      BG_RETURN_IF_ERROR(store_->Finished(job));
      settled_.erase(job);
      Log("forgotten", Json{{"job", job}, {"run", p.run_id}}.dump());
    }
    return Status::Ok();
  }
  if (mine.empty() || std::any_of(mine.begin(), mine.end(), Active)) return Status::Ok();
  for (const metering::UsageRecord& r : windows) {
    if (!store_->Reported(r.id)) return Status::Ok();  // the next cycle sends it again
  }
  if (!p.ended_by_platform) {
    Status s = platform_->Finish(job);
    // Ended meanwhile (by the platform's clock): done all the same.
    if (!s.ok() && s.code() != StatusCode::kFailedPrecondition) return s;
  }
  BG_RETURN_IF_ERROR(store_->Finished(job));
  settled_.erase(job);
  ++counters_.finished;
  const Run& last = mine.back();
  Log("finished", Json{{"job", job},
                       {"run", p.run_id},
                       {"state", last.detail},
                       {"start", last.start_s},
                       {"end", last.end_s},
                       {"cards", last.cards}}
                      .dump());
  return Status::Ok();
}

Status Agent::Report(const std::vector<metering::UsageRecord>& records) {
  for (size_t at = 0; at < records.size(); at += metering::kMaxUsagePerCommand) {
    const size_t n = std::min(records.size() - at, metering::kMaxUsagePerCommand);
    std::vector<metering::UsageRecord> batch(records.begin() + static_cast<ptrdiff_t>(at),
                                             records.begin() + static_cast<ptrdiff_t>(at + n));
    counters_.records_sent += n;
    BG_ASSIGN_OR_RETURN(std::vector<UsageAnswer> answers, platform_->Report(batch));
    std::vector<uint64_t> settled;
    std::set<uint64_t> order_ended;
    for (size_t i = 0; i < n; ++i) {
      const std::string& result = answers[i].result;
      if (!Settled(result)) {
        Log("usage_retry", Json{{"job", batch[i].order.value()},
                                {"record", batch[i].id},
                                {"result", result},
                                {"message", answers[i].message}}
                               .dump());
        continue;
      }
      settled.push_back(batch[i].id);
      if (result == "ok" || result == "exists") {
        ++counters_.records_accepted;
        counters_.card_seconds_accepted +=
            (batch[i].end_s - batch[i].start_s) * uint64_t{batch[i].cards};
      } else {
        ++counters_.records_refused;
        if (result == "order_ended") order_ended.insert(batch[i].order.value());
        Log("usage_refused", Json{{"job", batch[i].order.value()},
                                  {"record", batch[i].id},
                                  {"start", batch[i].start_s},
                                  {"end", batch[i].end_s},
                                  {"cards", batch[i].cards},
                                  {"result", result},
                                  {"message", answers[i].message}}
                                 .dump());
      }
    }
    BG_RETURN_IF_ERROR(store_->MarkReported(settled));
    for (uint64_t job : order_ended) {
      const auto it = store_->open().find(job);
      if (it != store_->open().end() && !it->second.ended_by_platform) {
        BG_RETURN_IF_ERROR(store_->EndedByPlatform(job));
      }
    }
  }
  return Status::Ok();
}

Status Agent::Offer(const RunsByJob& runs) {
  BG_ASSIGN_OR_RETURN(std::vector<Capacity> caps, executor_->Capacities());
  for (const PoolMap& map : config_.pools) {
    const auto cap = std::find_if(caps.begin(), caps.end(), [&](const Capacity& c) {
      return c.partition == map.partition && c.gres_type == map.gres;
    });
    if (cap == caps.end()) {
      Log("no_capacity",
          Json{{"pool", map.pool}, {"partition", map.partition}, {"gres", map.gres}}.dump());
      continue;
    }
    // GPUs held by the platform's own running jobs on this pool stay
    // offered: they are the platform's already.
    uint32_t ours = 0;
    for (const auto& [job, p] : store_->open()) {
      if (p.pool != map.pool || p.phase != Phase::kSubmitted) continue;
      const auto it = runs.find(job);
      if (it == runs.end()) continue;
      for (const Run& r : it->second) {
        if (r.id == p.run_id && r.state == RunState::kRunning) ours += r.cards ? r.cards : p.cards;
      }
    }
    const uint32_t others = cap->allocated - std::min(cap->allocated, ours);
    const uint32_t usable = cap->total - std::min(cap->total, cap->unavailable);
    const uint32_t offered = usable - std::min(usable, others);
    if (store_->Offered(map.pool) == offered) continue;
    BG_RETURN_IF_ERROR(platform_->Offer(map.pool, offered));
    BG_RETURN_IF_ERROR(store_->SetOffered(map.pool, offered));
    ++counters_.offers;
    Log("offered", Json{{"pool", map.pool},
                        {"cards", offered},
                        {"total", cap->total},
                        {"unavailable", cap->unavailable},
                        {"others", others}}
                       .dump());
  }
  return Status::Ok();
}

}  // namespace bg::agent
