#include "engine/projection.h"

namespace bg::engine {

storage::AccountRow ToRow(const ledger::Account& a) {
  return storage::AccountRow{.id = a.id.value(),
                             .ledger = a.ledger.value(),
                             .code = a.code,
                             .flags = a.flags,
                             .owner = a.owner,
                             .debits_pending = a.debits_pending,
                             .debits_posted = a.debits_posted,
                             .credits_pending = a.credits_pending,
                             .credits_posted = a.credits_posted,
                             .timestamp = a.timestamp};
}

storage::TransferRow ToRow(const ledger::StoredTransfer& s) {
  const ledger::Transfer& t = s.transfer;
  return storage::TransferRow{.id = t.id.value(),
                              .debit_account_id = t.debit_account_id.value(),
                              .credit_account_id = t.credit_account_id.value(),
                              .amount = t.amount,
                              .pending_id = t.pending_id.value(),
                              .reference = t.reference,
                              .timeout = t.timeout,
                              .ledger = t.ledger.value(),
                              .code = t.code,
                              .flags = t.flags,
                              .timestamp = t.timestamp,
                              .pending_status = static_cast<uint8_t>(s.status),
                              .expires_at = s.expires_at};
}

ledger::StoredTransfer FromRow(const storage::TransferRow& r) {
  ledger::StoredTransfer s;
  ledger::Transfer& t = s.transfer;
  t.id = TransferId(r.id);
  t.debit_account_id = AccountId(r.debit_account_id);
  t.credit_account_id = AccountId(r.credit_account_id);
  t.amount = r.amount;
  t.pending_id = TransferId(r.pending_id);
  t.reference = r.reference;
  t.timeout = r.timeout;
  t.ledger = LedgerId(r.ledger);
  t.code = r.code;
  t.flags = r.flags;
  t.timestamp = r.timestamp;
  s.status = r.pending_status <= static_cast<uint8_t>(ledger::PendingStatus::kExpired)
                 ? static_cast<ledger::PendingStatus>(r.pending_status)
                 : ledger::PendingStatus::kNone;
  s.expires_at = r.expires_at;
  return s;
}

storage::Projection BuildProjection(const ledger::Ledger& ledger,
                                    const ledger::BatchChanges& changes) {
  storage::Projection p;
  BuildProjectionInto(ledger, changes, &p);
  return p;
}

void BuildProjectionInto(const ledger::Ledger& ledger, const ledger::BatchChanges& changes,
                         storage::Projection* p) {
  p->accounts.clear();
  p->transfers.clear();
  p->pending_updates.clear();
  const auto accounts = ledger.accounts();
  for (uint32_t i : changes.accounts) p->accounts.push_back(ToRow(accounts[i]));
  for (uint32_t i = changes.first_new_transfer; i < ledger.transfer_count(); ++i) {
    p->transfers.push_back(ToRow(ledger.TransferAt(i)));
  }
  // A hold resolved in an open batch stays in memory (Ledger::Retire).
  for (uint32_t i : changes.resolved_pending) {
    const ledger::StoredTransfer& hold = ledger.TransferAt(i);
    p->pending_updates.push_back({hold.transfer.id.value(), static_cast<uint8_t>(hold.status)});
  }
}

storage::ArchiveRow ToArchiveRow(const scheduler::Job& job) {
  storage::ArchiveRow row{.kind = storage::ArchiveKind::kJob,
                          .id = job.submitted.request.id.value(),
                          .owner = job.submitted.request.enterprise.value(),
                          .at = job.finished_at};
  Writer w(&row.body);
  scheduler::EncodeJob(w, job);
  return row;
}

Result<scheduler::Job> FromArchiveRow(const storage::ArchiveRow& row) {
  scheduler::Job job;
  Reader r(row.body);
  if (row.kind != storage::ArchiveKind::kJob || !scheduler::DecodeJob(r, &job) || !r.done() ||
      job.submitted.request.id.value() != row.id) {
    return DataLoss("archived job " + std::to_string(row.id) + " does not decode");
  }
  return job;
}

Result<std::vector<scheduler::Job>> ReadArchivedJobs(storage::Store& store, uint64_t owner) {
  std::vector<scheduler::Job> out;
  storage::ArchiveQuery q{.kind = storage::ArchiveKind::kJob, .owner = owner, .limit = 1024};
  while (true) {
    BG_ASSIGN_OR_RETURN(std::vector<storage::ArchiveRow> rows, store.ListArchived(q));
    for (const storage::ArchiveRow& row : rows) {
      BG_ASSIGN_OR_RETURN(scheduler::Job j, FromArchiveRow(row));
      out.push_back(std::move(j));
    }
    if (rows.size() < q.limit) return out;
    q.after_id = rows.back().id;
  }
}

storage::ArchiveRow ToArchiveRow(const settlement::NumberedLine& line) {
  storage::ArchiveRow row{.kind = storage::ArchiveKind::kChargeLine,
                          .id = line.seq + 1,
                          .owner = line.line.enterprise.value(),
                          .at = line.line.at};
  Writer w(&row.body);
  settlement::EncodeLine(w, line.line);
  return row;
}

Result<settlement::ChargeLine> LineFromArchiveRow(const storage::ArchiveRow& row) {
  settlement::ChargeLine line;
  Reader r(row.body);
  if (row.kind != storage::ArchiveKind::kChargeLine || !settlement::DecodeLine(r, &line) ||
      !r.done() || line.at != row.at) {
    return DataLoss("archived charge line " + std::to_string(row.id) + " does not decode");
  }
  return line;
}

storage::ArchiveRow ToArchiveRow(const programme::Claim& claim) {
  storage::ArchiveRow row{.kind = storage::ArchiveKind::kJobClaim,
                          .id = claim.request.order.value(),
                          .owner = claim.request.enterprise.value(),
                          .at = claim.at};
  Writer w(&row.body);
  programme::EncodeClaim(w, claim);
  return row;
}

Result<programme::Claim> ClaimFromArchiveRow(const storage::ArchiveRow& row) {
  programme::Claim claim;
  Reader r(row.body);
  if (row.kind != storage::ArchiveKind::kJobClaim || !programme::DecodeClaim(r, &claim) ||
      !r.done() || claim.request.order.value() != row.id) {
    return DataLoss("the archived claim of job " + std::to_string(row.id) + " does not decode");
  }
  return claim;
}

void ArchiveRowsInto(const state::State::Retired& retired, storage::Projection* out) {
  out->archived.clear();
  out->archived.reserve(retired.jobs.size() + retired.lines.size() + retired.claims.size());
  for (const scheduler::Job& j : retired.jobs) out->archived.push_back(ToArchiveRow(j));
  for (const settlement::NumberedLine& l : retired.lines) out->archived.push_back(ToArchiveRow(l));
  for (const programme::Claim& c : retired.claims) out->archived.push_back(ToArchiveRow(c));
}

}  // namespace bg::engine
