#include "programme/book.h"

#include <algorithm>
#include <chrono>

#include "programme/book_util.h"
#include "programme/controls.h"

namespace bg::programme {

using book::Plus;

const char* StepName(Step step) { return NameOf(kStepNames, step).data(); }

const char* CodeName(Code code) { return NameOf(kCodeNames, code).data(); }

const char* ApplicationStatusName(ApplicationStatus status) {
  return NameOf(kApplicationStatusNames, status).data();
}

const char* VoucherStatusName(VoucherStatus status) {
  return NameOf(kVoucherStatusNames, status).data();
}

const char* ClaimStatusName(ClaimStatus status) { return NameOf(kClaimStatusNames, status).data(); }

int32_t YearOf(Timestamp at) {
  namespace c = std::chrono;
  constexpr int64_t kChinaOffsetSeconds = int64_t{8} * 3600;
  const auto secs = static_cast<int64_t>(at / kNanosPerSecond) + kChinaOffsetSeconds;
  const c::year_month_day ymd{c::sys_days{c::floor<c::days>(c::seconds{secs})}};
  return static_cast<int32_t>(static_cast<int>(ymd.year()));
}

// --- Registry hooks -------------------------------------------------------------

void Book::OpenJurisdiction(const Jurisdiction& j, Timestamp ts, ledger::Ledger& ledger) {
  book::MustOpenAccount(ledger, FundingAccount(j.id), j.currency_ledger, AccountKind::kFunding,
                        j.id.value(), 0, ts);
}

void Book::OpenProgramme(const ProgrammeRules& p, const Registry& registry, Timestamp ts,
                         ledger::Ledger& ledger) {
  const Jurisdiction* issuer = registry.FindJurisdiction(p.issuer);
  BG_CHECK(issuer != nullptr) << "programme " << p.id << " has no issuer";
  const uint32_t currency = issuer->currency_ledger;
  book::MustOpenAccount(ledger, BudgetAccount(p.id), currency, AccountKind::kBudget, p.id.value(),
                        ledger::kDebitsMustNotExceedCredits, ts);
  book::MustOpenAccount(ledger, PayableAccount(p.id), currency, AccountKind::kPayable, p.id.value(),
                        0, ts + 1);
  book::MustOpenAccount(ledger, LapsedAccount(p.id), currency, AccountKind::kLapsed, p.id.value(),
                        0, ts + 2);
  book::MustTransfer(ledger,
                     {book::Move(NextTransferId(), FundingAccount(p.issuer), BudgetAccount(p.id),
                                 p.total_budget, currency, MoneyCode::kFund, p.id.value())},
                     ts + 3);
}

// --- Lookups and counters -------------------------------------------------------

const Application* Book::FindApplication(ApplicationId id) const {
  auto it = applications_.find(id);
  return it == applications_.end() ? nullptr : &it->second;
}
const Voucher* Book::FindVoucher(VoucherId id) const {
  auto it = vouchers_.find(id);
  return it == vouchers_.end() ? nullptr : &it->second;
}
const Claim* Book::FindClaim(ClaimId id) const {
  auto it = claims_.find(id);
  return it == claims_.end() ? nullptr : &it->second;
}
const BlacklistEntry* Book::FindBlacklisted(EnterpriseId id) const {
  auto it = blacklist_.find(id);
  return it == blacklist_.end() ? nullptr : &it->second;
}

Money Book::UsedBy(ProgrammeId programme, EnterpriseId enterprise, int32_t year) const {
  auto it = usage_.find({programme, enterprise, year});
  return it == usage_.end() ? Money{} : it->second;
}

// Related enterprises share one cap (Qingyang: no splitting one company into
// several applicants).
Money Book::UsedByGroup(ProgrammeId programme, EnterpriseId enterprise, int32_t year,
                        const Registry& registry) const {
  Money total{};
  for (EnterpriseId member : CapGroup(registry, enterprise)) {
    total = Plus(total, UsedBy(programme, member, year));
  }
  return total;
}

Money Book::Available(const ledger::Ledger& ledger, AccountId account) {
  const ledger::Account* a = ledger.FindAccount(account);
  BG_CHECK(a != nullptr) << "system account " << account << " is missing";
  return Money::Fen(a->credits_posted - a->debits_posted - a->debits_pending);
}

Money Book::GrantedInYear(ProgrammeId p, int32_t year) const {
  auto it = granted_.find({p, year});
  return it == granted_.end() ? Money{} : it->second;
}

// What approvals have committed to `e`'s cap group in `year` (revoked
// vouchers no longer count; expired ones do: they were granted).
Money Book::GrantedToGroup(ProgrammeId p, EnterpriseId e, int32_t year,
                           const Registry& registry) const {
  Money total{};
  for (EnterpriseId member : CapGroup(registry, e)) {
    auto it = by_holder_.find(member);
    if (it == by_holder_.end()) continue;
    for (VoucherId id : it->second) {
      const Voucher& v = vouchers_.at(id);
      if (v.programme == p && v.status != VoucherStatus::kRevoked && v.year == year) {
        total = Plus(total, v.amount);
      }
    }
  }
  return total;
}

void Book::PutVoucher(Voucher v) {
  const Voucher* old = FindVoucher(v.id);
  if (old == nullptr) {
    std::vector<VoucherId> mine = by_holder_[v.holder];
    mine.push_back(v.id);
    undo_.Put(by_holder_, v.holder, std::move(mine));
  }
  const bool was_live = old != nullptr && old->status == VoucherStatus::kLive;
  const bool is_live = v.status == VoucherStatus::kLive;
  if (was_live && !is_live) {
    const std::pair key{old->expires_at, v.id};
    live_by_expiry_.erase(key);
    undo_.Record([this, key] { live_by_expiry_.insert(key); });
  } else if (!was_live && is_live) {
    const std::pair key{v.expires_at, v.id};
    live_by_expiry_.insert(key);
    undo_.Record([this, key] { live_by_expiry_.erase(key); });
  }
  const VoucherId id = v.id;
  undo_.Put(vouchers_, id, std::move(v));
}

Money HeldBy(const Claim& claim) {
  Money held{};
  if (claim.status != ClaimStatus::kHeld) return held;
  for (const ClaimHold& h : claim.holds) held = Plus(held, book::Minus(h.amount, h.posted));
  return held;
}

void Book::StoreClaim(Claim claim) {
  const Claim* old = FindClaim(claim.request.id);
  const Money was = old == nullptr ? Money{} : HeldBy(*old);
  const Money is = HeldBy(claim);
  if (is != was) undo_.Set(held_total_, Plus(book::Minus(held_total_, was), is));
  const ClaimId id = claim.request.id;
  undo_.Put(claims_, id, std::move(claim));
}

TransferId Book::NextTransferId() {
  const uint64_t seq = next_seq_;
  undo_.Set(next_seq_, seq + 1);
  return TransferId(ledger::kSystemIdFloor | seq);
}

void Book::AddUsage(ProgrammeId p, EnterpriseId e, int32_t year, int64_t fen) {
  undo_.Put(usage_, UsageKey{p, e, year}, Plus(UsedBy(p, e, year), Money::Fen(fen)));
}

void Book::AddGranted(ProgrammeId p, int32_t year, int64_t fen) {
  undo_.Put(granted_, YearKey{p, year}, Plus(GrantedInYear(p, year), Money::Fen(fen)));
}

AccountId Book::ReceivableFor(ProgrammeId p, EnterpriseId e, const Registry& registry, Timestamp ts,
                              ledger::Ledger& ledger) {
  auto it = receivables_.find({p, e});
  if (it != receivables_.end()) return it->second;
  const uint64_t seq = next_seq_;
  undo_.Set(next_seq_, seq + 1);
  const AccountId id = SystemAccountId(AccountKind::kReceivable, seq);
  const Jurisdiction* issuer = registry.FindJurisdiction(registry.FindProgramme(p)->issuer);
  book::MustOpenAccount(ledger, id, issuer->currency_ledger, AccountKind::kReceivable, e.value(), 0,
                        ts);
  undo_.Put(receivables_, std::pair{p, e}, id);
  return id;
}

bool Book::operator==(const Book& o) const {
  return applications_ == o.applications_ && vouchers_ == o.vouchers_ && claims_ == o.claims_ &&
         claims_by_order_ == o.claims_by_order_ && usage_ == o.usage_ && granted_ == o.granted_ &&
         blacklist_ == o.blacklist_ && receivables_ == o.receivables_ && next_seq_ == o.next_seq_ &&
         retired_ == o.retired_;
}

}  // namespace bg::programme
