// Audit cases (fraud/cases.h): the detectors, pure reads of the whole
// state run by the ScanForFraud command, which opens a case per new
// finding, and closing a case. They see what the state holds: the jobs not
// yet archived, and the charge lines of the current and the previous month
// (Settlement::RetireLines): a scan at least monthly sees every line, but a
// relation registered later does not flag lines older than that.
#include <algorithm>

#include "programme/book_util.h"
#include "state/state.h"

namespace bg::state {
namespace {

std::string Id(uint64_t v) { return std::to_string(v); }

}  // namespace

fraud::Outcome State::Apply(const ScanForFraud& /*c*/, Timestamp ts) {
  return fraud::Outcome{.opened = cases_.Open(DetectFraud(), ts)};
}

fraud::Outcome State::Apply(const CloseAuditCase& c, Timestamp ts) { return cases_.Apply(c, ts); }

std::vector<fraud::Finding> State::DetectFraud() const {
  std::vector<fraud::Finding> out;
  // Capacity: sweep each pool's metered intervals for the most cards in
  // use at once.
  std::map<PoolId, std::vector<fraud::Interval>> used;
  for (const auto& [order, meter] : metering_.meters()) {
    const scheduler::Job* job = scheduler_.FindJob(order);
    if (job == nullptr) continue;
    for (const auto& [rid, r] : meter.by_id()) {
      used[job->pool].push_back({r.start_s, r.end_s, r.cards});
    }
  }
  for (const auto& [pool_id, intervals] : used) {
    const network::Pool* pool = network_.FindPool(pool_id);
    const auto [peak, at] = fraud::PeakCards(intervals);
    if (pool != nullptr && peak > pool->cards_total) {
      out.push_back({fraud::Kind::kCapacity, pool_id.value(),
                     "pool " + Id(pool_id.value()) + ": metered usage needs " + Id(peak) +
                         " cards at once at " + Id(at) + " (Unix s); the pool has " +
                         Id(pool->cards_total)});
    }
  }
  // Related parties: subsidised spend at a provider related to the payer.
  for (const settlement::ChargeLine& l : settlement_.lines()) {
    Money subsidy{};
    for (const auto& s : l.subsidy) subsidy = programme::book::Plus(subsidy, s.amount);
    if (subsidy.is_zero()) continue;
    const programme::Provider* p = registry_.FindProvider(l.provider);
    if (p == nullptr) continue;
    auto related = [&](EnterpriseId e) {
      return std::find(p->related_enterprises.begin(), p->related_enterprises.end(), e) !=
             p->related_enterprises.end();
    };
    bool hit = related(l.enterprise);
    for (EnterpriseId linked : registry_.LinksOf(l.enterprise)) hit = hit || related(linked);
    if (hit) {
      out.push_back({fraud::Kind::kRelatedParty, l.order.value(),
                     "order " + Id(l.order.value()) + ": enterprise " + Id(l.enterprise.value()) +
                         " is related to provider " + Id(l.provider.value()) +
                         ", which was paid a subsidy for it"});
    }
  }
  // Double claims: more than one live claim on one order.
  std::map<OrderId, std::vector<ClaimId>> by_order;
  for (const auto& [id, claim] : book_.claims()) {
    if (claim.status != programme::ClaimStatus::kVoided) {
      by_order[claim.request.order].push_back(id);
    }
  }
  for (const auto& [order, claims] : by_order) {
    if (claims.size() < 2) continue;
    std::string ids;
    for (ClaimId c : claims) ids += (ids.empty() ? "" : ", ") + Id(c.value());
    out.push_back({fraud::Kind::kDoubleClaim, order.value(),
                   "order " + Id(order.value()) + " is claimed " + Id(claims.size()) +
                       " times (claims " + ids + ")"});
  }
  // Spending bursts: half a voucher or more redeemed in its last week.
  std::map<VoucherId, Money> late;
  for (const auto& [id, claim] : book_.claims()) {
    if (claim.status == programme::ClaimStatus::kVoided) continue;
    for (const programme::ClaimHold& h : claim.holds) {
      if (h.voucher.is_zero()) continue;
      const programme::Voucher* v = book_.FindVoucher(h.voucher);
      if (v == nullptr || !programme::SpentLate(claim.at, v->expires_at)) continue;
      late[h.voucher] = programme::book::Plus(late[h.voucher], h.amount);
    }
  }
  // And those of claims that left memory, summed as they left.
  for (const auto& [vid, amount] : book_.retired_claims().late) {
    late[vid] = programme::book::Plus(late[vid], amount);
  }
  for (const auto& [vid, amount] : late) {
    const programme::Voucher& v = *book_.FindVoucher(vid);
    if (amount.fen() * 2 >= v.amount.fen() && amount.fen() > 0) {
      out.push_back({fraud::Kind::kExpiryBurst, vid.value(),
                     "voucher " + Id(vid.value()) + ": " + amount.ToYuanString() + " of " +
                         v.amount.ToYuanString() +
                         " redeemed in the last 7 days before it expires"});
    }
  }
  return out;
}

}  // namespace bg::state
