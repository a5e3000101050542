// The steps of a statement after its period closed: finance approves it
// (not the one who closed the period), then records the bank payment, which
// posts the total held at close to the payee's settled account.
#include <algorithm>

#include "programme/book_util.h"
#include "settlement/settlement.h"

namespace bg::settlement {
namespace {

using programme::book::Plus;

std::string What(const ProgrammeId programme, const Period& period) {
  return "programme " + std::to_string(programme.value()) + " period " + PeriodName(period);
}

std::string PayeeName(const Payment& p) {
  return std::string(p.payee_kind == static_cast<uint8_t>(PayeeKind::kProvider) ? "provider "
                                                                                : "enterprise ") +
         std::to_string(p.payee);
}

// The closed period's record, or the refusal of a step that needs one.
const Settlement::Closed* ClosedOr(const std::map<Settlement::Key, Settlement::Closed>& all,
                                   const programme::Registry& registry, ProgrammeId programme,
                                   const Period& period, Outcome* refused) {
  if (registry.FindProgramme(programme) == nullptr) {
    *refused = {Code::kUnknownProgramme, "no programme " + std::to_string(programme.value())};
    return nullptr;
  }
  if (!ValidPeriod(period)) {
    *refused = {Code::kInvalidPeriod, "a period is a month (1-12) or a quarter (1-4) of a year"};
    return nullptr;
  }
  auto it = all.find({programme, period});
  if (it == all.end()) {
    *refused = {Code::kNotClosed,
                What(programme, period) + " is not closed: close it first, then approve and pay"};
    return nullptr;
  }
  return &it->second;
}

}  // namespace

Outcome Settlement::Apply(const ApproveStatement& c, const programme::Registry& registry,
                          Timestamp ts) {
  Outcome refused;
  const Closed* found = ClosedOr(closed_, registry, c.programme, c.period, &refused);
  if (found == nullptr) return refused;
  const std::string what = What(c.programme, c.period);
  if (c.actor.find_first_not_of(" \t") == std::string::npos) {
    return {Code::kSameActor, what + ": an approval names who approves (two-person rule)"};
  }
  if (c.actor == found->actor) {
    return {Code::kSameActor, what + " was closed by " + c.actor +
                                  "; another person approves its statements (two-person rule)"};
  }
  Closed closed = *found;
  size_t approved = 0;
  Money total{};
  bool any = false;
  for (Payment& p : closed.payments) {
    if (c.payee != 0 && p.payee != c.payee) continue;
    any = true;
    if (c.payee == 0 && p.status != StatementStatus::kPayable) continue;
    if (p.status == StatementStatus::kApproved) {
      return {Code::kAlreadyApproved,
              what + ": the statement of " + PayeeName(p) + " was approved by " + p.approved_by, 1,
              p.amount};
    }
    if (p.status != StatementStatus::kPayable) {
      return {Code::kNotPayable, what + ": the statement of " + PayeeName(p) + " is " +
                                     StatementStatusName(p.status) +
                                     "; only a payable one is "
                                     "approved"};
    }
    p.status = StatementStatus::kApproved;
    p.approved_at = ts;
    p.approved_by = c.actor;
    total = Plus(total, p.amount);
    ++approved;
  }
  if (!any && c.payee != 0) {
    return {Code::kUnknownPayee, what + " has no statement for payee " + std::to_string(c.payee)};
  }
  if (approved == 0) {
    return {Code::kAlreadyApproved, what + ": no statement is left to approve", 0, {}};
  }
  undo_.Put(closed_, Key{c.programme, c.period}, std::move(closed));
  return {Code::kOk,
          what + ": " + std::to_string(approved) + " statement" + (approved == 1 ? "" : "s") +
              " approved",
          approved, total};
}

Outcome Settlement::Apply(const PayStatement& c, const programme::Registry& registry,
                          programme::Book& book, ledger::Ledger& ledger, Timestamp ts) {
  Outcome refused;
  const Closed* found = ClosedOr(closed_, registry, c.programme, c.period, &refused);
  if (found == nullptr) return refused;
  const std::string what = What(c.programme, c.period);
  if (c.bank_reference.empty() || c.bank_reference.size() > kMaxBankReference) {
    return {Code::kBankReferenceRequired, what + ": a payment needs the bank's reference (1 to " +
                                              std::to_string(kMaxBankReference) + " bytes)"};
  }
  Closed closed = *found;
  auto p = std::find_if(closed.payments.begin(), closed.payments.end(),
                        [&](const Payment& x) { return x.payee == c.payee; });
  if (p == closed.payments.end()) {
    return {Code::kUnknownPayee, what + " has no statement for payee " + std::to_string(c.payee)};
  }
  if (p->status == StatementStatus::kPaid) {
    if (p->bank_reference == c.bank_reference && p->paid_on == c.paid_on) {
      return {Code::kAlreadyPaid, what + ": the statement of " + PayeeName(*p) + " was paid", 1,
              p->amount};
    }
    return {
        Code::kPaidWithAnotherReference,
        what + ": the statement of " + PayeeName(*p) + " was paid already, with reference " +
            (p->bank_reference.empty() ? std::string("(none: paid at close)") : p->bank_reference)};
  }
  if (p->status != StatementStatus::kApproved) {
    return {Code::kNotPayable, what + ": the statement of " + PayeeName(*p) + " is " +
                                   StatementStatusName(p->status) +
                                   "; finance approves it before it is paid"};
  }
  // The value date: not in the future, and not before the day the period
  // was closed (a bank cannot have paid a statement that did not exist).
  const Timestamp day = 86'400 * kNanosPerSecond;
  if (c.paid_on > ts || c.paid_on + day <= found->at) {
    return {Code::kInvalidPaidOn,
            what + ": the payment date must be between the day the period was closed and today"};
  }
  p->settle = book.NextTransferId();
  programme::book::MustTransfer(
      ledger, {programme::book::Resolve(p->settle, p->transfer, true, c.programme.value())}, ts);
  p->status = StatementStatus::kPaid;
  p->paid_at = ts;
  p->paid_by = c.actor;
  p->paid_on = c.paid_on;
  p->bank_reference = c.bank_reference;
  const Money amount = p->amount;
  const std::string payee = PayeeName(*p);
  undo_.Put(closed_, Key{c.programme, c.period}, std::move(closed));
  return {Code::kOk, what + ": the statement of " + payee + " is paid", 1, amount};
}

}  // namespace bg::settlement
