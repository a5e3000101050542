// Billing of running jobs from metered usage (Scheduler::Bill). The charge
// is a function of cumulative card-seconds only (metering/usage.h), so the
// order in which usage arrives never changes what is owed; each call posts
// the difference from the last.
//
// Point of sale: voucher share + co-pay = charge. Reimbursement: the
// enterprise pays the whole charge (co-pay = charge) and the voucher share
// is posted to the programme's payable all the same, to be paid back to
// the enterprise when the period closes (settlement/).
#include "metering/usage.h"
#include "programme/accounts.h"
#include "programme/book_util.h"
#include "scheduler/scheduler.h"

namespace bg::scheduler {

Scheduler::Billed Scheduler::Bill(OrderId id, uint64_t card_seconds, World w, Timestamp ts) {
  const Job* found = FindJob(id);
  BG_CHECK(found != nullptr && found->status == JobStatus::kRunning)
      << "bill of job " << id << ", which is not running";
  Job job = *found;
  const uint64_t reserved =
      uint64_t{job.submitted.request.cards} * job.submitted.request.walltime_s;
  BG_CHECK(card_seconds >= job.card_seconds && card_seconds <= reserved)
      << "job " << id << ": usage " << card_seconds << " card-seconds outside [" << job.card_seconds
      << ", " << reserved << "]";
  const std::optional<Money> charge = metering::Charge(card_seconds, job.price);
  BG_CHECK(charge.has_value() && *charge <= job.list_cost)
      << "job " << id << ": the charge passes the list cost";
  const Money voucher = metering::VoucherPart(*charge, job.subsidy, job.list_cost);
  // The provider is paid the point-of-sale share by the programmes and the
  // rest, reimbursed part included, by the enterprise.
  const Money at_sale = metering::VoucherPart(
      *charge, programme::book::Minus(job.subsidy, job.reimbursed), job.list_cost);
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
    const Money rest =
        programme::book::Minus(programme::book::Plus(job.out_of_pocket, job.reimbursed), copay);
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
