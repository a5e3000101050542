// Quotes: for one job request, every pool of the network, as a pipeline of
// small steps (filter -> time -> price -> rank), each a separate function
// with its own tests:
//
//   Filter   accelerator type, memory per card, cards the pool can offer
//   Time     data transfer (size / bandwidth + latency), expected start from
//            the pool's running jobs, expected finish; the deadline
//   Price    list price for the walltime, the subsidy per programme through
//            the programme engine (provider lists, related parties, caps and
//            stacking all apply), out of pocket; the cost ceiling
//   Rank     by the objective
//
// Every pool left out carries the reason in words: "why here, why not
// there" is a feature.
//
// Thread-safety: pure functions over a consistent view.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "ledger/ledger.h"
#include "network/network.h"
#include "programme/book.h"
#include "programme/registry.h"
#include "scheduler/job.h"

namespace bg::scheduler {

// What the scheduler knows of a pool's use: cards in use and when the
// running jobs end.
struct PoolUse {
  uint32_t used = 0;
  std::multiset<std::pair<Timestamp, uint32_t>> ends;  // (end, cards)
};

struct Option {
  PoolId pool{};
  SiteId site{};
  ProviderId provider{};
  Money list{};
  Money subsidy{};
  Money out_of_pocket{};
  std::string subsidy_note = {};     // which programmes pay, or why none does
  std::string subsidy_note_zh = {};  // the same in Chinese
  uint64_t transfer_s = 0;
  Timestamp start = 0;      // expected
  Timestamp finish = 0;     // expected
  uint32_t latency_us = 0;  // to the request's near_city (kLowestLatency)
  bool starts_now = false;
};

// A reason in English and in Chinese (the console's two languages).
struct Words {
  std::string en;
  std::string zh;
};

struct Excluded {
  PoolId pool{};
  std::string reason;
  std::string reason_zh;
  // Set when the pool could run the job but a deadline or cost ceiling
  // excludes it: what it would cost there (explanations).
  std::optional<Option> would_be = {};
};

struct Quote {
  std::vector<Option> options;  // best first
  std::vector<Excluded> excluded;
  // Not kOk: the request itself is wrong (Scheduler::CheckRequest), and no
  // pool was quoted.
  JobOutcome refused = {};
  std::string Explain() const;  // one line per pool
};

// The world a quote reads.
struct QuoteContext {
  const network::Network& network;
  const std::map<PoolId, PoolUse>& use;
  const programme::Registry& registry;
  const programme::Book& book;
  const ledger::Ledger& ledger;
  Timestamp now = 0;
  // The pools to consider (the placement pass passes those of the job's
  // type); null: every pool of the network.
  const std::vector<const network::Pool*>* pools = nullptr;
};

// --- The steps ---------------------------------------------------------------

// The reason `pool` cannot run `r` at all, or nothing.
std::optional<Words> Filter(const network::Pool& pool, const JobRequest& r);
// The same question without the words (the placement pass's fast path).
bool Fits(const network::Pool& pool, const JobRequest& r);

struct Timing {
  bool possible = false;  // false: not enough cards even when all running jobs end
  uint64_t transfer_s = 0;
  Timestamp start = 0;
  Timestamp finish = 0;
  bool starts_now = false;
};
// When `r` would start and finish on `pool`: now if enough cards are free,
// else when enough running jobs have ended.
Timing Time(const network::Network& network, const network::Pool& pool, const PoolUse& use,
            const JobRequest& r, Timestamp now);

// The job's claim as the programme engine sees it (the order is the job).
programme::Redeem ClaimFor(const JobRequest& r, const network::Pool& pool,
                           const network::Network& network, const programme::Registry& registry,
                           Money amount);

// Sorts best first for the objective (then by id, for determinism).
void Rank(std::vector<Option>& options, Objective objective);
// Whether `a` ranks before `b` for the objective.
bool Better(const Option& a, const Option& b, Objective objective);

// The best option by out-of-pocket cost, and the best that can start now,
// found by scanning `by_price` (candidate pools in ascending list price for
// the job's tier) and stopping once no later pool can beat either: a
// pool's out-of-pocket is at least its list price less `bound_bp` of it,
// the most any programme could pay. Placement's fast path for the default
// objective; the same options BuildQuote would rank first.
struct Best {
  std::optional<Option> best;
  std::optional<Option> best_now;
  uint32_t evaluated = 0;  // pools priced
};
Best BestByCost(const JobRequest& r, const QuoteContext& ctx,
                const std::vector<const network::Pool*>& by_price, uint32_t bound_bp);

// The whole pipeline. Without `reasons`, pools that cannot run the job at
// all are skipped silently, reasons are left empty and the options are not
// sorted: placement needs the best options, not the words.
Quote BuildQuote(const JobRequest& r, const QuoteContext& ctx, bool reasons = true);

}  // namespace bg::scheduler
