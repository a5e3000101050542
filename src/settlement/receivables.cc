#include "settlement/receivables.h"

#include <map>

#include "programme/book_util.h"

namespace bg::settlement {

using programme::book::Minus;
using programme::book::Plus;

namespace {

bool PaysProviders(const programme::ProgrammeRules* rules) {
  return rules != nullptr && rules->redemption != programme::RedemptionMode::kReimbursement;
}

PeriodKind CycleOf(const programme::ProgrammeRules& rules) {
  return rules.settlement == programme::SettlementCycle::kQuarterly ? PeriodKind::kQuarter
                                                                    : PeriodKind::kMonth;
}

}  // namespace

std::vector<Receivable> Receivables(const Settlement& settlement,
                                    const programme::Registry& registry,
                                    const programme::Book& book, ProviderId provider) {
  std::map<ProgrammeId, Receivable> by;
  auto at = [&](ProgrammeId p) -> Receivable& {
    Receivable& r = by[p];
    r.programme = p;
    return r;
  };
  // Charged in periods still open: the lines that left memory by their
  // sums, then those still in it.
  for (const auto& [key, sums] : settlement.retired_sums()) {
    if (key.payee_kind != PayeeKind::kProvider || key.payee != provider.value()) continue;
    const programme::ProgrammeRules* rules = registry.FindProgramme(key.programme);
    if (!PaysProviders(rules)) continue;
    if (settlement.IsClosed(key.programme, PeriodOf(PeriodStart(key.month), CycleOf(*rules)))) {
      continue;
    }
    Receivable& r = at(key.programme);
    r.open = Plus(r.open, sums.subsidy);
  }
  for (const ChargeLine& line : settlement.lines()) {
    if (line.provider != provider) continue;
    for (const programme::ClaimShare& s : line.subsidy) {
      const programme::ProgrammeRules* rules = registry.FindProgramme(s.programme);
      if (!PaysProviders(rules) || s.amount.is_zero()) continue;
      if (settlement.IsClosed(s.programme, PeriodOf(line.at, CycleOf(*rules)))) continue;
      Receivable& r = at(s.programme);
      r.open = Plus(r.open, s.amount);
    }
  }
  // Closed periods: the provider's statement in each.
  for (const auto& [key, closed] : settlement.closed()) {
    for (const Payment& p : closed.payments) {
      if (p.payee_kind != static_cast<uint8_t>(PayeeKind::kProvider) ||
          p.payee != provider.value()) {
        continue;
      }
      Receivable& r = at(key.first);
      Money& bucket = p.status == StatementStatus::kPaid       ? r.paid
                      : p.status == StatementStatus::kApproved ? r.approved
                                                               : r.payable;
      bucket = Plus(bucket, p.amount);
      r.statements.push_back({.period = key.second,
                              .status = p.status,
                              .amount = p.amount,
                              .closed_at = closed.at,
                              .approved_at = p.approved_at,
                              .paid_at = p.paid_at,
                              .paid_on = p.paid_on,
                              .bank_reference = p.bank_reference});
    }
  }
  // Held on claims of orders still running: charged as they run.
  for (const auto& [id, claim] : book.claims()) {
    if (claim.request.provider != provider || claim.status != programme::ClaimStatus::kHeld) {
      continue;
    }
    for (const programme::ClaimHold& h : claim.holds) {
      if (!PaysProviders(registry.FindProgramme(h.programme))) continue;
      Receivable& r = at(h.programme);
      r.planned = Plus(r.planned, Minus(h.amount, h.posted));
    }
  }
  std::vector<Receivable> out;
  out.reserve(by.size());
  for (auto& [p, r] : by) out.push_back(std::move(r));
  return out;
}

}  // namespace bg::settlement
