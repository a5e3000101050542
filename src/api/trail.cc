// The money trail's views (trail.h): vouchers with their history, ledger
// transfers with their accounts in words.
#include "api/trail.h"

#include "api/views.h"
#include "programme/accounts.h"
#include "programme/book_util.h"

namespace bg::api {
namespace {

using programme::AccountKind;

std::string ProgrammeName(const state::State& s, ProgrammeId id) {
  const programme::ProgrammeRules* p = s.registry().FindProgramme(id);
  return p == nullptr ? "programme " + std::to_string(id.value()) : p->name;
}
std::string EnterpriseName(const state::State& s, EnterpriseId id) {
  const programme::Enterprise* e = s.registry().FindEnterprise(id);
  return e == nullptr ? "enterprise " + std::to_string(id.value()) : e->name;
}
std::string ProviderName(const state::State& s, ProviderId id) {
  const programme::Provider* p = s.registry().FindProvider(id);
  return p == nullptr ? "provider " + std::to_string(id.value()) : p->name;
}

// The kind of a system account, from its code; nothing for a client's.
std::optional<AccountKind> KindOf(const state::State& s, AccountId id) {
  if (!ledger::IsSystemId(id.value())) return std::nullopt;
  const ledger::Account* a = s.ledger().FindAccount(id);
  if (a == nullptr) return std::nullopt;
  const int kind = int{a->code} - programme::AccountCode(AccountKind{});
  if (kind < static_cast<int>(AccountKind::kFunding) ||
      kind > static_cast<int>(AccountKind::kEnterpriseSettled)) {
    return std::nullopt;
  }
  return static_cast<AccountKind>(kind);
}

// The record id a system account's id ends in (a programme, voucher,
// enterprise, provider or jurisdiction).
uint64_t RecordOf(AccountId id) { return id.value() & programme::kMaxRecordId; }

// A transfer code's word: the programme's (kMoneyCodeNames), or
// "code_<n>" for a client's transfer.
std::string KindName(uint16_t code) {
  for (const auto& [name, value] : programme::kMoneyCodeNames) {
    if (programme::TransferCode(value) == code) return std::string(name);
  }
  return "code_" + std::to_string(code);
}

}  // namespace

namespace {

// What left a voucher when it expired or was revoked: the posted lapse,
// return and revocation transfers out of its account (to the lapsed
// account or back to the budget), and when the last of them moved. With
// the claims' spent and held and what is available, it makes the face
// value up to the fen. A scan of the ledger: only ended vouchers pay it.
struct Sweep {
  Money amount{};
  Timestamp at = 0;
};
Sweep SweptFrom(const ledger::Ledger& ledger, VoucherId voucher) {
  const AccountId account = programme::VoucherAccount(voucher);
  Sweep out;
  // Retirement keeps sweeps (state.cc, TransferFate).
  ledger.ForEachTransfer([&](const ledger::StoredTransfer& st) {
    const ledger::Transfer& t = st.transfer;
    if (t.debit_account_id != account ||
        (t.flags & (ledger::kPending | ledger::kVoidPending)) != 0) {
      return;
    }
    const uint16_t code = t.code;
    if (code != programme::TransferCode(programme::MoneyCode::kLapse) &&
        code != programme::TransferCode(programme::MoneyCode::kReturn) &&
        code != programme::TransferCode(programme::MoneyCode::kRevoke)) {
      return;
    }
    out.amount = programme::book::Plus(out.amount, Money::Fen(t.amount));
    out.at = std::max(out.at, t.timestamp);
  });
  return out;
}

}  // namespace

Json VoucherHistory(const state::State& s, const programme::Voucher& v, Timestamp now,
                    const std::map<ClaimId, programme::Claim>& archived) {
  Json history = Json::array();
  const programme::Application* app = s.book().FindApplication(ApplicationId(v.id.value()));
  if (app != nullptr) {
    for (const programme::HistoryEntry& h : app->history) {
      if (h.status != programme::ApplicationStatus::kApproved) continue;
      history.push_back(
          {{"at", TimeJson(h.at)}, {"what", "granted"}, {"amount", MoneyJson(v.amount)}});
    }
  }
  if (v.issued_at != 0) history.push_back({{"at", TimeJson(v.issued_at)}, {"what", "issued"}});
  // The holder's claims in memory and those that left, in id order (the
  // book's copy first: one clawed back after it left is in memory again).
  std::map<ClaimId, const programme::Claim*> claims;
  for (const auto& [id, claim] : s.book().claims()) {
    if (claim.request.enterprise == v.holder) claims.emplace(id, &claim);
  }
  for (const auto& [id, claim] : archived) {
    if (claim.request.enterprise == v.holder) claims.emplace(id, &claim);
  }
  for (const auto& [id, claim_ptr] : claims) {
    const programme::Claim& claim = *claim_ptr;
    for (const programme::ClaimHold& h : claim.holds) {
      if (h.voucher != v.id) continue;
      const bool job = s.scheduler().FindJob(claim.request.order) != nullptr ||
                       s.scheduler().IsRetired(claim.request.order);
      history.push_back(
          {{"at", TimeJson(claim.at)},
           {"what", "claim"},
           {"claim", id.value()},
           {job ? "job" : "order", claim.request.order.value()},
           {"claim_status", programme::ClaimStatusName(claim.status)},
           {"held", MoneyJson(claim.status == programme::ClaimStatus::kHeld
                                  ? programme::book::Minus(h.amount, h.posted)
                                  : Money{})},
           {"spent", MoneyJson(claim.status == programme::ClaimStatus::kHeld     ? h.posted
                               : claim.status == programme::ClaimStatus::kVoided ? Money{}
                                                                                 : h.amount)}});
    }
  }
  const programme::VoucherStatus status = programme::StatusAt(v, now);
  if (status == programme::VoucherStatus::kExpired ||
      status == programme::VoucherStatus::kRevoked) {
    const Sweep sweep = SweptFrom(s.ledger(), v.id);
    Timestamp at = sweep.at != 0 ? sweep.at : Timestamp{0};
    if (status == programme::VoucherStatus::kExpired && at == 0) at = v.expires_at;
    history.push_back({{"at", TimeJson(at)},
                       {"what", programme::VoucherStatusName(status)},
                       {"amount", MoneyJson(sweep.amount)},
                       {"reason", v.reason}});
  }
  return history;
}

Json VoucherWithNames(const state::State& s, const programme::Voucher& v, Timestamp now) {
  Json out = View(v, programme::Book::Available(s.ledger(), programme::VoucherAccount(v.id)), now);
  const programme::ProgrammeRules* p = s.registry().FindProgramme(v.programme);
  const programme::Enterprise* e = s.registry().FindEnterprise(v.holder);
  out["programme_name"] = p == nullptr ? "" : p->name;
  out["holder_name"] = e == nullptr ? "" : e->name;
  return out;
}

std::string AccountWords(const state::State& s, AccountId id) {
  const std::optional<AccountKind> kind = KindOf(s, id);
  if (!kind) return "account " + std::to_string(id.value());
  const uint64_t record = RecordOf(id);
  const uint64_t owner = s.ledger().FindAccount(id)->owner;
  switch (*kind) {
    case AccountKind::kFunding: {
      const programme::Jurisdiction* j = s.registry().FindJurisdiction(JurisdictionId(record));
      return "funding · " + (j == nullptr ? "jurisdiction " + std::to_string(record) : j->name);
    }
    case AccountKind::kBudget:
      return "programme budget · " + ProgrammeName(s, ProgrammeId(record));
    case AccountKind::kVoucher: {
      const programme::Voucher* v = s.book().FindVoucher(VoucherId(record));
      return "voucher " + std::to_string(record) +
             (v == nullptr ? "" : " · " + EnterpriseName(s, v->holder));
    }
    case AccountKind::kPayable:
      return "programme payable · " + ProgrammeName(s, ProgrammeId(record));
    case AccountKind::kLapsed:
      return "programme lapsed · " + ProgrammeName(s, ProgrammeId(record));
    case AccountKind::kReceivable:  // numbered by the book; its owner is the enterprise
      return "clawback receivable · " + EnterpriseName(s, EnterpriseId(owner));
    case AccountKind::kWallet:
      return "wallet · " + EnterpriseName(s, EnterpriseId(record));
    case AccountKind::kProviderReceivable:
      return "receivable · " + ProviderName(s, ProviderId(record));
    case AccountKind::kProviderSettled:
      return "settled · " + ProviderName(s, ProviderId(record));
    case AccountKind::kEnterpriseSettled:
      return "settled · " + EnterpriseName(s, EnterpriseId(record));
  }
  return "account " + std::to_string(id.value());
}

ProgrammeId ProgrammeOfAccount(const state::State& s, AccountId id) {
  const std::optional<AccountKind> kind = KindOf(s, id);
  if (!kind) return ProgrammeId();
  switch (*kind) {
    case AccountKind::kBudget:
    case AccountKind::kPayable:
    case AccountKind::kLapsed:
      return ProgrammeId(RecordOf(id));
    case AccountKind::kVoucher: {
      const programme::Voucher* v = s.book().FindVoucher(VoucherId(RecordOf(id)));
      return v == nullptr ? ProgrammeId() : v->programme;
    }
    default:
      return ProgrammeId();
  }
}

bool Moved(const ledger::Transfer& t) {
  return (t.flags & (ledger::kPending | ledger::kVoidPending)) == 0;
}

const char* TransferState(const ledger::StoredTransfer& t) {
  const uint16_t flags = t.transfer.flags;
  if ((flags & ledger::kVoidPending) != 0) return "voided";
  if ((flags & ledger::kPending) == 0) return "posted";
  switch (t.status) {
    case ledger::PendingStatus::kPosted:
      return "hold_posted";
    case ledger::PendingStatus::kVoided:
      return "hold_voided";
    case ledger::PendingStatus::kExpired:
      return "hold_expired";
    case ledger::PendingStatus::kNone:
    case ledger::PendingStatus::kOpen:
      break;
  }
  return "held";
}

Json TransferView(const state::State& s, const ledger::StoredTransfer& stored,
                  std::optional<uint64_t> journal_entry) {
  const ledger::Transfer& t = stored.transfer;
  Json v(Json::value_t::object);
  v["id"] = std::to_string(t.id.value());
  v["kind"] = KindName(t.code);
  v["from"] = std::to_string(t.debit_account_id.value());
  v["from_name"] = AccountWords(s, t.debit_account_id);
  v["to"] = std::to_string(t.credit_account_id.value());
  v["to_name"] = AccountWords(s, t.credit_account_id);
  v["amount"] = MoneyJson(Money::Fen(t.amount));
  v["state"] = TransferState(stored);
  v["pending_id"] =
      t.pending_id.is_zero() ? Json(nullptr) : Json(std::to_string(t.pending_id.value()));
  v["at"] = TimeJson(t.timestamp);
  v["journal_entry"] = journal_entry ? Json(*journal_entry) : Json(nullptr);
  return v;
}

}  // namespace bg::api
