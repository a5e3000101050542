#include "programme/reconcile.h"

#include <map>

#include "programme/accounts.h"
#include "programme/book_util.h"
#include "programme/pacing.h"

namespace bg::programme {
namespace {

using book::Plus;

std::string Fail(ProgrammeId p, const std::string& what) {
  return "programme " + std::to_string(p.value()) + ": " + what;
}

std::string Yuan(Money m) { return m.ToYuanString(); }

// Adds the book's records to the totals.
void CountRecords(const Book& book, std::map<ProgrammeId, ProgrammeTotals>* totals) {
  for (const auto& [id, v] : book.vouchers()) {
    ProgrammeTotals& t = (*totals)[v.programme];
    if (v.status == VoucherStatus::kApproved) t.approved = Plus(t.approved, v.amount);
    if (v.issued_at != 0) t.issued = Plus(t.issued, v.amount);
  }
  for (const auto& [id, claim] : book.claims()) {
    if (claim.status == ClaimStatus::kVoided) continue;
    for (const ClaimHold& h : claim.holds) {
      ProgrammeTotals& t = (*totals)[h.programme];
      if (h.voucher.is_zero()) {
        t.automatic = Plus(t.automatic, h.amount);
      } else if (claim.status == ClaimStatus::kHeld) {
        // Metering may have posted part of a held claim already.
        t.held = Plus(t.held, book::Minus(h.amount, h.posted));
        t.spent = Plus(t.spent, h.posted);
      } else {
        t.spent = Plus(t.spent, h.amount);
      }
    }
  }
  // Claims that left memory were settled: what they spent is summed.
  for (const auto& [key, day] : book.retired_claims().days) {
    ProgrammeTotals& t = (*totals)[key.first];
    t.automatic = Plus(t.automatic, day.automatic);
    t.spent = Plus(t.spent, day.vouchered);
  }
}

// Adds what only the ledger knows: sweeps, clawbacks, balances.
void CountLedger(const Book& book, const ledger::Ledger& ledger,
                 std::map<ProgrammeId, ProgrammeTotals>* totals) {
  // Retirement keeps every book move counted here (state.cc, TransferFate).
  ledger.ForEachTransfer([&](const ledger::StoredTransfer& st) {
    const ledger::Transfer& x = st.transfer;
    if (!book::IsBookMove(x)) return;
    const Money amount = Money::Fen(x.amount);
    const auto code = static_cast<MoneyCode>(x.code);
    if (IsVoucherAccount(x.debit_account_id) &&
        (code == MoneyCode::kLapse || code == MoneyCode::kReturn || code == MoneyCode::kRevoke)) {
      const Voucher* v = book.FindVoucher(VoucherId(x.debit_account_id.value() & kMaxRecordId));
      BG_CHECK(v != nullptr) << "sweep from an unknown voucher account " << x.debit_account_id;
      ProgrammeTotals& t = (*totals)[v->programme];
      t.swept = Plus(t.swept, amount);
      if (code == MoneyCode::kLapse) {
        t.lapsed = Plus(t.lapsed, amount);
      } else {
        t.returned = Plus(t.returned, amount);
      }
    } else if (code == MoneyCode::kFund || code == MoneyCode::kWithdraw) {
      // The budget is the credit of a top-up, the debit of a withdrawal.
      const AccountId budget = code == MoneyCode::kFund ? x.credit_account_id : x.debit_account_id;
      ProgrammeTotals& t = (*totals)[ProgrammeId(budget.value() & kMaxRecordId)];
      if (code == MoneyCode::kFund) {
        t.funded_in = Plus(t.funded_in, amount);
      } else {
        t.withdrawn = Plus(t.withdrawn, amount);
      }
    } else if (code == MoneyCode::kClawback) {
      ProgrammeTotals& t = (*totals)[ProgrammeId(x.credit_account_id.value() & kMaxRecordId)];
      t.clawed_back = Plus(t.clawed_back, amount);
    }
  });
  for (const auto& [id, v] : book.vouchers()) {
    if (ledger.FindAccount(VoucherAccount(id)) == nullptr) continue;
    ProgrammeTotals& t = (*totals)[v.programme];
    t.remaining = Plus(t.remaining, Book::Available(ledger, VoucherAccount(id)));
  }
}

std::string CheckVouchers(const Book& book, const ledger::Ledger& ledger) {
  for (const auto& [id, v] : book.vouchers()) {
    const ledger::Account* a = ledger.FindAccount(VoucherAccount(id));
    if (a == nullptr) {
      return Fail(v.programme, "voucher " + std::to_string(id.value()) + " has no account");
    }
    if (Book::Available(ledger, VoucherAccount(id)).is_negative()) {
      return Fail(v.programme, "voucher " + std::to_string(id.value()) + " is below zero");
    }
    const Money credited = Money::Fen(a->credits_posted);
    const Money want = v.issued_at != 0 ? v.amount : Money{};
    if (credited != want) {
      return Fail(v.programme, "voucher " + std::to_string(id.value()) + " was credited " +
                                   Yuan(credited) + ", its record says " + Yuan(want));
    }
  }
  return "";
}

std::string CheckUsage(const Book& book) {
  std::map<std::tuple<ProgrammeId, EnterpriseId, int32_t>, Money> from_claims;
  for (const auto& [id, claim] : book.claims()) {
    if (claim.status == ClaimStatus::kVoided) continue;
    for (const ClaimHold& h : claim.holds) {
      auto& used = from_claims[{h.programme, claim.request.enterprise, claim.year}];
      used = Plus(used, h.amount);
    }
  }
  for (const auto& [key, amount] : book.retired_claims().parties) {
    const auto& [programme, enterprise, provider, year] = key;
    auto& used = from_claims[{programme, enterprise, year}];
    used = Plus(used, amount);
  }
  for (const auto& [key, used] : book.usage()) {
    auto it = from_claims.find(key);
    const Money want = it == from_claims.end() ? Money{} : it->second;
    if (used != want) {
      return Fail(std::get<0>(key), "usage of enterprise " +
                                        std::to_string(std::get<1>(key).value()) + " in " +
                                        std::to_string(std::get<2>(key)) + " is " + Yuan(used) +
                                        ", its claims add up to " + Yuan(want));
    }
    if (it != from_claims.end()) from_claims.erase(it);
  }
  for (const auto& [key, want] : from_claims) {
    if (!want.is_zero()) return Fail(std::get<0>(key), "claims with no usage counted");
  }
  return "";
}

// The months of pacing.h add up to the totals: the uncommitted budget
// after the last month, the grants, and the subsidy of its slices.
std::string CheckPacing(const Book& book, const Registry& registry, const ledger::Ledger& ledger) {
  for (const ProgrammeTotals& t : Totals(book, registry, ledger)) {
    const std::optional<Pacing> pacing =
        PacingOf(book, registry, ledger, t.programme, ledger.last_timestamp());
    BG_CHECK(pacing.has_value()) << "no pacing for programme " << t.programme;
    Money granted{};
    Money subsidy{};
    for (const PacingMonth& m : pacing->months) {
      granted = Plus(granted, m.granted);
      subsidy = Plus(subsidy, Plus(m.spent, m.held));
    }
    const Money after = pacing->months.empty() ? Money{} : pacing->months.back().uncommitted_after;
    if (after != t.uncommitted) {
      return Fail(t.programme, "pacing ends with " + Yuan(after) + " uncommitted, the budget has " +
                                   Yuan(t.uncommitted));
    }
    if (granted != Plus(t.approved, t.issued)) {
      return Fail(t.programme, "pacing grants " + Yuan(granted) + ", approved + issued is " +
                                   Yuan(Plus(t.approved, t.issued)));
    }
    Money sliced{};
    for (const PacingSlice& s : pacing->by_city) sliced = Plus(sliced, s.subsidy);
    if (subsidy != pacing->total || sliced != pacing->total) {
      return Fail(t.programme, "pacing's subsidy by month " + Yuan(subsidy) + ", by city " +
                                   Yuan(sliced) + ", in all " + Yuan(pacing->total));
    }
  }
  return "";
}

}  // namespace

std::vector<ProgrammeTotals> Totals(const Book& book, const Registry& registry,
                                    const ledger::Ledger& ledger) {
  std::map<ProgrammeId, ProgrammeTotals> totals;
  for (const auto& [id, rules] : registry.programmes()) {
    ProgrammeTotals& t = totals[id];
    t.funded = rules.total_budget;
    t.uncommitted = Book::Available(ledger, BudgetAccount(id));
  }
  CountRecords(book, &totals);
  CountLedger(book, ledger, &totals);
  std::vector<ProgrammeTotals> out;
  for (auto& [id, t] : totals) {
    t.programme = id;
    out.push_back(t);
  }
  return out;
}

std::string CheckReconciled(const Book& book, const Registry& registry,
                            const ledger::Ledger& ledger) {
  for (const ProgrammeTotals& t : Totals(book, registry, ledger)) {
    const Money out = Plus(Plus(Plus(t.spent, t.held), t.swept), t.remaining);
    if (t.issued != out) {
      return Fail(t.programme, "issued " + Yuan(t.issued) + " but spent " + Yuan(t.spent) +
                                   " + held " + Yuan(t.held) + " + swept " + Yuan(t.swept) +
                                   " + remaining " + Yuan(t.remaining) + " = " + Yuan(out));
    }
    const Money in = Plus(Plus(t.funded, t.returned), t.clawed_back);
    const Money used = Plus(Plus(Plus(t.uncommitted, t.approved), t.issued), t.automatic);
    if (in != used) {
      return Fail(t.programme, "funded " + Yuan(t.funded) + " + returned " + Yuan(t.returned) +
                                   " + clawed back " + Yuan(t.clawed_back) + " = " + Yuan(in) +
                                   " but uncommitted " + Yuan(t.uncommitted) + " + approved " +
                                   Yuan(t.approved) + " + issued " + Yuan(t.issued) +
                                   " + automatic " + Yuan(t.automatic) + " = " + Yuan(used));
    }
    if (book::Minus(t.funded_in, t.withdrawn) != t.funded) {
      return Fail(t.programme, "funded " + Yuan(t.funded) + " but the ledger moved " +
                                   Yuan(t.funded_in) + " in and " + Yuan(t.withdrawn) + " out");
    }
    if (t.uncommitted.is_negative()) return Fail(t.programme, "the budget is over-committed");
    if (Plus(t.lapsed, t.returned) != t.swept) return Fail(t.programme, "sweeps do not add up");
  }
  if (std::string v = CheckVouchers(book, ledger); !v.empty()) return v;
  if (std::string v = CheckPacing(book, registry, ledger); !v.empty()) return v;
  return CheckUsage(book);
}

}  // namespace bg::programme
