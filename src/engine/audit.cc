#include "engine/audit.h"

#include <optional>

#include "engine/journal.h"
#include "engine/projection.h"
#include "state/state.h"

namespace bg::engine {

using state::Command;
using state::CommandResult;
using state::State;
using state::SubmitUsage;
namespace {

// A record the live engine marked as verified must verify now, under the
// key the state holds before the command (as the live engine checked it).
std::string CheckSignatures(const SubmitUsage& c, const State& state, uint64_t* records) {
  *records += c.records.size();
  const std::vector<uint8_t> ok =
      metering::VerifySignatures(c, [&](ProviderId p) { return state.metering().KeyOf(p); });
  for (size_t i = 0; i < c.records.size(); ++i) {
    if (i < c.checked.size() && c.checked[i] == 1 && ok[i] == 0) {
      return "usage record " + std::to_string(c.records[i].id) + " of provider " +
             std::to_string(c.records[i].provider.value()) +
             " is marked verified but its signature fails";
    }
  }
  return "";
}

std::string CheckProjection(storage::Store& store, const State& state, uint64_t* checked) {
  Result<std::vector<storage::AccountRow>> rows = store.ReadAccounts();
  if (!rows.ok()) return "the account projection cannot be read: " + rows.status().ToString();
  for (const storage::AccountRow& row : *rows) {
    const ledger::Account* a = state.ledger().FindAccount(AccountId(row.id));
    if (a == nullptr || a->debits_posted != row.debits_posted ||
        a->credits_posted != row.credits_posted || a->debits_pending != row.debits_pending ||
        a->credits_pending != row.credits_pending) {
      return "account " + std::to_string(row.id) + " in the projection does not match the journal";
    }
    ++*checked;
  }
  if (*checked != state.ledger().accounts().size()) {
    return "the projection has " + std::to_string(*checked) + " accounts, the journal " +
           std::to_string(state.ledger().accounts().size());
  }
  return "";
}

std::string ArchivedWhat(storage::ArchiveKind kind) {
  switch (kind) {
    case storage::ArchiveKind::kJob:
      return "archived job ";
    case storage::ArchiveKind::kChargeLine:
      return "archived charge line ";
    case storage::ArchiveKind::kJobClaim:
      return "archived claim of job ";
  }
  return "archived record ";
}

// Every job, line and claim the journal retired is in the archive, byte
// for byte.
std::string CheckArchive(storage::Store& store, const std::vector<storage::ArchiveRow>& retired,
                         uint64_t* checked) {
  for (const storage::ArchiveRow& want : retired) {
    Result<std::optional<storage::ArchiveRow>> row = store.FindArchived(want.kind, want.id);
    // A store that keeps no archive (a simulation's; a file from before
    // it, read-only) has nothing to check.
    if (row.status().code() == StatusCode::kFailedPrecondition) return "";
    if (!row.ok()) return "the archive cannot be read: " + row.status().ToString();
    const std::string what = ArchivedWhat(want.kind);
    if (!row->has_value()) {
      return what + std::to_string(want.id) + " is missing from the archive";
    }
    if (**row != want) {
      return what + std::to_string(want.id) + " differs from the record the journal retired";
    }
    ++*checked;
  }
  return "";
}

// A clawback of a claim that left memory carried the claim as the journal
// retired it, byte for byte (the writer took the API's word for it).
std::string CheckCarriedClaim(const programme::Clawback& clawback, const CommandResult& result,
                              const std::vector<storage::ArchiveRow>& retired) {
  if (!std::get<programme::Outcome>(result).ok()) return "";
  const uint64_t job = clawback.claim.value() & ~scheduler::kJobClaimBit;
  for (const storage::ArchiveRow& row : retired) {
    if (row.kind == storage::ArchiveKind::kJobClaim && row.id == job) {
      if (row.body == clawback.archived) return "";
      break;
    }
  }
  return "the clawback of claim " + std::to_string(clawback.claim.value()) +
         " carried a claim the journal did not retire";
}

}  // namespace

Result<AuditReport> AuditStore(storage::Store& store) {
  AuditReport report;
  BG_ASSIGN_OR_RETURN(std::optional<storage::SnapshotRecord> snapshot, store.LatestSnapshot());
  if (snapshot.has_value()) {
    State decoded;
    report.snapshot_unreadable =
        !State::Decode(snapshot->state, &decoded) || decoded.Hash() != snapshot->state_hash;
  }
  State state;
  Hash256 head{};
  uint64_t seq = 0;
  // Checked after the journal is read (a store's reads may not run inside
  // its ReadJournal).
  std::vector<storage::ArchiveRow> retired;
  Status read = store.ReadJournal(0, [&](const storage::JournalEntry& entry) -> Status {
    const Status valid = VerifyEntry(entry, seq + 1, head);
    if (!valid.ok()) {
      report.bad_seq = entry.seq;
      report.problem = valid.message();
      return Aborted("stop");
    }
    Result<std::vector<Command>> commands = DecodePayload(entry.payload);
    if (!commands.ok()) {
      report.bad_seq = entry.seq;
      report.problem = commands.status().message();
      return Aborted("stop");
    }
    for (const Command& c : *commands) {
      if (const auto* usage = std::get_if<SubmitUsage>(&c.body)) {
        std::string bad = CheckSignatures(*usage, state, &report.usage_records);
        if (!bad.empty()) {
          report.bad_seq = entry.seq;
          report.problem = std::move(bad);
          return Aborted("stop");
        }
      }
      // A clawback of a claim the state no longer holds applies the claim
      // it carries (one of a claim in memory ignores it).
      const auto* clawback = std::get_if<programme::Clawback>(&c.body);
      const bool carried = clawback != nullptr && !clawback->archived.empty() &&
                           state.book().FindClaim(clawback->claim) == nullptr;
      const CommandResult result = state.Apply(c);
      ++report.commands;
      std::string bad = carried ? CheckCarriedClaim(*clawback, result, retired) : "";
      if (!bad.empty()) {
        report.bad_seq = entry.seq;
        report.problem = std::move(bad);
        return Aborted("stop");
      }
    }
    {
      storage::Projection rows;
      ArchiveRowsInto(state.TakeRetired(), &rows);
      std::move(rows.archived.begin(), rows.archived.end(), std::back_inserter(retired));
    }
    seq = entry.seq;
    head = entry.hash;
    ++report.entries;
    if (snapshot.has_value() && snapshot->seq == seq) {
      report.snapshot_checked = true;
      if ((!report.snapshot_unreadable && state.Hash() != snapshot->state_hash) ||
          snapshot->chain_head != head) {
        report.bad_seq = seq;
        report.problem = "the snapshot at entry " + std::to_string(seq) +
                         " does not match the state the journal rebuilds";
        return Aborted("stop");
      }
    }
    return Status::Ok();
  });
  if (!read.ok() && report.problem.empty()) return read;
  if (!report.problem.empty()) return report;
  if (snapshot.has_value() && !report.snapshot_checked) {
    // The first entry the snapshot saw and the journal lacks.
    report.bad_seq = seq + 1;
    report.problem = "missing: the latest snapshot was taken after entry " +
                     std::to_string(snapshot->seq) + " but the journal ends at entry " +
                     std::to_string(seq) + " (truncated)";
    return report;
  }
  report.chain_head = head;
  report.state_hash = state.Hash();
  report.problem = CheckProjection(store, state, &report.accounts_checked);
  if (report.problem.empty()) {
    report.problem = CheckArchive(store, retired, &report.archived_checked);
  }
  if (!report.problem.empty()) report.bad_seq = seq;
  return report;
}

}  // namespace bg::engine
