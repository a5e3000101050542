#include "programme/pacing.h"

#include <algorithm>
#include <chrono>
#include <limits>
#include <map>

#include "programme/accounts.h"
#include "programme/book_util.h"
#include "programme/names.h"

namespace bg::programme {
namespace {

using book::Minus;
using book::Plus;

// (year, month) of `at` in China Standard Time, as one sortable number.
int32_t MonthKey(Timestamp at) {
  namespace c = std::chrono;
  constexpr int64_t kChinaOffsetSeconds = int64_t{8} * 3600;
  const auto secs = static_cast<int64_t>(at / kNanosPerSecond) + kChinaOffsetSeconds;
  const c::year_month_day ymd{c::sys_days{c::floor<c::days>(c::seconds{secs})}};
  return static_cast<int32_t>(static_cast<int>(ymd.year()) * 12 +
                              static_cast<int>(static_cast<unsigned>(ymd.month())) - 1);
}

// When the application behind voucher `id` was approved (the grant).
Timestamp ApprovedAt(const Book& book, VoucherId id) {
  const Application* a = book.FindApplication(ApplicationId(id.value()));
  if (a == nullptr) return 0;
  for (auto it = a->history.rbegin(); it != a->history.rend(); ++it) {
    if (it->status == ApplicationStatus::kApproved) return it->at;
  }
  return 0;
}

void AddSlice(std::map<std::string, Money>* slices, const std::string& key, Money m) {
  Money& slot = (*slices)[key];
  slot = Plus(slot, m);
}

std::vector<PacingSlice> Slices(const std::map<std::string, Money>& slices) {
  std::vector<PacingSlice> out;
  out.reserve(slices.size());
  for (const auto& [key, m] : slices) out.push_back({key, m});
  std::stable_sort(out.begin(), out.end(), [](const PacingSlice& a, const PacingSlice& b) {
    return a.subsidy > b.subsidy;
  });
  return out;
}

class Builder {
 public:
  Builder(const Book& book, const Registry& registry, ProgrammeId p, Timestamp now)
      : book_(book), registry_(registry), p_(p), now_(now) {
    const ProgrammeRules& rules = *registry.FindProgramme(p);
    // Whole days (China Standard Time): the claims that left memory are
    // summed by day.
    window_from_ = CstDayStart(CstDayOf(std::max<Timestamp>(
        rules.valid_from,
        now > kPaceWindowDays * kNanosPerDay ? now - kPaceWindowDays * kNanosPerDay : 0)));
  }

  void Grants() {
    for (const auto& [id, v] : book_.vouchers()) {
      if (v.programme != p_) continue;
      // Revoked before issue: its hold was voided, nothing was granted.
      if (v.status == VoucherStatus::kRevoked && v.issued_at == 0) continue;
      const Timestamp at = ApprovedAt(book_, id);
      Month(at).granted = Plus(Month(at).granted, v.amount);
      Committed(at, v.amount);
    }
  }

  void Claims() {
    for (const auto& [id, claim] : book_.claims()) {
      if (claim.status == ClaimStatus::kVoided) continue;
      PacingMonth& m = Month(claim.at);
      Money subsidy{};
      for (const ClaimHold& h : claim.holds) {
        if (h.programme != p_) continue;
        const bool held = claim.status == ClaimStatus::kHeld;
        m.spent = Plus(m.spent, held ? h.posted : h.amount);
        if (held) m.held = Plus(m.held, Minus(h.amount, h.posted));
        if (h.voucher.is_zero()) {
          m.automatic = Plus(m.automatic, h.amount);
          Committed(claim.at, h.amount);
        }
        subsidy = Plus(subsidy, h.amount);
      }
      if (subsidy.is_zero()) continue;
      Slice(claim.request.enterprise, claim.request.provider, subsidy);
    }
    Retired();
  }

  void Ledger(const ledger::Ledger& ledger) {
    // Retirement keeps every book move (state.cc, TransferFate).
    ledger.ForEachTransfer([&](const ledger::StoredTransfer& st) {
      const ledger::Transfer& x = st.transfer;
      if (!book::IsBookMove(x)) return;
      const Money amount = Money::Fen(x.amount);
      const auto code = static_cast<MoneyCode>(x.code);
      const AccountId budget = BudgetAccount(p_);
      if (IsVoucherAccount(x.debit_account_id) &&
          (code == MoneyCode::kLapse || code == MoneyCode::kReturn || code == MoneyCode::kRevoke)) {
        const Voucher* v = book_.FindVoucher(VoucherId(x.debit_account_id.value() & kMaxRecordId));
        if (v == nullptr || v->programme != p_) return;
        PacingMonth& m = Month(x.timestamp);
        if (code == MoneyCode::kLapse) {
          m.lapsed = Plus(m.lapsed, amount);
        } else {
          m.returned = Plus(m.returned, amount);
        }
      } else if (code == MoneyCode::kClawback && x.credit_account_id == budget) {
        Month(x.timestamp).clawed_back = Plus(Month(x.timestamp).clawed_back, amount);
      } else if (code == MoneyCode::kFund && x.credit_account_id == budget) {
        Month(x.timestamp).topped_up = Plus(Month(x.timestamp).topped_up, amount);
      } else if (code == MoneyCode::kWithdraw && x.debit_account_id == budget) {
        Month(x.timestamp).cut = Plus(Month(x.timestamp).cut, amount);
      }
    });
  }

