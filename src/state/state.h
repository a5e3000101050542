// State: everything the engine's commands change, and the one function that
// changes it, Apply. Apply is deterministic: it reads nothing but the state
// and the command (time is stamped inside the command).
//
// Later domains (programmes, network, orders, metering, settlement) become
// members here, each applied by its own file; the ledger is the first.
//
// Thread-safety: none; the engine serialises access.
#pragma once

#include <optional>
#include <span>
#include <vector>

#include "access/tokens.h"
#include "common/hash.h"
#include "state/command.h"
#include "fraud/cases.h"
#include "ledger/ledger.h"
#include "metering/metering.h"
#include "network/network.h"
#include "programme/registry.h"
#include "scheduler/scheduler.h"
#include "settlement/settlement.h"

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
  // What the fraud detectors find now (state_fraud.cc).
  std::vector<fraud::Finding> DetectFraud() const;
  // The earliest time at which a Tick has work beyond releasing holds (a
  // job past its walltime and grace, a voucher past its validity), if any.
  // Every command releases due holds itself; these need a Tick's
  // timestamps, so the writer journals one before the command (engine.cc).
  std::optional<Timestamp> NextDue() const;

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
  CommandResult ApplyRegistry(const Command& command);
  CommandResult ApplyBook(const Command& command);
  CommandResult ApplyNetwork(const Command& command);
  CommandResult ApplyJobs(const Command& command);
  // Time's work at `ts` beyond the holds (command.h, Tick).
  TickResult ApplyTime(Timestamp ts, size_t expired_holds);
  scheduler::JobOutcome Finish(FinishJob c, Timestamp ts);
  // state_metering.cc: provider keys, usage, statements.
  CommandResult ApplyMetering(const Command& command);
  metering::UsageResult CountUsage(const metering::UsageRecord& r, bool signed_ok, Timestamp ts,
                                   metering::UsageOutcome* out);
  // The charge line of a job billed just now (its money fields: this bill).
  settlement::ChargeLine LineFor(const scheduler::Job& job, Timestamp ts) const;
  // The charge line of a claim settled directly (an order placed outside
  // the scheduler, reported with its amount): what it posted, if anything.
  void LineForClaim(ClaimId id, Timestamp ts);

  ledger::Ledger ledger_;
  programme::Registry registry_;
  programme::Book book_;
  network::Network network_;
  scheduler::Scheduler scheduler_;
  metering::Metering metering_;
  settlement::Settlement settlement_;
  fraud::Cases cases_;
  access::Tokens tokens_;
};

}  // namespace bg::state
