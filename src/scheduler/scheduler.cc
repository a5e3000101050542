#include "scheduler/scheduler.h"

#include <algorithm>
#include <chrono>
#include <limits>
#include <tuple>

#include "programme/accounts.h"
#include "programme/book_util.h"
#include "programme/rules.h"

namespace bg::scheduler {
namespace {

JobOutcome Refuse(Code code, std::string message) {
  return JobOutcome{.code = code, .message = std::move(message)};
}

std::string JobName(OrderId id) { return "job " + std::to_string(id.value()); }

constexpr uint32_t kMaxCards = 100'000;
constexpr uint32_t kMaxWalltimeS = 366 * 86'400;
constexpr uint32_t kMaxDataGb = 10'000'000;  // 10 PB
constexpr uint32_t kMaxMemoryGb = 4'096;

}  // namespace

// --- Validation -----------------------------------------------------------------

JobOutcome Scheduler::CheckRequest(const JobRequest& r, const network::Network& network,
                                   const programme::Registry& registry, Timestamp now) {
  if (registry.FindEnterprise(r.enterprise) == nullptr) {
    return Refuse(Code::kUnknownEnterprise,
                  "no enterprise " + std::to_string(r.enterprise.value()));
  }
  if (r.cards == 0) {
    return Refuse(Code::kCardsMustBePositive, "cards must be at least 1 (got 0)");
  }
  if (r.walltime_s == 0) {
    return Refuse(Code::kWalltimeMustBePositive, "walltime_s must be at least 1 second (got 0)");
  }
  if (r.cards > kMaxCards || r.walltime_s > kMaxWalltimeS || r.data_gb > kMaxDataGb ||
      r.min_memory_gb > kMaxMemoryGb ||
      (r.max_out_of_pocket && r.max_out_of_pocket->is_negative())) {
    return Refuse(Code::kAbsurdSize, "at most " + std::to_string(kMaxCards) + " cards, " +
                                         std::to_string(kMaxWalltimeS / 86'400) +
                                         " days of walltime, " + std::to_string(kMaxDataGb) +
                                         " GB of data, " + std::to_string(kMaxMemoryGb) +
                                         " GB per card, and a cost ceiling that is not negative");
  }
  if (!r.accelerator.empty()) {
    std::set<std::string> known;
    for (const auto& [id, p] : network.pools()) known.insert(p.accelerator);
    if (known.count(r.accelerator) == 0) {
      std::string list;
      for (const std::string& k : known) list += (list.empty() ? "" : ", ") + k;
      return Refuse(Code::kUnknownAccelerator,
                    "no pool of the network has " + r.accelerator + " (known: " + list + ")");
    }
  }
  if (!r.data_site.is_zero() && network.FindSite(r.data_site) == nullptr) {
    return Refuse(Code::kUnknownSite, "no site " + std::to_string(r.data_site.value()));
  }
  if (r.objective == Objective::kLowestLatency && !r.near_city) {
    return Refuse(Code::kUnknownCity, "lowest latency to which city? (near_city)");
  }
  if (r.near_city && registry.FindJurisdiction(*r.near_city) == nullptr) {
    return Refuse(Code::kUnknownCity, "no city " + std::to_string(r.near_city->value()));
  }
  if (r.deadline && *r.deadline <= now) {
    return Refuse(Code::kDeadlineInThePast, "the deadline has passed");
  }
  return {};
}

JobOutcome Scheduler::Validate(const SubmitJob& c, const World& w, Timestamp ts) const {
  const JobRequest& r = c.request;
  if (r.id.is_zero()) return Refuse(Code::kIdMustNotBeZero, "a job needs an id");
  if (r.id.value() > programme::kMaxRecordId) {
    return Refuse(Code::kIdTooLarge, JobName(r.id) + ": job ids must be below 2^54");
  }
  if (IsRetired(r.id)) {
    return Refuse(Code::kArchived, JobName(r.id) + " ended more than " +
                                       std::to_string(kRetainEndedS / 86'400) +
                                       " days ago and is archived; its id is not used again");
  }
  if (const Job* old = FindJob(r.id)) {
    if (old->submitted == c) {
      return JobOutcome{.code = Code::kExists,
                        .message = JobName(r.id) + " was submitted already",
                        .status = old->status};
    }
    return Refuse(Code::kExistsWithDifferentBody, JobName(r.id) + " exists with another request");
  }
  // Jobs and direct claims share one order id space (the book's
  // no-double-subsidy rule counts per order).
  if (w.book.HasClaimsOn(r.id)) {
    return Refuse(Code::kOrderClaimedDirectly, JobName(r.id) + ": order " +
                                                   std::to_string(r.id.value()) +
                                                   " was claimed directly by a provider");
  }
  if (JobOutcome bad = CheckRequest(r, w.network, w.registry, ts); bad.code != Code::kOk) {
    bad.message = JobName(r.id) + ": " + bad.message;
    return bad;
  }
  if (!c.pool.is_zero() && w.network.FindPool(c.pool) == nullptr) {
    return Refuse(Code::kUnknownPool, "no pool " + std::to_string(c.pool.value()));
  }
  return {};
}

// --- Commands -------------------------------------------------------------------

JobOutcome Scheduler::Apply(const SubmitJob& c, World w, Timestamp ts) {
  JobOutcome valid = Validate(c, w, ts);
  if (valid.code != Code::kOk) return valid;
  Job job{.submitted = c, .submitted_at = ts};
  if (!c.pool.is_zero()) {
    // Accepting a quote's option: that pool, now, or a clear no.
    const Quote q = QuoteFor(c.request, w.network, w.registry, w.book, w.ledger, ts);
    for (const Excluded& e : q.excluded) {
      if (e.pool == c.pool) {
        return Refuse(Code::kPoolNotSuitable,
                      "pool " + std::to_string(c.pool.value()) + ": " + e.reason);
      }
    }
    for (const Option& o : q.options) {
      if (o.pool != c.pool) continue;
      if (!o.starts_now) {
        return Refuse(Code::kPoolNotSuitable,
                      "pool " + std::to_string(c.pool.value()) + " has no free cards now");
      }
      Place(std::move(job), o, w, ts);
      return JobOutcome{.status = JobStatus::kRunning};
    }
    BG_CHECK(false) << "pool " << c.pool << " neither quoted nor excluded";
  }
  if (std::optional<Option> where = Choose(job, c.policy, w, ts)) {
    Place(std::move(job), *where, w, ts);
    return JobOutcome{.status = JobStatus::kRunning};
  }
  const OrderId id = c.request.id;
  PutJob(std::move(job));
  queue_.insert(id);
  undo_.Record([this, id] { queue_.erase(id); });
  return JobOutcome{.status = JobStatus::kQueued};
}

JobOutcome Scheduler::Apply(const Schedule& c, World w, Timestamp ts) {
  const uint32_t max = std::min(c.max_jobs, kMaxPlacementsPerPass);
  uint32_t placed = 0;
  std::vector<OrderId> placed_ids;
  // The most cards any pool of a type has free now: a job asking for more
  // waits without a quote. A placement can only lower it, and only when it
  // took the cards from the pool that had the most.
  std::map<std::string, std::vector<const network::Pool*>> by_type;
  for (const auto& [pid, pool] : w.network.pools()) by_type[pool.accelerator].push_back(&pool);
  auto free_in = [this](const network::Pool& pool) {
    auto u = use_.find(pool.id);
    const uint32_t used = u == use_.end() ? 0 : u->second.used;
    return pool.cards_offered > used ? pool.cards_offered - used : 0u;
  };
  std::map<std::string, uint32_t> most_free;
  auto refresh = [&](const std::string& type) {
    uint32_t best = 0;
    for (const network::Pool* pool : by_type[type]) best = std::max(best, free_in(*pool));
    most_free[type] = best;
  };
  for (const auto& [type, pools] : by_type) refresh(type);
  // The cost objective's fast path: pools of a type by list price for a
  // tier, and the most any programme could pay (their ratios added up, at
  // most 100%).
  std::map<std::pair<std::string, network::Tier>, std::vector<const network::Pool*>> by_price;
  auto sorted = [&](const std::string& type, network::Tier tier) {
    auto [it, fresh] = by_price.try_emplace({type, tier});
    if (fresh) {
      it->second = by_type[type];
      const auto t = static_cast<size_t>(tier);
      std::stable_sort(it->second.begin(), it->second.end(),
                       [t](const network::Pool* a, const network::Pool* b) {
                         return a->price[t] < b->price[t];
                       });
    }
    return &it->second;
  };
  uint32_t bound_bp = 0;
  for (const auto& [pid, p] : w.registry.programmes()) {
    uint32_t most = p.default_ratio_bp;
    for (const programme::RatioRule& rule : p.ratio_rules) most = std::max(most, rule.ratio_bp);
    bound_bp = std::min<uint32_t>(programme::kFullRatioBp, bound_bp + most);
  }
  for (OrderId id : QueueOrder(c.policy, w)) {
    if (placed == max) break;
    const auto t0 = decision_observer_ ? std::chrono::steady_clock::now()
                                       : std::chrono::steady_clock::time_point{};
    const Job& job = jobs_.at(id);
    const JobRequest& r = job.submitted.request;
    std::optional<Option> where;
    if (r.accelerator.empty()) {
      where = Choose(job, c.policy, w, ts + placed * kPlacementEvents);
    } else if (most_free[r.accelerator] >= r.cards) {
      where = Choose(job, c.policy, w, ts + placed * kPlacementEvents, &by_type[r.accelerator],
                     sorted(r.accelerator, r.tier), bound_bp);
    }
    if (where) {
      const network::Pool& pool = *w.network.FindPool(where->pool);
      const bool had_most = free_in(pool) == most_free[pool.accelerator];
      Place(job, *where, w, ts + placed * kPlacementEvents);
      ++placed;
      placed_ids.push_back(id);
      if (had_most) refresh(pool.accelerator);
    }
    if (decision_observer_) {
      decision_observer_(static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                                   std::chrono::steady_clock::now() - t0)
                                                   .count()),
                         where.has_value());
    }
  }
  return JobOutcome{.placed = placed, .placed_ids = std::move(placed_ids)};
}

JobOutcome Scheduler::NotFound(OrderId id) const {
  if (IsRetired(id)) {
    return Refuse(Code::kAlreadyEnded, JobName(id) + " ended more than " +
                                           std::to_string(kRetainEndedS / 86'400) +
                                           " days ago and is archived");
  }
  return Refuse(Code::kUnknownJob, "no " + JobName(id));
}

JobOutcome Scheduler::Apply(const FinishJob& c, World w, Timestamp ts) {
  const Job* found = FindJob(c.id);
  if (found == nullptr) return NotFound(c.id);
  if (found->status != JobStatus::kRunning) {
    return Refuse(found->status == JobStatus::kQueued ? Code::kNotRunning : Code::kAlreadyEnded,
                  JobName(c.id) + " is " + JobStatusName(found->status));
  }
  Job job = *found;
  // A metered job pays for the usage metering posted; any other for its
  // reservation.
  const bool metered = c.metered || job.metered;
  Release(job, /*capture=*/!metered, w, ts);
  if (!metered) {
    job.card_seconds = uint64_t{job.submitted.request.cards} * WalltimeS(job);
    job.charged = programme::book::Plus(job.list_cost, job.extension_list);
    job.voucher_charged = job.subsidy;
    job.copay_charged = CopayHeldInAll(job);
  }
  job.status = JobStatus::kDone;
  job.finished_at = ts;
  if (c.by_clock) {
    job.note = "finished by the engine: the walltime and " + std::to_string(kFinishGraceS / 60) +
               " minutes' grace had passed";
  }
  PutJob(std::move(job));
  return JobOutcome{.status = JobStatus::kDone};
}

JobOutcome Scheduler::Apply(const CancelJob& c, World w, Timestamp ts) {
  const Job* found = FindJob(c.id);
  if (found == nullptr) return NotFound(c.id);
  if (found->status == JobStatus::kDone || found->status == JobStatus::kCancelled) {
    return Refuse(Code::kAlreadyEnded, JobName(c.id) + " is " + JobStatusName(found->status));
  }
  Job job = *found;
  if (job.status == JobStatus::kQueued) {
    queue_.erase(c.id);
    undo_.Record([this, id = c.id] { queue_.insert(id); });
  } else {
    Release(job, /*capture=*/false, w, ts);
  }
  job.status = JobStatus::kCancelled;
  job.finished_at = ts;
  job.note = c.reason;
  PutJob(std::move(job));
  return JobOutcome{.status = JobStatus::kCancelled};
}

// --- Choosing -------------------------------------------------------------------

Quote Scheduler::QuoteFor(const JobRequest& r, const network::Network& network,
                          const programme::Registry& registry, const programme::Book& book,
                          const ledger::Ledger& ledger, Timestamp now) const {
  if (JobOutcome bad = CheckRequest(r, network, registry, now); bad.code != Code::kOk) {
    Quote refused;
    refused.refused = std::move(bad);
    return refused;
  }
  return BuildQuote(r, QuoteContext{network, use_, registry, book, ledger, now});
}

std::optional<Option> Scheduler::Choose(const Job& job, Policy policy, const World& w, Timestamp ts,
                                        const std::vector<const network::Pool*>* pools,
                                        const std::vector<const network::Pool*>* by_price,
                                        uint32_t bound_bp) const {
  const JobRequest& r = job.submitted.request;
  QuoteContext ctx{w.network, use_, w.registry, w.book, w.ledger, ts};
  ctx.pools = pools;
  if (policy == Policy::kVoucherAware && r.objective == Objective::kLowestCost &&
      by_price != nullptr) {
    const Best b = BestByCost(r, ctx, *by_price, bound_bp);
    if (b.best) {
      if (!b.best->starts_now) {
        const Timestamp window = std::max<Timestamp>(3600, r.walltime_s / 4) * kNanosPerSecond;
        if (b.best->start - ts <= window) return std::nullopt;
      }
      if (b.best_now) return b.best_now;
      return std::nullopt;  // a better pool frees up in time: wait
    }
    // Nothing meets the deadline and ceiling: the full quote decides below.
  }
  const Quote q = BuildQuote(r, ctx, /*reasons=*/false);
  if (policy == Policy::kVoucherAware) {
    // Wait for the best option if its cards free up soon (within a quarter
    // of the walltime, at least an hour) and it still meets the deadline;
    // else the best option that can start now; if none can meet the
    // deadline even by waiting, the earliest finish that can start now.
    const Option* best = nullptr;
    const Option* best_now = nullptr;
    for (const Option& o : q.options) {
      if (best == nullptr || Better(o, *best, r.objective)) best = &o;
      if (o.starts_now && (best_now == nullptr || Better(o, *best_now, r.objective))) {
        best_now = &o;
      }
    }
    if (best != nullptr && !best->starts_now) {
      const Timestamp window = std::max<Timestamp>(3600, r.walltime_s / 4) * kNanosPerSecond;
      if (best->start - ts <= window) return std::nullopt;
    }
    if (best_now != nullptr) return *best_now;
    if (best != nullptr) return std::nullopt;  // a better pool frees up in time: wait
    const Option* late = nullptr;
    for (const Excluded& e : q.excluded) {
      if (e.would_be && e.would_be->starts_now && r.deadline && e.would_be->finish > *r.deadline &&
          (!r.max_out_of_pocket || e.would_be->out_of_pocket <= *r.max_out_of_pocket) &&
          (late == nullptr || e.would_be->finish < late->finish)) {
        late = &*e.would_be;
      }
    }
    return late != nullptr ? std::optional<Option>(*late) : std::nullopt;
  }
  // The baselines see every pool that can start now, deadline and ceiling aside.
  std::vector<Option> now;
  for (const Option& o : q.options) {
    if (o.starts_now) now.push_back(o);
  }
  for (const Excluded& e : q.excluded) {
    if (e.would_be && e.would_be->starts_now) now.push_back(*e.would_be);
  }
  if (now.empty()) return std::nullopt;
  auto better = [policy](const Option& a, const Option& b) {
    if (policy == Policy::kCheapestList && a.list != b.list) return a.list < b.list;
    return a.pool < b.pool;
  };
  return *std::min_element(now.begin(), now.end(), better);
}

std::vector<OrderId> Scheduler::QueueOrder(Policy policy, const World& w) const {
  using Key = std::tuple<Timestamp, int64_t, uint64_t, Timestamp, uint64_t>;
  std::vector<std::pair<Key, OrderId>> keyed;
  keyed.reserve(queue_.size());
  bool any_sme_first = false;
  for (const auto& [id, p] : w.registry.programmes()) any_sme_first = any_sme_first || p.sme_first;
  // Each enterprise's fair-share key, looked up once per pass.
  std::map<EnterpriseId, std::pair<int64_t, uint64_t>> share_key;
  auto key_of = [&](EnterpriseId e) {
    auto [it, fresh] = share_key.try_emplace(e);
    if (fresh) {
      const programme::Enterprise* ent = w.registry.FindEnterprise(e);
      const int64_t weight =
          any_sme_first && ent != nullptr && (ent->applicant.flags & programme::kSme) != 0 ? 2 : 1;
      auto share = shares_.find(e);
      const Share sh = share == shares_.end() ? Share{} : share->second;
      it->second = {sh.money_fen / weight, sh.card_seconds / static_cast<uint64_t>(weight)};
    }
    return it->second;
  };
  // Each queued job by id: a pass costs what is queued, not every job ever
  // submitted.
  for (OrderId id : queue_) {
    const Job& job = jobs_.find(id)->second;
    const JobRequest& r = job.submitted.request;
    Key key{0, 0, 0, job.submitted_at, id.value()};
    if (policy == Policy::kVoucherAware) {
      const Timestamp latest_start =
          r.deadline
              ? *r.deadline - std::min<Timestamp>(*r.deadline, r.walltime_s * kNanosPerSecond)
              : std::numeric_limits<Timestamp>::max();
      const auto [money, card_seconds] = key_of(r.enterprise);
      key = Key{latest_start, money, card_seconds, job.submitted_at, id.value()};
    }
    keyed.emplace_back(key, id);
  }
  std::sort(keyed.begin(), keyed.end());
  std::vector<OrderId> order;
  order.reserve(keyed.size());
  for (const auto& [key, id] : keyed) order.push_back(id);
  return order;
}

// --- Placing and releasing --------------------------------------------------------

void Scheduler::Place(Job job, const Option& where, World& w, Timestamp ts) {
  const JobRequest& r = job.submitted.request;
  const network::Pool& pool = *w.network.FindPool(where.pool);
  const programme::Redeem claim = ClaimFor(r, pool, w.network, w.registry, where.list);
  if (where.subsidy.fen() > 0) {
    const programme::Outcome out = w.book.Apply(claim, w.registry, ts, w.ledger);
    BG_CHECK(out.code == programme::Code::kOk && out.subsidy->subsidy == where.subsidy)
        << JobName(r.id) << ": the claim disagrees with its quote: " << out.message;
    job.claim = claim.id;
    for (const programme::ClaimShare& s : w.book.FindClaim(claim.id)->shares) {
      if (w.registry.FindProgramme(s.programme)->redemption ==
          programme::RedemptionMode::kReimbursement) {
        job.reimbursed = programme::book::Plus(job.reimbursed, s.amount);
      }
    }
  }
  // The enterprise pays the provider its share now, and the reimbursed
  // part too (the programme pays that back to it at settlement).
  const Money copay = programme::book::Plus(where.out_of_pocket, job.reimbursed);
  if (copay.fen() > 0) {
    const AccountId wallet = programme::WalletAccount(r.enterprise);
    const AccountId owed = programme::ProviderReceivableAccount(where.provider);
    Timestamp at = ts + programme::kMaxClaimHolds;
    if (w.ledger.FindAccount(wallet) == nullptr) {
      programme::book::MustOpenAccount(w.ledger, wallet, claim.currency_ledger,
                                       programme::AccountKind::kWallet, r.enterprise.value(), 0,
                                       at);
    }
    if (w.ledger.FindAccount(owed) == nullptr) {
      programme::book::MustOpenAccount(w.ledger, owed, claim.currency_ledger,
                                       programme::AccountKind::kProviderReceivable,
                                       where.provider.value(), 0, at + 1);
    }
    job.copay_hold = w.book.NextTransferId();
    programme::book::MustTransfer(
        w.ledger,
        {programme::book::Move(job.copay_hold, wallet, owed, copay, claim.currency_ledger,
                               programme::MoneyCode::kCoPay, r.id.value(), ledger::kPending)},
        at + 2);
  }
  job.status = JobStatus::kRunning;
  job.pool = where.pool;
  job.placed_at = ts;
  job.start_at = ts + where.transfer_s * kNanosPerSecond;
  job.end_at = job.start_at + uint64_t{r.walltime_s} * kNanosPerSecond;
  job.list_cost = where.list;
  job.price = pool.price[static_cast<size_t>(r.tier)];
  job.subsidy = where.subsidy;
  job.out_of_pocket = where.out_of_pocket;
  AddUse(where.pool, job.end_at, r.cards, true);
  Share s = shares_.count(r.enterprise) != 0 ? shares_.at(r.enterprise) : Share{};
  s.money_fen += where.list.fen();
  s.card_seconds += uint64_t{r.cards} * r.walltime_s;
  undo_.Put(shares_, r.enterprise, s);
  if (queue_.erase(r.id) != 0) undo_.Record([this, id = r.id] { queue_.insert(id); });
  PutJob(std::move(job));
}

void Scheduler::Release(Job& job, bool capture, World& w, Timestamp ts) {
  if (!job.claim.is_zero()) {
    const programme::Outcome out = w.book.Apply(
        programme::SettleClaim{.id = job.claim, .capture = capture}, w.registry, ts, w.ledger);
    BG_CHECK(out.code == programme::Code::kOk)
        << JobName(job.submitted.request.id) << ": " << out.message;
  }
  if (!job.copay_hold.is_zero()) {
    programme::book::MustTransfer(
        w.ledger,
        {programme::book::Resolve(w.book.NextTransferId(), job.copay_hold, capture,
                                  job.submitted.request.id.value())},
        ts + kSettleEvents - 1);
  }
  AddUse(job.pool, job.end_at, job.submitted.request.cards, false);
}

void Scheduler::AddUse(PoolId pool, Timestamp end, uint32_t cards, bool add) {
  auto apply = [this, pool, end, cards](bool on) {
    PoolUse& u = use_[pool];
    if (on) {
      u.used += cards;
      u.ends.insert({end, cards});
    } else {
      u.used -= cards;
      u.ends.erase(u.ends.find({end, cards}));
    }
  };
  apply(add);
  undo_.Record([apply, add] { apply(!add); });
}

void Scheduler::PutJob(Job job) {
  const OrderId id = job.submitted.request.id;
  auto by_end = [this](const Job& j, bool add) {
    if (j.status != JobStatus::kRunning) return;
    const std::pair<Timestamp, OrderId> key{j.end_at, j.submitted.request.id};
    auto change = [this, key](bool in) {
      if (in) {
        running_by_end_.insert(key);
        running_.insert(key.second);
      } else {
        running_by_end_.erase(key);
        running_.erase(key.second);
      }
    };
    change(add);
    undo_.Record([change, add] { change(!add); });
  };
  // Ended jobs by end time, for Retire. A job ends once (done or
  // cancelled is final) and keeps its finished_at.
  auto ended = [](const Job& j) {
    return j.status == JobStatus::kDone || j.status == JobStatus::kCancelled;
  };
  const Job* old = FindJob(id);
  if (old != nullptr) by_end(*old, false);
  by_end(job, true);
  if (ended(job) && (old == nullptr || !ended(*old))) {
    const std::pair<Timestamp, OrderId> key{job.finished_at, id};
    ended_by_time_.insert(key);
    undo_.Record([this, key] { ended_by_time_.erase(key); });
  }
  const Money was = old == nullptr ? Money{} : old->charged;
  if (job.charged != was) {
    undo_.Set(charged_total_,
              programme::book::Plus(programme::book::Minus(charged_total_, was), job.charged));
  }
  undo_.Put(jobs_, id, std::move(job));
}

namespace {

// When a job that ended at `ended` is retired: kRetainEndedS later,
// rounded up to the next whole kRetireEveryS.
Timestamp RetireAt(Timestamp ended) {
  constexpr uint64_t kEvery = kRetireEveryS * kNanosPerSecond;
  const Timestamp due = ended + kRetainEndedS * kNanosPerSecond;
  return (due + kEvery - 1) / kEvery * kEvery;
}

}  // namespace

std::optional<Timestamp> Scheduler::NextRetirement() const {
  if (ended_by_time_.empty()) return std::nullopt;
  return RetireAt(ended_by_time_.begin()->first);
}

std::vector<Job> Scheduler::Retire(Timestamp ts, size_t max) {
  std::vector<Job> out;
  while (out.size() < max && !ended_by_time_.empty() &&
         RetireAt(ended_by_time_.begin()->first) <= ts) {
    const std::pair<Timestamp, OrderId> key = *ended_by_time_.begin();
    ended_by_time_.erase(ended_by_time_.begin());
    undo_.Record([this, key] { ended_by_time_.insert(key); });
    auto it = jobs_.find(key.second);
    BG_CHECK(it != jobs_.end()) << "ended job " << key.second << " is not in the state";
    Job job = it->second;
    undo_.Erase(jobs_, key.second);
    retired_.Insert(key.second.value());
    undo_.Record([this, id = key.second] { retired_.Erase(id.value()); });
    std::vector<uint8_t> bytes;
    Writer w(&bytes);
    EncodeJob(w, job);
    Hasher h;
    h.Update(retired_digest_);
    h.Update(bytes);
    undo_.Set(retired_digest_, h.Finish());
    undo_.Set(retired_charged_, programme::book::Plus(retired_charged_, job.charged));
    out.push_back(std::move(job));
  }
  return out;
}

const Job* Scheduler::FindJob(OrderId id) const {
  auto it = jobs_.find(id);
  return it == jobs_.end() ? nullptr : &it->second;
}

std::optional<Timestamp> Scheduler::NextOverdue() const {
  if (running_by_end_.empty()) return std::nullopt;
  return running_by_end_.begin()->first + kFinishGraceS * kNanosPerSecond;
}

std::vector<OrderId> Scheduler::Overdue(Timestamp ts, size_t max) const {
  std::vector<OrderId> due;
  for (const auto& [end, id] : running_by_end_) {
    if (due.size() == max || end + kFinishGraceS * kNanosPerSecond > ts) break;
    due.push_back(id);
  }
  return due;
}

// --- Explanations -----------------------------------------------------------------

std::string Describe(const Job& job) {
  return JobName(job.submitted.request.id) + " is " + JobStatusName(job.status) +
         (job.pool.is_zero() ? "" : " on pool " + std::to_string(job.pool.value())) + ": list " +
         job.list_cost.ToYuanString() + ", subsidy " + job.subsidy.ToYuanString() +
         ", out of pocket " + job.out_of_pocket.ToYuanString();
}

std::string Scheduler::Explain(OrderId id, const network::Network& network,
                               const programme::Registry& registry, const programme::Book& book,
                               const ledger::Ledger& ledger, Timestamp now) const {
  const Job* job = FindJob(id);
  if (job == nullptr) return "no " + JobName(id);
  if (job->status != JobStatus::kQueued) return Describe(*job);
  // The request was checked when it was submitted (its deadline may have
  // passed since: the quote says where it would still run).
  const Quote q =
      BuildQuote(job->submitted.request, QuoteContext{network, use_, registry, book, ledger, now});
  std::string out = JobName(id) + " waits: ";
  const Option* run_now = nullptr;
  for (const Option& o : q.options) {
    if (o.starts_now && run_now == nullptr) run_now = &o;
  }
  for (const Excluded& e : q.excluded) {
    if (run_now == nullptr && e.would_be && e.would_be->starts_now) run_now = &*e.would_be;
  }
  if (q.options.empty()) {
    out += "no pool can run it under its deadline and cost ceiling\n";
  } else if (q.options.front().starts_now) {
    out += "pool " + std::to_string(q.options.front().pool.value()) +
           " can take it now; the next pass places it\n";
  } else {
    const Option& best = q.options.front();
    out += "it waits for pool " + std::to_string(best.pool.value()) + ", the best for it (" +
           best.out_of_pocket.ToYuanString() + " out of pocket), which has no free cards for " +
           std::to_string((best.start - now) / kNanosPerSecond / 60) + " min\n";
  }
  if (run_now != nullptr) {
    out += "to run now: pool " + std::to_string(run_now->pool.value()) + " would cost " +
           run_now->out_of_pocket.ToYuanString() + " out of pocket\n";
  }
  out += q.Explain();
  return out;
}

// --- Encoding ---------------------------------------------------------------------

void Scheduler::Encode(Writer& w) const {
  w.U32(static_cast<uint32_t>(jobs_.size()));
  for (const auto& [id, job] : jobs_) EncodeJob(w, job);
  w.U32(static_cast<uint32_t>(queue_.size()));
  for (OrderId id : queue_) w.U64(id.value());
  w.U32(static_cast<uint32_t>(shares_.size()));
  for (const auto& [id, s] : shares_) {
    w.U64(id.value());
    w.I64(s.money_fen);
    w.U64(s.card_seconds);
  }
  retired_.Encode(w);
  w.Bytes(retired_digest_);
  w.I64(retired_charged_.fen());
}

bool Scheduler::Decode(Reader& r, Scheduler* out) {
  Scheduler s;
  uint32_t n = 0;
  if (!r.U32(&n) || n > r.remaining()) return false;
  for (uint32_t i = 0; i < n; ++i) {
    Job job;
    if (!DecodeJob(r, &job) || !s.jobs_.emplace(job.submitted.request.id, job).second) return false;
  }
  if (!r.U32(&n) || n > r.remaining()) return false;
  for (uint32_t i = 0; i < n; ++i) {
    uint64_t id = 0;
    if (!r.U64(&id) || s.jobs_.count(OrderId(id)) == 0) return false;
    s.queue_.insert(OrderId(id));
  }
  if (!r.U32(&n) || n > r.remaining()) return false;
  for (uint32_t i = 0; i < n; ++i) {
    uint64_t id = 0;
    Share share;
    if (!r.U64(&id) || !r.I64(&share.money_fen) || !r.U64(&share.card_seconds)) return false;
    s.shares_.emplace(EnterpriseId(id), share);
  }
  std::string digest;
  int64_t retired_fen = 0;
  if (!IdRanges::Decode(r, &s.retired_) || !r.Str(&digest) ||
      digest.size() != s.retired_digest_.size() || !r.I64(&retired_fen) || retired_fen < 0) {
    return false;
  }
  std::copy(digest.begin(), digest.end(), s.retired_digest_.begin());
  s.retired_charged_ = Money::Fen(retired_fen);
  s.charged_total_ = s.retired_charged_;
  for (const auto& [id, job] : s.jobs_) {
    if (s.retired_.Contains(id.value())) return false;
    if (job.status == JobStatus::kDone || job.status == JobStatus::kCancelled) {
      s.ended_by_time_.insert({job.finished_at, id});
    }
    s.charged_total_ = programme::book::Plus(s.charged_total_, job.charged);
    if (job.status != JobStatus::kRunning) continue;
    PoolUse& u = s.use_[job.pool];
    u.used += job.submitted.request.cards;
    u.ends.insert({job.end_at, job.submitted.request.cards});
    s.running_by_end_.insert({job.end_at, id});
    s.running_.insert(id);
  }
  out->jobs_ = std::move(s.jobs_);
  out->queue_ = std::move(s.queue_);
  out->use_ = std::move(s.use_);
  out->running_by_end_ = std::move(s.running_by_end_);
  out->running_ = std::move(s.running_);
  out->shares_ = std::move(s.shares_);
  out->charged_total_ = s.charged_total_;
  out->ended_by_time_ = std::move(s.ended_by_time_);
  out->retired_ = std::move(s.retired_);
  out->retired_digest_ = s.retired_digest_;
  out->retired_charged_ = s.retired_charged_;
  return true;
}

}  // namespace bg::scheduler
