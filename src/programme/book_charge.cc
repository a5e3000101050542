// Metered claims: posting a claim's holds as usage arrives (Book::Charge).
//
// TigerBeetle's rule is one post per hold, so each increment posts part of
// a hold and places a fresh hold for the rest (same accounts, same code):
// the voucher never shows the rest as spendable, even for one event. The
// increment is spread over the holds in proportion to what each still
// holds, whole fen by largest remainder, so stacked programmes pay for
// partial usage in their agreed proportion and every hold reaches its full
// amount exactly when the whole subsidy is charged.
#include <algorithm>

#include "common/apportion.h"
#include "programme/book.h"
#include "programme/book_util.h"

namespace bg::programme {

std::vector<ClaimShare> Book::Charge(ClaimId id, Money subsidy_to_date, Timestamp ts,
                                     ledger::Ledger& ledger) {
  const Claim* found = FindClaim(id);
  BG_CHECK(found != nullptr && found->status == ClaimStatus::kHeld)
      << "charge of claim " << id << ", which is not held";
  Claim claim = *found;
  Money posted{};
  std::vector<int64_t> left;
  for (const ClaimHold& h : claim.holds) {
    posted = book::Plus(posted, h.posted);
    left.push_back(book::Minus(h.amount, h.posted).fen());
  }
  BG_CHECK(subsidy_to_date <= claim.subsidy && posted <= subsidy_to_date)
      << "claim " << id << ": subsidy to date " << subsidy_to_date << " outside [" << posted << ", "
      << claim.subsidy << "]";
  const std::vector<int64_t> take = Apportion(book::Minus(subsidy_to_date, posted).fen(), left);

  std::vector<ledger::Transfer> transfers;
  std::vector<ClaimShare> out;
  for (size_t i = 0; i < claim.holds.size(); ++i) {
    if (take[i] == 0) continue;
    ClaimHold& h = claim.holds[i];
    ledger::Transfer post =
        book::Resolve(NextTransferId(), h.transfer, /*post=*/true, claim.request.order.value());
    post.amount = take[i];
    transfers.push_back(post);
    h.posted = book::Plus(h.posted, Money::Fen(take[i]));
    if (h.posted < h.amount) {
      const bool automatic = h.voucher.is_zero();
      h.transfer = NextTransferId();
      transfers.push_back(book::Move(
          h.transfer, automatic ? BudgetAccount(h.programme) : VoucherAccount(h.voucher),
          PayableAccount(h.programme), book::Minus(h.amount, h.posted),
          claim.request.currency_ledger, automatic ? MoneyCode::kAutoGrant : MoneyCode::kRedeem,
          claim.request.order.value(), ledger::kPending));
    }
    auto same = std::find_if(out.begin(), out.end(),
                             [&](const ClaimShare& s) { return s.programme == h.programme; });
    if (same == out.end()) {
      const auto share =
          std::find_if(claim.shares.begin(), claim.shares.end(),
                       [&](const ClaimShare& s) { return s.programme == h.programme; });
      out.push_back({h.programme, share == claim.shares.end() ? JurisdictionId() : share->issuer,
                     Money::Fen(take[i])});
    } else {
      same->amount = book::Plus(same->amount, Money::Fen(take[i]));
    }
  }
  if (transfers.empty()) return out;
  // Each post and its re-hold are linked: both or neither.
  book::MustTransfer(ledger, std::move(transfers), ts);
  StoreClaim(std::move(claim));
  return out;
}

}  // namespace bg::programme
