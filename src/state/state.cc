// State::Apply and the glue of the ledger, time, the network, jobs, the
// book and tokens; batches, the canonical encoding and the state hash.
#include "state/state.h"

#include "common/check.h"
#include "common/codec.h"
#include "programme/accounts.h"

namespace bg::state {
namespace {

// The ledger's transfers leave memory in whole chunks (Ledger::Retire) once
// the newest of a chunk is this old: the jobs of most of them (those that
// ran less than three days) are retired by then, so few wait aside.
constexpr uint64_t kRetainTransfersS = scheduler::kRetainEndedS + uint64_t{3} * 86'400;
// Chunks of 1,024 transfers a Tick may retire: a day of a year's Greater
// Bay Area is about two; a backlog clears in a few Ticks.
constexpr size_t kMaxRetiredChunksPerTick = 64;
// Charge lines a Tick may retire (Settlement::RetireLines): a month of a
// year's Greater Bay Area (about 20,000) leaves over the next few Ticks
// that retire anything (line retirement alone makes no Tick due).
constexpr size_t kMaxRetiredLinesPerTick = 4096;

// Whether what a token of `role` acts for (its scope) is registered.
bool SubjectRegistered(const programme::Registry& registry, const facility::Rounds& rounds,
                       access::TokenRole role, uint64_t scope) {
  switch (role) {
    case access::TokenRole::kOperator:
      return registry.FindProgramme(ProgrammeId(scope)) != nullptr;
    case access::TokenRole::kEnterprise:
      return registry.FindEnterprise(EnterpriseId(scope)) != nullptr;
    case access::TokenRole::kProvider:
      return registry.FindProvider(ProviderId(scope)) != nullptr;
    case access::TokenRole::kExpert:
      return scope <= UINT32_MAX && rounds.FindReviewer(static_cast<uint32_t>(scope)) != nullptr;
    case access::TokenRole::kAdmin:
    case access::TokenRole::kAuditor:
      return true;
  }
  return false;
}

}  // namespace

CommandResult State::Apply(const Command& command) {
  // Time moves before anything else happens at `ts`: holds due by then are
  // released first, the same way on the first run and on replay.
  const size_t expired = ledger_.ExpireDue(command.ts);
  CommandResult result = std::visit(
      [&]<typename T>(const T& c) -> CommandResult {
        static_assert(
            requires { Apply(c, command.ts); },
            "a command kind has no State::Apply overload (state/state.h)");
        return Apply(c, command.ts);
      },
      command.body);
  // Every command releases them; a Tick says how many.
  if (auto* tick = std::get_if<TickResult>(&result)) tick->expired = expired;
  return result;
}

// --- The ledger and time ----------------------------------------------------------

AccountResults State::Apply(const CreateAccounts& c, Timestamp ts) {
  return AccountResults{ledger_.CreateAccounts(c.accounts, ts)};
}

TransferResults State::Apply(const CreateTransfers& c, Timestamp ts) {
  return TransferResults{ledger_.CreateTransfers(c.transfers, ts)};
}

TickResult State::Apply(const Tick& c, Timestamp ts) {
  // A Tick of an older journal releases holds only (command.h).
  return c.holds_only ? TickResult{} : ApplyTime(ts, c);
}

std::optional<Timestamp> State::NextDue() const {
  std::optional<Timestamp> due;
  for (std::optional<Timestamp> t : {scheduler_.NextOverdue(), book_.NextExpiry(),
                                     bookings_.NextDue(), scheduler_.NextRetirement()}) {
    if (t && (!due || *t < *due)) due = t;
  }
  return due;
}

TickResult State::ApplyTime(Timestamp ts, const Tick& tick) {
  // Jobs first, each in a finish's timestamps, then the sweep after all of
  // them: the same layout at every Tick (kTickEvents).
  TickResult out;
  for (OrderId id : scheduler_.Overdue(ts, kMaxFinishesPerTick)) {
    const scheduler::JobOutcome done =
        Finish(FinishJob{.id = id, .by_clock = true}, ts + out.finished * scheduler::kSettleEvents);
    BG_CHECK(done.code == scheduler::Code::kOk) << "job " << id << ": " << done.message;
    ++out.finished;
    out.finished_ids.push_back(id);
  }
  const programme::Outcome swept =
      book_.Apply(ExpireVouchers{.limit = static_cast<uint32_t>(kMaxExpiriesPerTick)}, registry_,
                  ts + kMaxFinishesPerTick * scheduler::kSettleEvents, ledger_);
  out.expired_vouchers = swept.swept;
  out.swept_ids = swept.swept_ids;
  // Then bookings: no-shows released, uses ended by the clock charged, each
  // use in a facility fee's timestamps.
  const Timestamp bookings_at =
      ts + kMaxFinishesPerTick * scheduler::kSettleEvents + kMaxExpiriesPerTick;
  const facility::Bookings::TimeWork work = bookings_.ApplyTime(ts, kMaxBookingsPerTick);
  for (size_t i = 0; i < work.used.size(); ++i) {
    ChargeFacilityUse(work.used[i], bookings_at + i * kFacilityFeeEvents);
  }
  out.bookings_ended = work.ended;
  // Last, jobs long ended leave the state for the store's archive (they
  // take no ledger timestamps).
  if (!tick.retires) return out;
  std::vector<scheduler::Job> retired = scheduler_.Retire(ts, kMaxRetiresPerTick);
  out.retired = retired.size();
  for (scheduler::Job& j : retired) {
    // Its claim leaves with it, once settled (a held one stays, to be).
    if (tick.retires_claims && !j.claim.is_zero()) book_.RetireClaim(j.claim, &retired_.claims);
    retired_.jobs.push_back(std::move(j));
  }
  RetireTransfers(ts);
  if (tick.retires_lines) settlement_.RetireLines(ts, kMaxRetiredLinesPerTick, &retired_.lines);
  return out;
}

ledger::Fate State::TransferFate(const ledger::StoredTransfer& st) const {
  using programme::MoneyCode;
  using programme::TransferCode;
  const ledger::Transfer& t = st.transfer;
  // A job's own money, holds and their posts and voids: the vouchers' and
  // budgets' shares (redeem, auto_grant) and the co-pay. Every other move
  // (grants, sweeps, clawbacks, payments of statements) stays: the book's
  // reconciliation and pacing count them from the ledger.
  if (t.code != TransferCode(MoneyCode::kRedeem) && t.code != TransferCode(MoneyCode::kAutoGrant) &&
      t.code != TransferCode(MoneyCode::kCoPay)) {
    return ledger::Fate::kKeep;
  }
  const OrderId order(t.reference);
  if (scheduler_.retired().Contains(order.value())) return ledger::Fate::kRetire;
  if (scheduler_.FindJob(order) != nullptr) return ledger::Fate::kKeepForNow;
  return ledger::Fate::kKeep;  // an order outside the scheduler: a direct claim, a facility's use
}

void State::RetireTransfers(Timestamp ts) {
  const Timestamp keep = kRetainTransfersS * kNanosPerSecond;
  const std::vector<ledger::StoredTransfer> retired =
      ledger_.Retire(ts > keep ? ts - keep : 0, kMaxRetiredChunksPerTick,
                     [this](const ledger::StoredTransfer& t) { return TransferFate(t); });
  for (const ledger::StoredTransfer& t : retired) {
    if (const std::optional<ProgrammeId> p = settlement::PayablePost(t.transfer)) {
      settlement_.CountRetiredPost(*p, t.transfer.timestamp, Money::Fen(t.transfer.amount));
    }
  }
}

State::Retired State::TakeRetired() {
  Retired out;
  std::swap(out, retired_);
  return out;
}

// --- The network ------------------------------------------------------------------

NetworkResult State::Apply(const RegisterSite& c, Timestamp /*ts*/) {
  // A site belongs to a registered provider in a registered city.
  if (registry_.FindJurisdiction(c.site.city) == nullptr ||
      registry_.FindProvider(c.site.provider) == nullptr) {
    return NetworkResult{network::NetworkResult::kUnknownSite};
  }
  return NetworkResult{network_.AddSite(c.site)};
}

NetworkResult State::Apply(const RegisterPool& c, Timestamp /*ts*/) {
  return NetworkResult{network_.AddPool(c.pool)};
}

NetworkResult State::Apply(const SetLink& c, Timestamp /*ts*/) {
  if (registry_.FindJurisdiction(c.link.a) == nullptr ||
      registry_.FindJurisdiction(c.link.b) == nullptr) {
    return NetworkResult{network::NetworkResult::kUnknownSite};
  }
  return NetworkResult{network_.SetLink(c.link)};
}

NetworkResult State::Apply(const SetPoolOffered& c, Timestamp /*ts*/) {
  return NetworkResult{network_.SetOffered(c.pool, c.cards)};
}

NetworkResult State::Apply(const SetPoolPrices& c, Timestamp /*ts*/) {
  return NetworkResult{network_.SetPrices(c.pool, c.price)};
}

// --- Jobs -------------------------------------------------------------------------

scheduler::JobOutcome State::Apply(const SubmitJob& c, Timestamp ts) {
  if (bookings_.Find(c.request.id) != nullptr) {
    return scheduler::JobOutcome{.code = scheduler::Code::kOrderClaimedDirectly,
                                 .message = "job " + std::to_string(c.request.id.value()) +
                                            ": order " + std::to_string(c.request.id.value()) +
                                            " is a booking of a facility"};
  }
  return scheduler_.Apply(c, JobWorld(), ts);
}

scheduler::JobOutcome State::Apply(const Schedule& c, Timestamp ts) {
  return scheduler_.Apply(c, JobWorld(), ts);
}

scheduler::JobOutcome State::Apply(const FinishJob& c, Timestamp ts) { return Finish(c, ts); }

scheduler::JobOutcome State::Apply(const CancelJob& c, Timestamp ts) {
  return scheduler_.Apply(c, JobWorld(), ts);
}

scheduler::JobOutcome State::Apply(const ExtendJob& c, Timestamp ts) {
  scheduler::JobOutcome out = scheduler_.Apply(c, JobWorld(), ts);
  if (out.code == scheduler::Code::kOk) {
    const scheduler::Job& job = *scheduler_.FindJob(c.id);
    metering_.ExtendOrder(c.id, job.start_at / kNanosPerSecond + scheduler::WalltimeS(job));
  }
  return out;
}

scheduler::JobOutcome State::Finish(FinishJob c, Timestamp ts) {
  // A provider that signs usage is paid for usage; others for the
  // reservation, which the finish bills in one line.
  scheduler::World w = JobWorld();
  const scheduler::Job* job = scheduler_.FindJob(c.id);
  if (job != nullptr && job->status == scheduler::JobStatus::kRunning) {
    const network::Pool* pool = network_.FindPool(job->pool);
    const network::Site* site = network_.FindSite(pool->site);
    c.metered = metering_.IsMetered(c.id) || metering_.KeyOf(site->provider) != nullptr;
  }
  scheduler::JobOutcome out = scheduler_.Apply(c, w, ts);
  if (out.code == scheduler::Code::kOk && !c.metered) {
    const scheduler::Job& done = *scheduler_.FindJob(c.id);
    settlement::ChargeLine line = LineFor(done, ts);
    line.card_seconds = done.card_seconds;
    line.charge = done.charged;
    line.copay = done.copay_charged;
    if (const programme::Claim* claim = book_.FindClaim(done.claim)) {
      line.subsidy = claim->shares;
    }
    settlement_.AddLine(std::move(line));
  }
  return out;
}

// --- The programme book -----------------------------------------------------------

programme::Outcome State::Apply(const FileApplication& c, Timestamp ts) {
  return book_.Apply(c, registry_, ts);
}

programme::Outcome State::Apply(const ReviewApplication& c, Timestamp ts) {
  return book_.Apply(c, registry_, ts, ledger_);
}

programme::BulkOutcome State::Apply(const ReviewApplications& c, Timestamp ts) {
  return book_.Apply(c, registry_, ts, ledger_);
}

programme::Outcome State::Apply(const Redeem& c, Timestamp ts) {
  // A direct claim never takes a job's order id nor a booking's: their
  // claims are the scheduler's (scheduler/quote.cc) and the booking's.
  if (bookings_.Find(c.order) != nullptr) {
    return programme::Outcome{.code = programme::Code::kOrderIsABooking,
                              .message = "order " + std::to_string(c.order.value()) +
                                         " is a booking of a facility; its claim is the booking's"};
  }
  if (scheduler_.FindJob(c.order) != nullptr || scheduler_.IsRetired(c.order)) {
    return programme::Outcome{
        .code = programme::Code::kOrderIsAJob,
        .message = "order " + std::to_string(c.order.value()) +
                   " is a job placed by the scheduler; its claim is the job's"};
  }
  return book_.Apply(c, registry_, ts, ledger_);
}

programme::Outcome State::Apply(const SettleClaim& c, Timestamp ts) {
  programme::Outcome out = book_.Apply(c, registry_, ts, ledger_);
  if (out.code == programme::Code::kOk) LineForClaim(c.id, ts);
  return out;
}

programme::Outcome State::Apply(const ExpireVouchers& c, Timestamp ts) {
  return book_.Apply(c, registry_, ts, ledger_);
}

programme::Outcome State::Apply(const RevokeVoucher& c, Timestamp ts) {
  return book_.Apply(c, registry_, ts, ledger_);
}

programme::Outcome State::Apply(const Clawback& c, Timestamp ts) {
  // A job's claim the book no longer holds left memory with the job.
  const bool left = book_.FindClaim(c.claim) == nullptr &&
                    (c.claim.value() & scheduler::kJobClaimBit) != 0 &&
                    scheduler_.IsRetired(OrderId(c.claim.value() & ~scheduler::kJobClaimBit));
  return left ? book_.ClawBackArchived(c, registry_, ts, ledger_)
              : book_.Apply(c, registry_, ts, ledger_);
}

programme::Outcome State::Apply(const SetBlacklist& c, Timestamp ts) {
  return book_.Apply(c, registry_, ts);
}

programme::Outcome State::Apply(const AmendProgramme& c, Timestamp ts) {
  return book_.Apply(c, registry_, ts);
}

programme::Outcome State::Apply(const ChangeProgramme& c, Timestamp ts) {
  return book_.Apply(c, registry_, ts, ledger_);
}

// --- Tokens -----------------------------------------------------------------------

TokenOutcome State::Apply(const CreateApiToken& c, Timestamp ts) {
  // A token acts for a programme, an enterprise, a provider or a reviewer
  // that exists.
  return TokenOutcome{tokens_.Apply(c, ts, SubjectRegistered(registry_, rounds_, c.role, c.scope))};
}

TokenOutcome State::Apply(const RevokeApiToken& c, Timestamp /*ts*/) {
  return TokenOutcome{tokens_.Apply(c)};
}

TokenOutcome State::Apply(const RotateApiToken& c, Timestamp ts) {
  return TokenOutcome{tokens_.Apply(c, ts)};
}

void State::BeginBatch() {
  ledger_.BeginBatch();
  book_.BeginBatch();
  network_.BeginBatch();
  scheduler_.BeginBatch();
  metering_.BeginBatch();
  settlement_.BeginBatch();
  cases_.BeginBatch();
  tokens_.BeginBatch();
  facilities_.BeginBatch();
  bookings_.BeginBatch();
  rounds_.BeginBatch();
  registry_.BeginBatch();
}

void State::CommitBatch() {
  ledger_.CommitBatch();
  book_.CommitBatch();
  network_.CommitBatch();
  scheduler_.CommitBatch();
  metering_.CommitBatch();
  settlement_.CommitBatch();
  cases_.CommitBatch();
  tokens_.CommitBatch();
  facilities_.CommitBatch();
  bookings_.CommitBatch();
  rounds_.CommitBatch();
  registry_.CommitBatch();
}

void State::RollbackBatch() {
  ledger_.RollbackBatch();
  book_.RollbackBatch();
  network_.RollbackBatch();
  scheduler_.RollbackBatch();
  metering_.RollbackBatch();
  settlement_.RollbackBatch();
  cases_.RollbackBatch();
  tokens_.RollbackBatch();
  facilities_.RollbackBatch();
  bookings_.RollbackBatch();
  rounds_.RollbackBatch();
  registry_.RollbackBatch();
}

void State::Encode(std::vector<uint8_t>* out) const {
  // [u64 length of the ledger's encoding][ledger][registry]
  const size_t at = out->size();
  Writer w(out);
  w.U64(0);
  ledger_.Encode(out);
  const uint64_t ledger_bytes = out->size() - at - 8;
  for (size_t i = 0; i < 8; ++i) (*out)[at + i] = static_cast<uint8_t>(ledger_bytes >> (8 * i));
  registry_.Encode(w);
  book_.Encode(w);
  network_.Encode(w);
  scheduler_.Encode(w);
  metering_.Encode(w);
  settlement_.Encode(w);
  cases_.Encode(w);
  tokens_.Encode(w);
  facilities_.Encode(w);
  bookings_.Encode(w);
  rounds_.Encode(w);
}

bool State::Decode(std::span<const uint8_t> in, State* out) {
  Reader r(in);
  uint64_t ledger_bytes = 0;
  if (!r.U64(&ledger_bytes) || ledger_bytes > r.remaining()) return false;
  if (!ledger::Ledger::Decode(in.subspan(8, ledger_bytes), &out->ledger_)) return false;
  Reader rest(in.subspan(8 + ledger_bytes));
  return programme::Registry::Decode(rest, &out->registry_) &&
         programme::Book::Decode(rest, &out->book_) &&
         network::Network::Decode(rest, &out->network_) &&
         scheduler::Scheduler::Decode(rest, &out->scheduler_) &&
         metering::Metering::Decode(rest, &out->metering_) &&
         settlement::Settlement::Decode(rest, &out->settlement_) &&
         fraud::Cases::Decode(rest, &out->cases_) && access::Tokens::Decode(rest, &out->tokens_) &&
         facility::Facilities::Decode(rest, &out->facilities_) &&
         facility::Bookings::Decode(rest, &out->bookings_) &&
         facility::Rounds::Decode(rest, &out->rounds_) && rest.done();
}

Hash256 State::Hash() const {
  std::vector<uint8_t> bytes;
  Encode(&bytes);
  return HashBytes(bytes);
}

}  // namespace bg::state
