// Scheduler: the network queue and placement. A job is placed by one
// command that, all or nothing, makes the subsidy claim through the
// programme book (holds on the vouchers drawn), holds the co-pay on the
// enterprise's wallet for the provider, reserves the cards in the pool and
// starts the job's clock; with no capacity it waits in the queue, and each
// Schedule pass places queued jobs in priority order:
//
//   1. urgency: jobs whose deadline is near come first (earliest latest-start);
//   2. fair share: the enterprise that has received least — money first
//      (list cost of its jobs), then card-hours — divided by its weight
//      (2 for an SME where a programme it holds says `sme_first`, else 1);
//   3. submission order.
//
// Where a job goes (voucher-aware policy): the best option by its objective
// — after subsidy, within its deadline and cost ceiling — that can start
// now; it waits instead when the best option frees up soon (within a
// quarter of the walltime, at least an hour). A queued job is quoted afresh
// in every pass, so it overflows to the next-best pool (cheaper or closer
// first) as capacity appears, and is never bound to the pool that was best
// when it arrived.
//
// Thread-safety: none; the engine's writer owns it.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/hash.h"
#include "common/id_ranges.h"
#include "common/undo_log.h"
#include "ledger/ledger.h"
#include "network/network.h"
#include "programme/book.h"
#include "programme/registry.h"
#include "scheduler/job.h"
#include "scheduler/quote.h"

namespace bg::scheduler {

// What a job's co-pay hold covers in all: the out-of-pocket share, the
// reimbursed part and any extension (billing.cc).
Money CopayHeldInAll(const Job& job);
// The job's walltime now, extensions included.
uint64_t WalltimeS(const Job& job);
// Where a placed or ended job is and what it costs ("job 7 is done on pool
// 3: list ..., subsidy ..., out of pocket ...").
std::string Describe(const Job& job);

struct World {
  const network::Network& network;
  const programme::Registry& registry;
  programme::Book& book;
  ledger::Ledger& ledger;
};

// What an enterprise has received so far (fair share).
struct Share {
  int64_t money_fen = 0;  // list cost of its placed jobs
  uint64_t card_seconds = 0;
  friend bool operator==(const Share&, const Share&) = default;
};

class Scheduler {
 public:
  JobOutcome Apply(const SubmitJob& c, World w, Timestamp ts);
  JobOutcome Apply(const Schedule& c, World w, Timestamp ts);
  JobOutcome Apply(const FinishJob& c, World w, Timestamp ts);
  JobOutcome Apply(const CancelJob& c, World w, Timestamp ts);
  JobOutcome Apply(const ExtendJob& c, World w, Timestamp ts);

  // What one increment of usage charged (Bill).
  struct Billed {
    Money charge{};
    Money copay{};
    std::vector<programme::ClaimShare> subsidy = {};  // per programme
  };
  // Metering: running job `id` has used `card_seconds` so far (cumulative,
  // within its reservation). Charges the increment at the placement price:
  // the voucher share is posted through the claim (Book::Charge) and the
  // co-pay on the wallet's hold, each re-held for the rest, so that
  // voucher + co-pay = charge to the fen at every step.
  Billed Bill(OrderId id, uint64_t card_seconds, World w, Timestamp ts);
  static constexpr size_t kBillEvents = programme::Book::kChargeEvents + 2;

  // A quote for `r` now (the same pipeline placement uses); a request that
  // CheckRequest refuses is quoted nowhere (Quote::refused says why).
  Quote QuoteFor(const JobRequest& r, const network::Network& network,
                 const programme::Registry& registry, const programme::Book& book,
                 const ledger::Ledger& ledger, Timestamp now) const;
  // The request's own checks, shared by submitting and quoting: at least
  // one card and one second, sizes within bounds, the enterprise,
  // accelerator, data site and city it names exist, the deadline is ahead.
  // The message names the field ("walltime_s must be at least 1 second").
  static JobOutcome CheckRequest(const JobRequest& r, const network::Network& network,
                                 const programme::Registry& registry, Timestamp now);
  // Why a queued job waits, and what it would cost to run now elsewhere.
  std::string Explain(OrderId id, const network::Network& network,
                      const programme::Registry& registry, const programme::Book& book,
                      const ledger::Ledger& ledger, Timestamp now) const;

  // Time: the earliest moment a running job's walltime and grace period
  // (kFinishGraceS) have passed, if any job runs; and the running jobs due
  // by `ts`, at most `max`, the earliest end first (then by id).
  std::optional<Timestamp> NextOverdue() const;
  std::vector<OrderId> Overdue(Timestamp ts, size_t max) const;

