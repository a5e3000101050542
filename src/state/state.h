// State: everything the engine's commands change, and the one function that
// changes it, Apply. Apply is deterministic: it reads nothing but the state
// and the command (time is stamped inside the command).
//
// Each domain is a member. Apply visits the command's kind and calls that
// kind's own overload, grouped by domain in state.cc, state_registry.cc,
// state_metering.cc and state_fraud.cc.
//
// Thread-safety: none; the engine serialises access.
#pragma once

#include <optional>
#include <span>
#include <vector>

#include "access/tokens.h"
#include "common/hash.h"
#include "fraud/cases.h"
#include "ledger/ledger.h"
#include "metering/metering.h"
#include "network/network.h"
#include "programme/registry.h"
#include "scheduler/scheduler.h"
#include "settlement/settlement.h"
#include "state/command.h"

namespace bg::state {

class State {
 public:
  CommandResult Apply(const Command& command);

  const ledger::Ledger& ledger() const { return ledger_; }
  ledger::Ledger& mutable_ledger() { return ledger_; }
  const programme::Registry& registry() const { return registry_; }
  const programme::Book& book() const { return book_; }
  const network::Network& network() const { return network_; }
  const scheduler::Scheduler& scheduler() const { return scheduler_; }
  const metering::Metering& metering() const { return metering_; }
  const settlement::Settlement& settlement() const { return settlement_; }
  const fraud::Cases& cases() const { return cases_; }
  const access::Tokens& tokens() const { return tokens_; }
  const facility::Facilities& facilities() const { return facilities_; }
  const facility::Bookings& bookings() const { return bookings_; }
  const facility::Rounds& rounds() const { return rounds_; }
  // What the fraud detectors find now (state_fraud.cc).
  std::vector<fraud::Finding> DetectFraud() const;
  // The earliest time at which a Tick has work beyond releasing holds (a
  // job past its walltime and grace, a voucher past its validity), if any.
  // Every command releases due holds itself; these need a Tick's
  // timestamps, so the writer journals one before the command (engine.cc).
  std::optional<Timestamp> NextDue() const;
  // The jobs and charge lines retired by the commands applied since the
  // last call (Ticks retire them: scheduler::kRetainEndedS,
  // settlement::Settlement::RetireLines): the engine writes them to the
  // store's archive in the same batch. Not part of the state.
  struct Retired {
    std::vector<scheduler::Job> jobs;
    std::vector<settlement::NumberedLine> lines;
    // Their claims, settled, leave with them (programme::Book::RetireClaim).
    std::vector<programme::Claim> claims;
  };
  Retired TakeRetired();
  // Where the charge lines that left memory are read back (the engine's
  // archive); not part of the state.
  void set_line_archive(const settlement::LineArchive* archive) {
    settlement_.set_archive(archive);
  }
  // Whether CreateProgramme{rules} would be accepted, the id aside (it may
  // be a programme's already: a preview of its terms): the registry's
  // checks (Registry::CheckRules) and the refusal's message as the command
  // answers it (state_registry.cc). Changes nothing.
  RegistryResult CheckProgramme(const programme::ProgrammeRules& rules) const;

  // Batches over the whole state (ledger::Ledger's semantics: several may be
  // open; Commit forgets the oldest's undo records; Rollback undoes all).
  void BeginBatch();
  void CommitBatch();
  void RollbackBatch();

  // Canonical encoding (snapshots) and its hash (the state hash).
  void Encode(std::vector<uint8_t>* out) const;
  static bool Decode(std::span<const uint8_t> in, State* out);
  Hash256 Hash() const;

