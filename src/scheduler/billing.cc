// Billing of running jobs from metered usage (Scheduler::Bill). The charge
// is a function of cumulative card-seconds only (metering/usage.h), so the
// order in which usage arrives never changes what is owed; each call posts
// the difference from the last.
//
// Point of sale: voucher share + co-pay = charge. Reimbursement: the
// enterprise pays the whole charge (co-pay = charge) and the voucher share
// is posted to the programme's payable all the same, to be paid back to
// the enterprise when the period closes (settlement/).
#include <algorithm>

#include "metering/usage.h"
#include "programme/accounts.h"
#include "programme/book_util.h"
#include "scheduler/scheduler.h"

namespace bg::scheduler {

Money CopayHeldInAll(const Job& job) {
  return programme::book::Plus(programme::book::Plus(job.out_of_pocket, job.reimbursed),
                               job.extension_list);
}

uint64_t WalltimeS(const Job& job) { return (job.end_at - job.start_at) / kNanosPerSecond; }

JobOutcome Scheduler::Apply(const ExtendJob& c, World w, Timestamp ts) {
  const std::string name = "job " + std::to_string(c.id.value());
  const Job* found = FindJob(c.id);
  if (found == nullptr) return NotFound(c.id);
  if (found->status != JobStatus::kRunning) {
    return JobOutcome{
        .code = found->status == JobStatus::kQueued ? Code::kNotRunning : Code::kAlreadyEnded,
        .message = name + " is " + JobStatusName(found->status)};
  }
  if (c.extra_s == 0 || c.extra_s > 366 * 86'400) {
    return JobOutcome{.code = Code::kAbsurdSize,
                      .message = name + ": an extension is 1 s to 366 days"};
  }
  Job job = *found;
  const Money extra = ListCost(job.price, job.submitted.request.cards, c.extra_s);
  const Money oop = programme::book::Plus(job.out_of_pocket, job.extension_list);
  const std::optional<Money>& ceiling = job.submitted.request.max_out_of_pocket;
  if (ceiling && programme::book::Plus(oop, extra) > *ceiling) {
    job.stop = true;
    PutJob(std::move(job));
    return JobOutcome{.code = Code::kOverCeiling,
                      .message = name + ": " + extra.ToYuanString() +
                                 " more would pass the cost ceiling of " + ceiling->ToYuanString() +
                                 "; the job must stop at its end",
                      .status = JobStatus::kRunning};
  }
  // The co-pay hold grows: the open hold is voided and held again with the
  // extension added (wallets have no limit, so this cannot fail).
  const network::Pool& pool = *w.network.FindPool(job.pool);
  const ProviderId provider = w.network.FindSite(pool.site)->provider;
  const AccountId wallet = programme::WalletAccount(job.submitted.request.enterprise);
  const AccountId owed = programme::ProviderReceivableAccount(provider);
  Timestamp at = ts;
  if (w.ledger.FindAccount(wallet) == nullptr) {
    programme::book::MustOpenAccount(w.ledger, wallet, programme::kLedgerCny,
                                     programme::AccountKind::kWallet,
                                     job.submitted.request.enterprise.value(), 0, at++);
  }
  if (w.ledger.FindAccount(owed) == nullptr) {
    programme::book::MustOpenAccount(w.ledger, owed, programme::kLedgerCny,
                                     programme::AccountKind::kProviderReceivable, provider.value(),
                                     0, at++);
  }
  const Money held = programme::book::Minus(CopayHeldInAll(job), job.copay_charged);
  std::vector<ledger::Transfer> transfers;
  if (!job.copay_hold.is_zero()) {
    transfers.push_back(programme::book::Resolve(w.book.NextTransferId(), job.copay_hold,
                                                 /*post=*/false, c.id.value()));
  }
  job.copay_hold = w.book.NextTransferId();
  transfers.push_back(programme::book::Move(
      job.copay_hold, wallet, owed, programme::book::Plus(held, extra), programme::kLedgerCny,
      programme::MoneyCode::kCoPay, c.id.value(), ledger::kPending));
  programme::book::MustTransfer(w.ledger, std::move(transfers), at);
  AddUse(job.pool, job.end_at, job.submitted.request.cards, false);
  job.end_at += uint64_t{c.extra_s} * kNanosPerSecond;
  AddUse(job.pool, job.end_at, job.submitted.request.cards, true);
  job.extension_list = programme::book::Plus(job.extension_list, extra);
  job.stop = false;
  PutJob(std::move(job));
  return JobOutcome{.message = name + " extended by " + std::to_string(c.extra_s) + " s (" +
                               extra.ToYuanString() + " more, the enterprise's)",
                    .status = JobStatus::kRunning};
}

Scheduler::Billed Scheduler::Bill(OrderId id, uint64_t card_seconds, World w, Timestamp ts) {
  const Job* found = FindJob(id);
  BG_CHECK(found != nullptr && found->status == JobStatus::kRunning)
      << "bill of job " << id << ", which is not running";
  Job job = *found;
  const uint64_t reserved = uint64_t{job.submitted.request.cards} * WalltimeS(job);
  BG_CHECK(card_seconds >= job.card_seconds && card_seconds <= reserved)
      << "job " << id << ": usage " << card_seconds << " card-seconds outside [" << job.card_seconds
      << ", " << reserved << "]";
  const std::optional<Money> charge = metering::Charge(card_seconds, job.price);
  const Money list = programme::book::Plus(job.list_cost, job.extension_list);
  BG_CHECK(charge.has_value() && *charge <= list)
      << "job " << id << ": the charge passes the list cost";
  // The claim covers the reservation it was made for, at its ratio; time
  // added by an extension is the enterprise's.
  const Money covered = std::min(*charge, job.list_cost);
  const Money voucher = metering::VoucherPart(covered, job.subsidy, job.list_cost);
  // The provider is paid the point-of-sale share by the programmes and the
  // rest, reimbursed part included, by the enterprise.
  const Money at_sale = metering::VoucherPart(
      covered, programme::book::Minus(job.subsidy, job.reimbursed), job.list_cost);
  const Money copay = programme::book::Minus(*charge, at_sale);

  Billed out;
  out.charge = programme::book::Minus(*charge, job.charged);
  if (!job.claim.is_zero() && voucher > job.voucher_charged) {
    out.subsidy = w.book.Charge(job.claim, voucher, ts, w.ledger);
  }
  out.copay = programme::book::Minus(copay, job.copay_charged);
  if (out.copay.fen() > 0) {
    BG_CHECK(!job.copay_hold.is_zero()) << "job " << id << ": a co-pay with no hold";
    const uint64_t ref = id.value();
    ledger::Transfer post = programme::book::Resolve(w.book.NextTransferId(), job.copay_hold,
                                                     /*post=*/true, ref);
    post.amount = out.copay.fen();
    std::vector<ledger::Transfer> transfers{post};
    const Money rest = programme::book::Minus(CopayHeldInAll(job), copay);
    if (rest.fen() > 0) {
      job.copay_hold = w.book.NextTransferId();
      const ledger::Transfer& held = w.ledger.FindTransfer(post.pending_id)->transfer;
      transfers.push_back(programme::book::Move(
          job.copay_hold, held.debit_account_id, held.credit_account_id, rest, held.ledger.value(),
          programme::MoneyCode::kCoPay, ref, ledger::kPending));
    } else {
      job.copay_hold = TransferId();
    }
    programme::book::MustTransfer(w.ledger, std::move(transfers),
                                  ts + programme::Book::kChargeEvents);
  }
  job.metered = true;
  job.card_seconds = card_seconds;
  job.charged = *charge;
  job.voucher_charged = voucher;
  job.copay_charged = copay;
  PutJob(std::move(job));
  return out;
}

}  // namespace bg::scheduler