  // Retirement (kRetainEndedS): when the oldest ended job is due to be
  // retired, if any job has ended; and Retire moves up to `max` jobs due
  // by `ts` out of the state, the earliest ended first (then by id), and
  // returns them for the store's archive. A retired job's id stays taken
  // (IsRetired), its record is covered by retired_digest() in the state
  // hash, and what it was charged stays in charged_total().
  std::optional<Timestamp> NextRetirement() const;
  std::vector<Job> Retire(Timestamp ts, size_t max);
  bool IsRetired(OrderId id) const { return retired_.Contains(id.value()); }
  const IdRanges& retired() const { return retired_; }
  // BLAKE2b chain over the retired jobs' encodings, in retirement order.
  const Hash256& retired_digest() const { return retired_digest_; }

  // A job in the state: queued, running, or ended within kRetainEndedS
  // (older ones are in the store's archive).
  const Job* FindJob(OrderId id) const;
  // The jobs in the state (API lists merge the archive's). No per-pass
  // path walks it: a pass reads the queued jobs by id.
  const std::map<OrderId, Job>& jobs() const { return jobs_; }
  // What every job has been charged so far (Σ Job::charged), retired ones
  // included: a running total kept by each change of a job (metrics).
  Money charged_total() const { return charged_total_; }
  const std::map<PoolId, PoolUse>& use() const { return use_; }
  const std::set<OrderId>& queue() const { return queue_; }
  // The running jobs by id (placements, in id order for paging).
  const std::set<OrderId>& running() const { return running_; }
  const std::map<EnterpriseId, Share>& shares() const { return shares_; }

  // Benchmarks only: called with the nanoseconds each placement decision of
  // a Schedule pass took (wall time; it changes no decision).
  void set_decision_observer(std::function<void(uint64_t ns, bool placed)> f) {
    decision_observer_ = std::move(f);
  }

  void BeginBatch() { undo_.BeginBatch(); }
  void CommitBatch() { undo_.CommitBatch(); }
  void RollbackBatch() { undo_.RollbackBatch(); }

  void Encode(Writer& w) const;
  static bool Decode(Reader& r, Scheduler* out);
  bool operator==(const Scheduler& o) const {
    return jobs_ == o.jobs_ && queue_ == o.queue_ && shares_ == o.shares_ &&
           retired_ == o.retired_ && retired_digest_ == o.retired_digest_ &&
           retired_charged_ == o.retired_charged_;
  }

 private:
  JobOutcome Validate(const SubmitJob& c, const World& w, Timestamp ts) const;
  // The refusal for a command on job `id` not in the state: already ended
  // if it was retired, unknown otherwise.
  JobOutcome NotFound(OrderId id) const;
  // Chooses where `job` goes now under `policy`, or nothing (it waits).
  // `pools`: the pools of the job's type (null: all); `by_price`: the same
  // in ascending list price for the job's tier, with `bound_bp` the most
  // any programme could pay (the cost objective's fast path).
  std::optional<Option> Choose(const Job& job, Policy policy, const World& w, Timestamp ts,
                               const std::vector<const network::Pool*>* pools = nullptr,
                               const std::vector<const network::Pool*>* by_price = nullptr,
                               uint32_t bound_bp = 0) const;
  void Place(Job job, const Option& where, World& w, Timestamp ts);
  // Ends a placed job's money: capture posts everything still held (the
  // reservation is the bill), otherwise the holds are released and what
  // metering posted stays.
  void Release(Job& job, bool capture, World& w, Timestamp ts);
  std::vector<OrderId> QueueOrder(Policy policy, const World& w) const;
  void PutJob(Job job);
  void AddUse(PoolId pool, Timestamp end, uint32_t cards, bool add);

  std::map<OrderId, Job> jobs_;
  std::set<OrderId> queue_;
  std::map<PoolId, PoolUse> use_;  // derived from running jobs; rebuilt on decode
  // Running jobs by end (derived, rebuilt on decode), for the clock.
  std::set<std::pair<Timestamp, OrderId>> running_by_end_;
  std::set<OrderId> running_;  // the same jobs by id (derived, rebuilt on decode)
  std::map<EnterpriseId, Share> shares_;
  Money charged_total_{};  // derived: retired_charged_ + Σ jobs_ charged (rebuilt on decode)
  // Ended jobs by the time they ended (derived, rebuilt on decode): what
  // Retire takes next.
  std::set<std::pair<Timestamp, OrderId>> ended_by_time_;
  IdRanges retired_;
  Hash256 retired_digest_{};
  Money retired_charged_{};
  UndoLog undo_;
  std::function<void(uint64_t, bool)> decision_observer_;
};

}  // namespace bg::scheduler