  Pacing Finish(Money funded, Money uncommitted) {
    Pacing out{.programme = p_, .funded = funded, .uncommitted = uncommitted};
    Money running{};
    for (auto& [key, m] : months_) {
      m.year = key / 12;
      m.month = static_cast<uint32_t>(key % 12 + 1);
      running = Plus(running, m.topped_up);
      running = Minus(running, m.cut);
      running = Minus(running, Plus(m.granted, m.automatic));
      running = Plus(running, Plus(m.returned, m.clawed_back));
      m.uncommitted_after = running;
      out.months.push_back(m);
    }
    const ProgrammeRules& rules = *registry_.FindProgramme(p_);
    // Calendar days (China Standard Time) from the window's first to today,
    // both counted: the window's commitments are those of these days.
    const int64_t days =
        std::max<int64_t>(1, int64_t{CstDayOf(now_)} - int64_t{CstDayOf(window_from_)} + 1);
    out.pace_per_day = Money::Fen(committed_.fen() / days);
    out.exhausted_at = RunsOutAt(now_, uncommitted, out.pace_per_day, rules.valid_until);
    out.by_category = Slices(by_category_);
    out.by_city = Slices(by_city_);
    out.sme = sme_;
    out.total = total_;
    out.cap_year = YearOf(now_);
    const ProgrammeRules& in_force = registry_.VersionAt(p_, now_)->rules;
    for (const auto& [key, used] : book_.usage()) {
      const auto& [programme, enterprise, year] = key;
      if (programme != p_ || year != out.cap_year || used.is_zero()) continue;
      const Enterprise* e = registry_.FindEnterprise(enterprise);
      if (e == nullptr) continue;
      out.caps.push_back({.enterprise = enterprise,
                          .name = e->name,
                          .used = used,
                          .group_used = book_.UsedByGroup(p_, enterprise, year, registry_),
                          .cap = EntityYearCapFor(in_force, e->applicant)});
    }
    std::stable_sort(out.caps.begin(), out.caps.end(),
                     [](const CapUse& a, const CapUse& b) { return a.used > b.used; });
    return out;
  }

 private:
  // The claims that left memory (retired_claims.h): settled, summed by
  // day and by party.
  void Retired() {
    const RetiredClaims& retired = book_.retired_claims();
    for (auto it = retired.days.lower_bound({p_, std::numeric_limits<int32_t>::min()});
         it != retired.days.end() && it->first.first == p_; ++it) {
      const Timestamp day = CstDayStart(it->first.second);
      const RetiredClaims::Day& d = it->second;
      PacingMonth& m = Month(day);
      m.spent = Plus(m.spent, Plus(d.vouchered, d.automatic));
      m.automatic = Plus(m.automatic, d.automatic);
      Committed(day, d.automatic);
    }
    for (auto it = retired.parties.lower_bound(
             {p_, EnterpriseId(), ProviderId(), std::numeric_limits<int32_t>::min()});
         it != retired.parties.end() && std::get<0>(it->first) == p_; ++it) {
      Slice(std::get<1>(it->first), std::get<2>(it->first), it->second);
    }
  }

  // The subsidy of an enterprise's order with a provider, in the slices.
  void Slice(EnterpriseId enterprise, ProviderId provider_id, Money subsidy) {
    const Enterprise* e = registry_.FindEnterprise(enterprise);
    const Provider* provider = registry_.FindProvider(provider_id);
    const Jurisdiction* city =
        provider == nullptr ? nullptr : registry_.FindJurisdiction(provider->home);
    AddSlice(&by_category_, e == nullptr ? "?" : ApplicantCategoryName(e->applicant.category),
             subsidy);
    AddSlice(&by_city_, city == nullptr ? "?" : city->name, subsidy);
    if (e != nullptr && (e->applicant.flags & kSme) != 0) sme_ = Plus(sme_, subsidy);
    total_ = Plus(total_, subsidy);
  }

  PacingMonth& Month(Timestamp at) { return months_[MonthKey(at)]; }
  // (Commands are stamped at logical times that may run a little ahead of
  // the wall clock's now: no upper bound.)
  void Committed(Timestamp at, Money m) {
    if (at >= window_from_) committed_ = Plus(committed_, m);
  }

  const Book& book_;
  const Registry& registry_;
  ProgrammeId p_;
  Timestamp now_;
  Timestamp window_from_ = 0;
  std::map<int32_t, PacingMonth> months_;
  std::map<std::string, Money> by_category_;
  std::map<std::string, Money> by_city_;
  Money sme_{};
  Money total_{};
  Money committed_{};
};

}  // namespace

// Days compared in days first: at a slow pace a large budget's days times
// nanoseconds per day would pass 2^64 and wrap to a date in the 1970s.
std::optional<Timestamp> RunsOutAt(Timestamp now, Money uncommitted, Money pace, Timestamp end) {
  if (pace.fen() <= 0) return std::nullopt;
  const auto days_left =
      static_cast<uint64_t>(std::max<int64_t>(0, uncommitted.fen() / pace.fen()));
  const Timestamp days_to_end = end > now ? (end - now) / kNanosPerDay : 0;
  if (days_left >= days_to_end) return std::nullopt;
  return now + days_left * kNanosPerDay;
}

std::optional<Pacing> PacingOf(const Book& book, const Registry& registry,
                               const ledger::Ledger& ledger, ProgrammeId programme, Timestamp now) {
  const ProgrammeRules* rules = registry.FindProgramme(programme);
  if (rules == nullptr) return std::nullopt;
  Builder b(book, registry, programme, now);
  b.Grants();
  b.Claims();
  b.Ledger(ledger);
  return b.Finish(rules->total_budget, Book::Available(ledger, BudgetAccount(programme)));
}

}  // namespace bg::programme
