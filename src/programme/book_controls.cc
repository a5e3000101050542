// Controls on vouchers and enterprises: expiry as a journaled event,
// revocation, the blacklist. Holds already placed on a voucher keep their
// money until their claim settles (Book::Apply(SettleClaim) sweeps what a
// void releases).
#include <algorithm>

#include "programme/book.h"
#include "programme/book_util.h"

namespace bg::programme {
namespace {

using book::Refuse;

std::string VoucherName(VoucherId id) { return "voucher " + std::to_string(id.value()); }

}  // namespace

void Book::Sweep(const Voucher& voucher, const ProgrammeRules& rules, MoneyCode code, Timestamp ts,
                 ledger::Ledger& ledger) {
  const Money left = Available(ledger, VoucherAccount(voucher.id));
  if (left.fen() <= 0) return;
  const bool lapse = code != MoneyCode::kRevoke && rules.lapse == LapsePolicy::kLapse;
  const AccountId to = lapse ? LapsedAccount(rules.id) : BudgetAccount(rules.id);
  const MoneyCode why = code == MoneyCode::kRevoke ? code
                        : lapse                    ? MoneyCode::kLapse
                                                   : MoneyCode::kReturn;
  const ledger::Account* account = ledger.FindAccount(VoucherAccount(voucher.id));
  book::MustTransfer(ledger,
                     {book::Move(NextTransferId(), VoucherAccount(voucher.id), to, left,
                                 account->ledger.value(), why, voucher.id.value())},
                     ts);
}

VoucherStatus StatusAt(const Voucher& v, Timestamp now) {
  return v.status == VoucherStatus::kLive && v.expires_at <= now ? VoucherStatus::kExpired
                                                                 : v.status;
}

std::optional<Timestamp> Book::NextExpiry() const {
  if (live_by_expiry_.empty()) return std::nullopt;
  return live_by_expiry_.begin()->first;
}

std::vector<VoucherId> Book::LiveExpiringIn(Timestamp after, Timestamp upto) const {
  std::vector<VoucherId> out;
  for (auto it = live_by_expiry_.upper_bound({after, VoucherId(UINT64_MAX)});
       it != live_by_expiry_.end() && it->first <= upto; ++it) {
    out.push_back(it->second);
  }
  return out;
}

Outcome Book::Apply(const ExpireVouchers& c, const Registry& registry, Timestamp ts,
                    ledger::Ledger& ledger) {
  uint32_t swept = 0;
  const uint32_t limit = std::min(c.limit, kMaxExpirePerCommand);
  std::vector<Voucher> due;
  for (const auto& [expires_at, id] : live_by_expiry_) {
    if (swept == limit || expires_at > ts) break;
    const Voucher& v = vouchers_.at(id);
    if (!c.programme.is_zero() && v.programme != c.programme) continue;
    due.push_back(v);
    ++swept;
  }
  for (size_t i = 0; i < due.size(); ++i) {
    Voucher& v = due[i];
    Sweep(v, registry.FindVersion(v.programme, v.version)->rules, MoneyCode::kLapse, ts + i,
          ledger);
    v.status = VoucherStatus::kExpired;
    PutVoucher(std::move(v));
  }
  Outcome out{.swept = swept};
  out.swept_ids.reserve(due.size());
  for (const Voucher& v : due) out.swept_ids.push_back(v.id);
  return out;
}

Outcome Book::Apply(const RevokeVoucher& c, const Registry& registry, Timestamp ts,
                    ledger::Ledger& ledger) {
  const Voucher* found = FindVoucher(c.id);
  if (found == nullptr) return Refuse(Code::kUnknownVoucher, "no " + VoucherName(c.id));
  if (c.reason.empty()) {
    return Refuse(Code::kReasonRequired, "revoking " + VoucherName(c.id) + " needs a reason");
  }
  Voucher v = *found;
  const ProgrammeRules& rules = registry.FindVersion(v.programme, v.version)->rules;
  if (v.status == VoucherStatus::kApproved) {
    // Not issued yet: release the budget the approval held.
    book::MustTransfer(ledger, {book::Resolve(NextTransferId(), v.grant, false, v.id.value())}, ts);
    AddGranted(v.programme, v.year, -v.amount.fen());
  } else if (v.status == VoucherStatus::kLive) {
    const Money left = Available(ledger, VoucherAccount(v.id));
    Sweep(v, rules, MoneyCode::kRevoke, ts, ledger);
    AddGranted(v.programme, v.year, -left.fen());
  } else {
    return Refuse(Code::kVoucherNotRevocable,
                  VoucherName(c.id) + " is " + VoucherStatusName(v.status) + " already");
  }
  v.status = VoucherStatus::kRevoked;
  v.reason = c.actor + ": " + c.reason;
  Application app = applications_.at(ApplicationId(v.id.value()));
  app.history.push_back({app.status, ts, c.actor, "voucher revoked: " + c.reason});
  undo_.Put(applications_, ApplicationId(c.id.value()), std::move(app));
  PutVoucher(std::move(v));
  return {};
}

Outcome Book::Apply(const SetBlacklist& c, const Registry& registry, Timestamp ts) {
  if (registry.FindEnterprise(c.enterprise) == nullptr) {
    return Refuse(Code::kUnknownEnterprise,
                  "no enterprise " + std::to_string(c.enterprise.value()));
  }
  if (c.reason.empty()) {
    return Refuse(Code::kReasonRequired,
                  std::string(c.listed ? "blacklisting" : "lifting the blacklist of") +
                      " enterprise " + std::to_string(c.enterprise.value()) + " needs a reason");
  }
  if (c.listed) {
    undo_.Put(blacklist_, c.enterprise, BlacklistEntry{ts, c.actor, c.reason});
  } else {
    undo_.Erase(blacklist_, c.enterprise);
  }
  return {};
}

}  // namespace bg::programme
