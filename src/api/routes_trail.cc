// The money trail, for the console's drill-down (programme → vouchers →
// orders → usage → ledger transfers → journal entry):
//   GET /v1/vouchers/{id}     a voucher and its history
//   GET /v1/jobs/{id}/trail   a job's usage records, its ledger transfers
//                             (each with the journal entry that made it
//                             durable) and whether they add up to the job
//   GET /v1/journal/{id}      one journal entry ({id} is its seq): hashes,
//                             whether the chain holds there, its commands
//                             and the transfers it made
//
// Where the transfers come from: an order's are found through the SQLite
// projection's index on `reference` (the in-memory ledger has no index but
// by id, and a scan of every transfer per request would grow with the
// ledger), on a read-only connection of its own as GET /v1/activity reads
// the journal; each is then taken from the state as applied, so its hold's
// status is the state's (or, once the ledger has retired it, from its row),
// and the transfers applied after the last durable entry (the ledger's tail
// past that entry's last_ts) are added from the state. A journal entry's
// transfers are the store's rows in its time range (index on timestamp),
// each again as the state has it where it still does.
#include <algorithm>
#include <map>
#include <set>
#include <variant>

#include "api/activity.h"
#include "api/handlers.h"
#include "api/job_history.h"
#include "api/service.h"
#include "api/trail.h"
#include "api/views.h"
#include "common/hash.h"
#include "engine/journal.h"
#include "engine/projection.h"
#include "metering/signature.h"
#include "metering/usage.h"
#include "programme/accounts.h"
#include "programme/book_util.h"
#include "storage/open.h"

