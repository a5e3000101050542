// Jobs on the compute network: what an enterprise asks for (a request),
// the commands that move a job through the network queue, and the job's
// record. A job is also the order its subsidy claim is made on.
//
//   SubmitJob   validate; place now (on the pool asked for, or the best one)
//               or wait in the network queue
//   Schedule    one placement pass over the queue, in priority order
//   FinishJob   the job ended: capture its holds, free its cards (the
//               engine sends it itself kFinishGraceS after the walltime)
//   CancelJob   release cards and holds (or leave the queue)
//
// Thread-safety: values.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/codec.h"
#include "common/enum_names.h"
#include "common/ids.h"
#include "common/money.h"
#include "network/network.h"
#include "programme/rules.h"

namespace bg::scheduler {

enum class Objective : uint8_t {
  kLowestCost = 0,  // lowest out-of-pocket cost (the default)
  kEarliestFinish,
  kLowestLatency,  // to `near_city`
};
inline constexpr std::array<EnumName<Objective>, 3> kObjectiveNames = {{
    {"lowest_cost", Objective::kLowestCost},
    {"earliest_finish", Objective::kEarliestFinish},
    {"lowest_latency", Objective::kLowestLatency},
}};
static_assert(IsNameTable(kObjectiveNames));
const char* ObjectiveName(Objective o);

// How the scheduler chooses a pool. The two baselines exist so that the
// simulator can measure the voucher-aware policy against them on the same
// workload (docs/scheduler.md).
enum class Policy : uint8_t {
  kVoucherAware = 0,  // ours: subsidy, deadline, data location, fair share
  kFirstFit,          // the first pool (by id) with capacity
  kCheapestList,      // the lowest list price with capacity
};
inline constexpr std::array<EnumName<Policy>, 3> kPolicyNames = {{
    {"voucher_aware", Policy::kVoucherAware},
    {"first_fit", Policy::kFirstFit},
    {"cheapest_list", Policy::kCheapestList},
}};
static_assert(IsNameTable(kPolicyNames));
const char* PolicyName(Policy p);

struct JobRequest {
  OrderId id{};
  EnterpriseId enterprise{};
  std::string accelerator = {};  // "A800"; empty: any type with min_memory_gb
  uint32_t min_memory_gb = 0;    // a class such as "≥ 80 GB"
  uint32_t cards = 1;
  uint32_t walltime_s = 3600;
  // What the compute is for; programmes may fund only some purposes.
  programme::Purpose purpose = programme::Purpose::kUnspecified;
  network::Tier tier = network::Tier::kShared;
  SiteId data_site{};  // where the data is; zero: nothing to move
  uint32_t data_gb = 0;
  std::optional<Timestamp> deadline = {};  // finish by
  std::optional<Money> max_out_of_pocket = {};
  Objective objective = Objective::kLowestCost;
  std::optional<JurisdictionId> near_city = {};  // kLowestLatency
  friend bool operator==(const JobRequest&, const JobRequest&) = default;
};

struct SubmitJob {
  JobRequest request;
  PoolId pool{};  // zero: the scheduler chooses (or queues)
  Policy policy = Policy::kVoucherAware;
  friend bool operator==(const SubmitJob&, const SubmitJob&) = default;
};
struct Schedule {
  Policy policy = Policy::kVoucherAware;
  uint32_t max_jobs = 256;  // placements per pass, at most kMaxPlacementsPerPass
  friend bool operator==(const Schedule&, const Schedule&) = default;
};
// `metered` is not journaled: the engine sets it from the provider's
// registration (a provider that signs usage is paid for usage, others for
// the reservation). Nor is `by_clock`: set when the engine finishes a job
// whose walltime and grace period have passed (state::Tick).
struct FinishJob {
  OrderId id{};
  bool metered = false;
  bool by_clock = false;
  friend bool operator==(const FinishJob&, const FinishJob&) = default;
};
// A running job needs more time. The extension is the enterprise's to pay
// (the claim covered the reservation it was made for): its co-pay hold
// grows by the extension's list cost, unless that would pass the job's
// cost ceiling — then the job gets a stop signal instead (Job::stop), which
// the provider agent reads with the job's end.
struct ExtendJob {
  OrderId id{};
  uint32_t extra_s = 0;
  friend bool operator==(const ExtendJob&, const ExtendJob&) = default;
};
struct CancelJob {
  OrderId id{};
  std::string reason = {};
  friend bool operator==(const CancelJob&, const CancelJob&) = default;
};

inline constexpr uint32_t kMaxPlacementsPerPass = 1024;
// Logical timestamps one placement may use: the claim's holds, two accounts
// and the co-pay hold.
inline constexpr size_t kPlacementEvents = 40;
inline constexpr size_t kSettleEvents = 80;

// How long after a running job's walltime ends its provider may still
// report usage for the reserved interval (an agent reports after the fact,
// and may retry). Then the engine finishes the job by itself, on its
// logical clock: its cards and whatever its holds did not pay are released,
// and later usage is refused (order_ended).
inline constexpr uint64_t kFinishGraceS = 600;

// How long an ended job (done or cancelled) stays in the engine's state
// after it ended: long enough for late usage, disputes and the month's
// dashboards to read it there. Then a Tick retires it into the store's
// archive (Scheduler::Retire), where the API still finds it; the state
// keeps only its id (ids are used once forever) and a digest. Slurm's
// MinJobAge is the same idea, with slurmdbd as the archive. Retirement runs
// on whole hours, so that one Tick retires an hour's jobs.
inline constexpr uint64_t kRetainEndedS = uint64_t{7} * 86'400;
inline constexpr uint64_t kRetireEveryS = 3'600;

// A placed job's subsidy claim is ClaimId(kJobClaimBit | job id): direct
// claims (ids below 2^54) never meet it.
inline constexpr uint64_t kJobClaimBit = uint64_t{1} << 63;

enum class JobStatus : uint8_t { kQueued = 0, kRunning, kDone, kCancelled };
inline constexpr std::array<EnumName<JobStatus>, 4> kJobStatusNames = {{
    {"queued", JobStatus::kQueued},
    {"running", JobStatus::kRunning},
    {"done", JobStatus::kDone},
    {"cancelled", JobStatus::kCancelled},
}};
static_assert(IsNameTable(kJobStatusNames));
const char* JobStatusName(JobStatus s);

struct Job {
  SubmitJob submitted;
  JobStatus status = JobStatus::kQueued;
  Timestamp submitted_at = 0;
  PoolId pool{};
  Timestamp placed_at = 0;
  Timestamp start_at = 0;  // after the data transfer
  Timestamp end_at = 0;    // start + walltime
  Timestamp finished_at = 0;
  Money list_cost{};
  Money subsidy{};
  Money out_of_pocket{};
  // The part of the subsidy paid back to the enterprise after the fact
  // (reimbursement programmes): it pays the provider this much more now.
  Money reimbursed{};
  ClaimId claim{};          // zero: no subsidy claim
  TransferId copay_hold{};  // the co-pay hold open now; zero: nothing (more) to pay
  Money price{};            // per card-hour, fixed at placement
  // Metering (Scheduler::Bill): usage counted so far and what it charged.
  // A job billed by its reservation has none of these until it finishes.
  bool metered = false;
  uint64_t card_seconds = 0;
  Money charged{};
  Money voucher_charged{};
  Money copay_charged{};
  Money extension_list{};  // list cost of the time added by ExtendJob
  bool stop = false;       // an extension was refused: the job must end at end_at
  std::string note = {};   // why it was cancelled
  friend bool operator==(const Job&, const Job&) = default;
};

enum class Code : uint8_t {
  kOk = 0,
  kExists,
  kExistsWithDifferentBody,
  kIdMustNotBeZero,
  kIdTooLarge,
  kUnknownEnterprise,
  kUnknownAccelerator,
  kCardsMustBePositive,
  kWalltimeMustBePositive,
  kDeadlineInThePast,
  kUnknownSite,
  kUnknownCity,
  kAbsurdSize,
  kUnknownPool,
  kPoolNotSuitable,  // the pool asked for is excluded (reason in the message)
  kUnknownJob,
  kNotRunning,
  kAlreadyEnded,
  kOverCeiling,           // an extension would pass the cost ceiling: stop signal set
  kOrderClaimedDirectly,  // the id is an order a provider claimed outside the scheduler
  kArchived,              // the job ended long ago and was retired into the archive
};
inline constexpr std::array<EnumName<Code>, 21> kCodeNames = {{
    {"ok", Code::kOk},
    {"exists", Code::kExists},
    {"exists_with_different_body", Code::kExistsWithDifferentBody},
    {"id_must_not_be_zero", Code::kIdMustNotBeZero},
    {"id_too_large", Code::kIdTooLarge},
    {"unknown_enterprise", Code::kUnknownEnterprise},
    {"unknown_accelerator", Code::kUnknownAccelerator},
    {"cards_must_be_positive", Code::kCardsMustBePositive},
    {"walltime_must_be_positive", Code::kWalltimeMustBePositive},
    {"deadline_in_the_past", Code::kDeadlineInThePast},
    {"unknown_site", Code::kUnknownSite},
    {"unknown_city", Code::kUnknownCity},
    {"absurd_size", Code::kAbsurdSize},
    {"unknown_pool", Code::kUnknownPool},
    {"pool_not_suitable", Code::kPoolNotSuitable},
    {"unknown_job", Code::kUnknownJob},
    {"not_running", Code::kNotRunning},
    {"already_ended", Code::kAlreadyEnded},
    {"over_ceiling", Code::kOverCeiling},
    {"order_claimed_directly", Code::kOrderClaimedDirectly},
    {"archived", Code::kArchived},
}};
static_assert(IsNameTable(kCodeNames));
const char* CodeName(Code code);

struct JobOutcome {
  Code code = Code::kOk;
  std::string message = {};
  JobStatus status = JobStatus::kQueued;  // SubmitJob: where the job is now
  uint32_t placed = 0;                    // Schedule: jobs placed in this pass
  std::vector<OrderId> placed_ids = {};   // Schedule: which, in order (for notices)
  bool ok() const { return code == Code::kOk || code == Code::kExists; }
};

// The list cost of `cards` for `seconds` at `per_card_hour`, rounded half up
// to the fen.
Money ListCost(Money per_card_hour, uint32_t cards, uint64_t seconds);

// Wire forms (the journal).
void EncodeSubmitJob(Writer& w, const SubmitJob& c);
bool DecodeSubmitJob(Reader& r, SubmitJob* c);
void EncodeJob(Writer& w, const Job& j);
bool DecodeJob(Reader& r, Job* j);

}  // namespace bg::scheduler