 private:
  // One overload per command kind, picked by Apply's std::visit: a kind
  // without its own does not compile. Each runs after the holds due at
  // `ts` are released.
  //
  // state.cc: the ledger, time, the network, jobs, the book and tokens.
  AccountResults Apply(const CreateAccounts& c, Timestamp ts);
  TransferResults Apply(const CreateTransfers& c, Timestamp ts);
  TickResult Apply(const Tick& c, Timestamp ts);
  NetworkResult Apply(const RegisterSite& c, Timestamp ts);
  NetworkResult Apply(const RegisterPool& c, Timestamp ts);
  NetworkResult Apply(const SetLink& c, Timestamp ts);
  NetworkResult Apply(const SetPoolOffered& c, Timestamp ts);
  NetworkResult Apply(const SetPoolPrices& c, Timestamp ts);
  scheduler::JobOutcome Apply(const SubmitJob& c, Timestamp ts);
  scheduler::JobOutcome Apply(const Schedule& c, Timestamp ts);
  scheduler::JobOutcome Apply(const FinishJob& c, Timestamp ts);
  scheduler::JobOutcome Apply(const CancelJob& c, Timestamp ts);
  scheduler::JobOutcome Apply(const ExtendJob& c, Timestamp ts);
  programme::Outcome Apply(const FileApplication& c, Timestamp ts);
  programme::Outcome Apply(const ReviewApplication& c, Timestamp ts);
  programme::BulkOutcome Apply(const ReviewApplications& c, Timestamp ts);
  programme::Outcome Apply(const Redeem& c, Timestamp ts);
  programme::Outcome Apply(const SettleClaim& c, Timestamp ts);
  programme::Outcome Apply(const ExpireVouchers& c, Timestamp ts);
  programme::Outcome Apply(const RevokeVoucher& c, Timestamp ts);
  programme::Outcome Apply(const Clawback& c, Timestamp ts);
  programme::Outcome Apply(const SetBlacklist& c, Timestamp ts);
  programme::Outcome Apply(const AmendProgramme& c, Timestamp ts);
  programme::Outcome Apply(const ChangeProgramme& c, Timestamp ts);
  TokenOutcome Apply(const CreateApiToken& c, Timestamp ts);
  TokenOutcome Apply(const RevokeApiToken& c, Timestamp ts);
  TokenOutcome Apply(const RotateApiToken& c, Timestamp ts);
  // state_registry.cc: participants and programmes.
  RegistryResult Apply(const RegisterJurisdiction& c, Timestamp ts);
  RegistryResult Apply(const RegisterEnterprise& c, Timestamp ts);
  RegistryResult Apply(const RegisterProvider& c, Timestamp ts);
  RegistryResult Apply(const RegisterFacility& c, Timestamp ts);
  RegistryResult Apply(const CreateProgramme& c, Timestamp ts);
  // state_facility.cc: bookings of shared facilities, their use and fees.
  facility::BookingOutcome Apply(const BookFacility& c, Timestamp ts);
  facility::BookingOutcome Apply(const UseFacility& c, Timestamp ts);
  // state_rounds.cc: proposal rounds; an allocation books its shifts.
  facility::RoundOutcome Apply(const OpenCall& c, Timestamp ts);
  facility::RoundOutcome Apply(const SubmitProposal& c, Timestamp ts);
  facility::RoundOutcome Apply(const ReviewProposal& c, Timestamp ts);
  facility::RoundOutcome Apply(const RegisterReviewer& c, Timestamp ts);
  facility::RoundOutcome Apply(const CloseRound& c, Timestamp ts);
  facility::RoundOutcome Apply(const ReportOutputs& c, Timestamp ts);
  facility::RoundOutcome Apply(const RecordTraining& c, Timestamp ts);
  // state_metering.cc: provider keys, usage, statements.
  KeyOutcome Apply(const RegisterProviderKey& c, Timestamp ts);
  metering::UsageOutcome Apply(const SubmitUsage& c, Timestamp ts);
  settlement::Outcome Apply(const CloseStatement& c, Timestamp ts);
  settlement::Outcome Apply(const ApproveStatement& c, Timestamp ts);
  settlement::Outcome Apply(const PayStatement& c, Timestamp ts);
  // state_fraud.cc: audit cases.
  fraud::Outcome Apply(const ScanForFraud& c, Timestamp ts);
  fraud::Outcome Apply(const CloseAuditCase& c, Timestamp ts);

  // What the scheduler changes and reads beside its own jobs.
  scheduler::World JobWorld() { return {network_, registry_, book_, ledger_}; }
  // Time's work at `ts` beyond the holds (command.h, Tick); jobs long
  // ended are retired when `retire` (a Tick of a journal written before
  // retirement retires none), charge lines of months gone when
  // `retire_lines` too.
  TickResult ApplyTime(Timestamp ts, const Tick& tick);
  // The ledger's transfers of jobs retired leave memory with them (the
  // store has their rows); what settlement's checks count of them is kept
  // as sums (Settlement::CountRetiredPost).
  void RetireTransfers(Timestamp ts);
  ledger::Fate TransferFate(const ledger::StoredTransfer& t) const;
  scheduler::JobOutcome Finish(FinishJob c, Timestamp ts);
  metering::UsageResult CountUsage(const metering::UsageRecord& r, bool signed_ok, Timestamp ts,
                                   metering::UsageOutcome* out);
  // The charge line of a job billed just now (its money fields: this bill).
  settlement::ChargeLine LineFor(const scheduler::Job& job, Timestamp ts) const;
  // The charge line of a claim settled directly (an order placed outside
  // the scheduler, reported with its amount): what it posted, if anything.
  void LineForClaim(ClaimId id, Timestamp ts);
  // The fee of a booking just used, paid (state_facility.cc): the vouchers
  // that cover it pay their share by a claim captured at once (events
  // ts .. ts + kFacilityFeeEvents), the user the rest; one charge line.
  void ChargeFacilityUse(OrderId booking, Timestamp ts);

  ledger::Ledger ledger_;
  programme::Registry registry_;
  programme::Book book_;
  network::Network network_;
  scheduler::Scheduler scheduler_;
  metering::Metering metering_;
  settlement::Settlement settlement_;
  fraud::Cases cases_;
  access::Tokens tokens_;
  facility::Facilities facilities_;
  facility::Bookings bookings_;
  facility::Rounds rounds_;
  Retired retired_;  // since TakeRetired (not state)
};

}  // namespace bg::state