namespace bg::api {
namespace {

using programme::MoneyCode;
using programme::book::Plus;

// The codes of an order's transfers: the subsidy's holds and posts (a
// voucher's or a budget's), its clawback, the co-pay. The same reference
// number is also a programme's (fund, withdraw), a voucher's (grant,
// lapse, return, revoke) or a statement's: the code tells them apart.
bool IsOrderCode(uint16_t code) {
  for (MoneyCode m :
       {MoneyCode::kRedeem, MoneyCode::kAutoGrant, MoneyCode::kClawback, MoneyCode::kCoPay}) {
    if (programme::TransferCode(m) == code) return true;
  }
  return false;
}
bool IsCode(const ledger::Transfer& t, MoneyCode m) { return t.code == programme::TransferCode(m); }

// What the trail's totals count: money posted and held per side.
struct Totals {
  Money subsidy_posted{}, clawed_back{}, copay_posted{}, subsidy_held{}, copay_held{};
};

Totals Count(const std::vector<ledger::StoredTransfer>& transfers) {
  Totals t;
  for (const ledger::StoredTransfer& st : transfers) {
    const ledger::Transfer& x = st.transfer;
    const Money amount = Money::Fen(x.amount);
    const bool subsidy = IsCode(x, MoneyCode::kRedeem) || IsCode(x, MoneyCode::kAutoGrant);
    if (Moved(x)) {
      if (subsidy) t.subsidy_posted = Plus(t.subsidy_posted, amount);
      if (IsCode(x, MoneyCode::kClawback)) t.clawed_back = Plus(t.clawed_back, amount);
      if (IsCode(x, MoneyCode::kCoPay)) t.copay_posted = Plus(t.copay_posted, amount);
    } else if (std::string_view(TransferState(st)) == "held") {
      if (subsidy) t.subsidy_held = Plus(t.subsidy_held, amount);
      if (IsCode(x, MoneyCode::kCoPay)) t.copay_held = Plus(t.copay_held, amount);
    }
  }
  return t;
}

// A usage record's signature now: "batch" (its own is all zero: it came
// in a batch signed once, checked when accepted), "verified" (it verifies
// against the provider's current key) or "unverifiable" (it does not: the
// key was rotated since, or is gone).
const char* SignatureStatus(const metering::UsageRecord& r,
                            const std::map<ProviderId, metering::PublicKey>& keys) {
  if (std::all_of(r.signature.begin(), r.signature.end(), [](uint8_t b) { return b == 0; })) {
    return "batch";
  }
  auto key = keys.find(r.provider);
  if (key == keys.end()) return "unverifiable";
  return metering::Verify(metering::SignedBytes(r), r.signature, key->second) ? "verified"
                                                                              : "unverifiable";
}

// The usage records and the total card-seconds; signatures are checked
// here, off the state's lock (a long job has thousands).
Json UsageJson(const std::vector<metering::UsageRecord>& records,
               const std::map<ProviderId, metering::PublicKey>& keys, uint64_t* card_seconds) {
  Json out = Json::array();
  *card_seconds = 0;
  for (const metering::UsageRecord& r : records) {
    const uint64_t used = (r.end_s - r.start_s) * r.cards;
    *card_seconds += used;
    out.push_back({{"id", r.id},
                   {"start", TimeJson(r.start_s * kNanosPerSecond)},
                   {"end", TimeJson(r.end_s * kNanosPerSecond)},
                   {"cards", r.cards},
                   {"card_seconds", used},
                   {"signature", SignatureStatus(r, keys)}});
  }
  return out;
}

// What a job's trail reads from the state, under its lock.
struct JobRead {
  std::optional<HttpResponse> refused;
  Json job;
  Money voucher_charged{}, copay_charged{};
  bool clawed_back = false;  // its claim was clawed back
  std::vector<metering::UsageRecord> records;
  std::map<ProviderId, metering::PublicKey> keys;
  std::vector<ledger::StoredTransfer> transfers;  // in timestamp order
  Json views = Json::array();                     // TransferView of each, no journal entry yet
};

// The order's transfers as the state has them: those the store found
// (`durable`) and those applied after its last entry (`durable_until`).
void ReadTransfers(const state::State& s, OrderId order,
                   const std::vector<storage::TransferRow>& durable, Timestamp durable_until,
                   JobRead* out) {
  // The state's copy where it has one (its hold status is the newest);
  // the store's row for what the ledger retired since (Ledger::Retire).
  std::map<uint64_t, const storage::TransferRow*> ids;
  for (const storage::TransferRow& row : durable) {
    if (IsOrderCode(row.code)) ids.emplace(row.id, &row);
  }
  const ledger::Ledger& ledger = s.ledger();
  for (uint32_t i = ledger.transfer_count();
       i > ledger.live_from() && ledger.TransferAt(i - 1).transfer.timestamp > durable_until; --i) {
    const ledger::Transfer& t = ledger.TransferAt(i - 1).transfer;
    if (t.reference == order.value() && IsOrderCode(t.code)) ids.emplace(t.id.value(), nullptr);
  }
  for (const auto& [id, row] : ids) {
    if (const ledger::StoredTransfer* t = ledger.FindTransfer(TransferId(id))) {
      out->transfers.push_back(*t);
    } else if (row != nullptr && ledger.retired_ids().Contains(id)) {
      out->transfers.push_back(engine::FromRow(*row));
    }
  }
  std::stable_sort(out->transfers.begin(), out->transfers.end(),
                   [](const ledger::StoredTransfer& a, const ledger::StoredTransfer& b) {
                     return a.transfer.timestamp < b.transfer.timestamp;
                   });
  for (const ledger::StoredTransfer& t : out->transfers) {
    out->views.push_back(TransferView(s, t, std::nullopt));
  }
}

// Sets each view's journal_entry: the entry whose time range holds the
// transfer's timestamp (transfers come in time order, so one lookup serves
// every transfer of an entry). Null for what is not durable yet.
Status SetJournalEntries(storage::Store& store,
                         const std::vector<ledger::StoredTransfer>& transfers, Json* views) {
  storage::JournalSpan span;
  for (size_t i = 0; i < transfers.size(); ++i) {
    const Timestamp ts = transfers[i].transfer.timestamp;
    if (span.seq == 0 || ts < span.first_ts || ts > span.last_ts) {
      BG_ASSIGN_OR_RETURN(span, store.EntryAt(ts));
    }
    (*views)[i]["journal_entry"] = span.seq == 0 ? Json(nullptr) : Json(span.seq);
  }
  return Status::Ok();
}

// The words on what a caller who is no admin or auditor is shown of an entry.
std::string ShownTo(const Call& c) {
  if (Is(c, {Role::kAdmin, Role::kAuditor})) return "everything";
  return "command names, and the transfers of programme " + std::to_string(c.who.scope);
}

// The actor a command names, if it names one.
std::string ActorOf(const state::CommandBody& body) {
  return std::visit(
      [](const auto& cmd) -> std::string {
        if constexpr (requires { cmd.actor; }) {
          return cmd.actor;
        } else {
          return "";
        }
      },
      body);
}

// An entry's commands: each one's name and time; for admins and auditors
// also who and, for a person's step, what in words.
Json CommandsJson(const Call& c, const state::State& s,
                  const std::vector<state::Command>& commands) {
  const bool details = Is(c, {Role::kAdmin, Role::kAuditor});
  Json out = Json::array();
  for (const state::Command& cmd : commands) {
    Json item = {{"name", state::CommandName(cmd.body)}, {"at", TimeJson(cmd.ts)}};
    if (details) {
      const std::optional<Step> step = StepOf(cmd.body, s);
      item["actor"] = step && !step->actor.empty() ? step->actor : ActorOf(cmd.body);
      item["detail"] = step ? step->detail : "";
      item["detail_zh"] = step ? step->detail_zh : "";
    }
    out.push_back(std::move(item));
  }
  return out;
}

// The transfers the ledger made in [first_ts, last_ts], those of the
// operator's programme only for an operator: the store's rows of the
// durable entry, each as the state has it now where it still has it (a
// hold's status may have moved on since), else (retired) as stored.
Json EntryTransfers(const Call& c, const state::State& s, const storage::JournalEntry& e,
                    const std::vector<storage::TransferRow>& rows) {
  const bool its_programme_only = c.who.role == Role::kOperator;
  Json out = Json::array();
  for (const storage::TransferRow& row : rows) {
    const ledger::StoredTransfer* held = s.ledger().FindTransfer(TransferId(row.id));
    if (held == nullptr && !s.ledger().retired_ids().Contains(row.id)) continue;  // not applied yet
    const ledger::StoredTransfer t = held != nullptr ? *held : engine::FromRow(row);
    if (its_programme_only &&
        ProgrammeOfAccount(s, t.transfer.debit_account_id).value() != c.who.scope &&
        ProgrammeOfAccount(s, t.transfer.credit_account_id).value() != c.who.scope) {
      continue;
    }
    out.push_back(TransferView(s, t, e.seq));
  }
  return out;
}

}  // namespace

Answer Service::GetVoucher(Call& c) {
  const auto id = PathId(c, "id");
  if (!id) return Fail(c, "invalid_field", "the voucher id must be a positive number");
  const Timestamp now = clock_->Now();
  auto may_read = [&](const programme::Voucher& v) {
    return (c.who.role == Role::kEnterprise && v.holder.value() == c.who.scope) ||
           (c.who.role == Role::kOperator && v.programme.value() == c.who.scope) ||
           Is(c, {Role::kAdmin, Role::kAuditor});
  };
  // Its holder's claims that left memory with their jobs, for its history
  // (read only for those who may read it).
  const uint64_t holder = Look(*engine_, c, [&](const state::State& s) {
    const programme::Voucher* v = s.book().FindVoucher(VoucherId(*id));
    return v == nullptr || !may_read(*v) ? uint64_t{0} : v->holder.value();
  });
  Result<ArchivedClaims> archived = ArchivedClaims{};
  if (holder != 0) archived = ArchivedClaimsOfOwner(*engine_, holder);
  if (!archived.ok()) return Fail(c, "unavailable", archived.status().ToString());
  return Look(*engine_, c, [&](const state::State& s) {
    const programme::Voucher* v = s.book().FindVoucher(VoucherId(*id));
    if (v == nullptr) return Fail(c, "unknown_voucher", "no voucher " + std::to_string(*id));
    if (!may_read(*v)) return Forbidden(c, "read this voucher");
    Json out = VoucherWithNames(s, *v, now);
    out["history"] = VoucherHistory(s, *v, now, *archived);
    return Reply(out);
  });
}

Answer Service::JobTrail(Call& c) {
  const auto id = PathId(c, "id");
  if (!id) return Fail(c, "invalid_field", "the job id must be a positive number");
  if (!Is(c, {Role::kEnterprise, Role::kProvider, Role::kOperator, Role::kAdmin, Role::kAuditor})) {
    return Forbidden(c, "read a job's trail");
  }
  if (options_.db.empty()) {
    return Fail(c, "unavailable", "this server has no database to read the transfers from");
  }
  auto store = storage::OpenReader(options_.db);
  if (!store.ok()) return Fail(c, "unavailable", store.status().ToString());
  const Result<std::vector<storage::TransferRow>> rows = (*store)->ReadTransfersOf(*id);
  const Result<storage::JournalSpan> last = (*store)->LastEntry();
  if (!rows.ok() || !last.ok()) {
    return Fail(c, "unavailable", (rows.ok() ? last.status() : rows.status()).ToString());
  }
  const Result<std::optional<scheduler::Job>> found = AnyJob(*engine_, c, OrderId(*id));
  if (!found.ok()) return Fail(c, "unavailable", found.status().ToString());
  Result<ArchivedClaims> archived = ArchivedClaims{};
  if (found->has_value()) archived = ArchivedClaimsOf(*engine_, c, {**found});
  if (!archived.ok()) return Fail(c, "unavailable", archived.status().ToString());
  JobRead read;
  Look(*engine_, c, [&](const state::State& s) {
    const scheduler::Job* j = found->has_value() ? &**found : nullptr;
    if (j == nullptr) {
      read.refused = Fail(c, "unknown_job", "no job " + std::to_string(*id));
      return;
    }
    const programme::Claim* claim = ClaimOf(s, *j, *archived);
    if (!MayAccess(c, s, *j, claim, false)) {
      read.refused = Forbidden(c, "read this job's trail");
      return;
    }
    read.job = JobWithNames(*j, s, claim);
    read.voucher_charged = j->voucher_charged;
    read.copay_charged = j->copay_charged;
    read.clawed_back = claim != nullptr && claim->status == programme::ClaimStatus::kClawedBack;
    if (const metering::OrderMeter* m = s.metering().MeterOf(OrderId(*id))) {
      for (const auto& [rid, r] : m->by_id()) {
        read.records.push_back(r);
        if (const metering::PublicKey* key = s.metering().KeyOf(r.provider)) {
          read.keys.emplace(r.provider, *key);
        }
      }
    }
    ReadTransfers(s, OrderId(*id), *rows, last->last_ts, &read);
  });
  if (read.refused) return *read.refused;
  const Status entries = SetJournalEntries(**store, read.transfers, &read.views);
  if (!entries.ok()) return Fail(c, "unavailable", entries.ToString());
  uint64_t card_seconds = 0;
  Json usage = UsageJson(read.records, read.keys, &card_seconds);
  const Totals t = Count(read.transfers);
  // The job's figures are what metering charged: the subsidy's posts are
  // its voucher part, the co-pay's its enterprise part; a clawback takes
  // back the whole subsidy, and nothing is clawed back otherwise.
  const Money net = programme::book::Minus(t.subsidy_posted, t.clawed_back);
  const bool reconciles = t.subsidy_posted == read.voucher_charged &&
                          t.copay_posted == read.copay_charged &&
                          t.clawed_back == (read.clawed_back ? read.voucher_charged : Money{});
  return Reply({{"job", std::move(read.job)},
                {"usage", std::move(usage)},
                {"usage_card_seconds", card_seconds},
                {"transfers", std::move(read.views)},
                {"totals",
                 {{"subsidy_posted", MoneyJson(t.subsidy_posted)},
                  {"clawed_back", MoneyJson(t.clawed_back)},
                  {"subsidy_net", MoneyJson(net)},
                  {"copay_posted", MoneyJson(t.copay_posted)},
                  {"subsidy_held", MoneyJson(t.subsidy_held)},
                  {"copay_held", MoneyJson(t.copay_held)},
                  {"reconciles", reconciles}}}});
}

Answer Service::GetJournalEntry(Call& c) {
  if (!Is(c, {Role::kAdmin, Role::kAuditor, Role::kOperator})) {
    return Fail(c, "forbidden",
                "journal entries are for auditors and programme operators; an " +
                    std::string(RoleName(c.who.role)) +
                    " reads its own steps through GET /v1/activity");
  }
  const auto seq = PathId(c, "id");
  if (!seq) {
    return Fail(c, "invalid_field", "the journal entry id (its seq) must be a positive number");
  }
  if (options_.db.empty()) {
    return Fail(c, "unavailable", "this server has no database to read the journal from");
  }
  auto store = storage::OpenReader(options_.db);
  if (!store.ok()) return Fail(c, "unavailable", store.status().ToString());
  // The entry and the one before it (whose hash the entry must chain to).
  std::optional<storage::JournalEntry> entry, before;
  const Status read =
      (*store)->ReadJournal(*seq > 1 ? *seq - 2 : 0, [&](const storage::JournalEntry& e) -> Status {
        if (e.seq >= *seq) {
          if (e.seq == *seq) entry = e;
          return Aborted("read");
        }
        before = e;
        return Status::Ok();
      });
  const Result<storage::JournalSpan> last = (*store)->LastEntry();
  if (!last.ok()) return Fail(c, "unavailable", last.status().ToString());
  if (!entry) {
    if (!read.ok() && read.code() != StatusCode::kAborted) {
      return Fail(c, "unavailable", read.ToString());
    }
    return Fail(
        c, "unknown_journal_entry",
        "no journal entry " + std::to_string(*seq) +
            (last->seq == 0 ? ": the journal is empty"
                            : ": the journal holds entries 1 to " + std::to_string(last->seq)));
  }
  const bool hash_ok = engine::EntryHash(*entry) == entry->hash;
  const bool linked = *seq == 1 || (before && before->hash == entry->prev_hash);
  Result<std::vector<state::Command>> commands = engine::DecodePayload(entry->payload);
  Json out = {{"seq", entry->seq},
              {"first_at", TimeJson(entry->first_ts)},
              {"last_at", TimeJson(entry->last_ts)},
              {"prev_hash", ToHex(entry->prev_hash)},
              {"hash", ToHex(entry->hash)},
              {"chain_ok", hash_ok && linked},
              {"prev", *seq > 1 ? Json(*seq - 1) : Json(nullptr)},
              {"next", last->seq > *seq ? Json(*seq + 1) : Json(nullptr)},
              {"shown", ShownTo(c)}};
  const Result<std::vector<storage::TransferRow>> rows =
      (*store)->ReadTransfersBetween(entry->first_ts, entry->last_ts);
  if (!rows.ok()) return Fail(c, "unavailable", rows.status().ToString());
  Look(*engine_, c, [&](const state::State& s) {
    out["commands"] = commands.ok() ? CommandsJson(c, s, *commands) : Json::array();
    if (!commands.ok()) out["commands_error"] = commands.status().ToString();
    out["transfers"] = EntryTransfers(c, s, *entry, *rows);
  });
  return Reply(out);
}

}  // namespace bg::api
