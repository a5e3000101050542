// Claims leaving memory (Book::RetireClaim, retired_claims.h): a settled
// claim leaves with its job for the store's archive, and what the readers of
// claims count of it is added to the book's sums; a clawback of such a claim
// brings it back (Book::ClawBackArchived), taking its part out of the sums
// again. A held claim never leaves: it still holds money and is settled in
// memory.
#include <algorithm>
#include <chrono>
#include <map>

#include "common/check.h"
#include "programme/book.h"
#include "programme/book_util.h"

namespace bg::programme {
namespace {

using book::Refuse;

constexpr int64_t kChinaOffsetS = int64_t{8} * 3600;
constexpr int64_t kDayS = 86'400;

// The programmes whose holds of `claim` posted money, sorted and distinct.
std::vector<ProgrammeId> PostedBy(const Claim& claim) {
  std::vector<ProgrammeId> out;
  for (const ClaimHold& h : claim.holds) {
    if (h.posted.fen() > 0) out.push_back(h.programme);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

// Whether each programme's share of `claim` is what its holds hold, and the
// subsidy their sum: so it is for every settled claim (Book::Apply(Redeem),
// SettleClaim), and a clawback moves the shares.
bool SharesAreHolds(const Claim& claim) {
  std::map<ProgrammeId, Money> held;
  for (const ClaimHold& h : claim.holds) {
    held[h.programme] = book::Plus(held[h.programme], h.amount);
  }
  Money total{};
  for (const ClaimShare& s : claim.shares) {
    auto it = held.find(s.programme);
    if ((it == held.end() ? Money{} : it->second) != s.amount) return false;
    if (it != held.end()) held.erase(it);
    total = book::Plus(total, s.amount);
  }
  for (const auto& [programme, amount] : held) {
    if (!amount.is_zero()) return false;
  }
  return total == claim.subsidy;
}

// `m` times `sign` (+1 or -1).
Money Signed(Money m, int sign) { return sign > 0 ? m : Money::Fen(-m.fen()); }

}  // namespace

int32_t CstDayOf(Timestamp at) {
  const auto secs = static_cast<int64_t>(at / kNanosPerSecond) + kChinaOffsetS;
  return static_cast<int32_t>(secs / kDayS);
}

Timestamp CstDayStart(int32_t day) {
  const int64_t secs = int64_t{day} * kDayS - kChinaOffsetS;
  return secs <= 0 ? 0 : static_cast<Timestamp>(secs) * kNanosPerSecond;
}

bool Book::RetireClaim(ClaimId id, std::vector<Claim>* out) {
  auto it = claims_.find(id);
  // A held claim is still to be settled; a clawed-back one stays too: they
  // are few, and the activity feed names who a clawback concerned.
  if (it == claims_.end() || it->second.status == ClaimStatus::kHeld ||
      it->second.status == ClaimStatus::kClawedBack) {
    return false;
  }
  Claim claim = it->second;
  CountRetired(claim, +1);
  // The order's index loses the claim (the job's order has no other).
  std::vector<ClaimId> by_order = claims_by_order_.at(claim.request.order);
  by_order.erase(std::remove(by_order.begin(), by_order.end(), id), by_order.end());
  if (by_order.empty()) {
    undo_.Erase(claims_by_order_, claim.request.order);
  } else {
    undo_.Put(claims_by_order_, claim.request.order, std::move(by_order));
  }
  undo_.Erase(claims_, id);
  out->push_back(std::move(claim));
  return true;
}

Outcome Book::ClawBackArchived(const Clawback& c, const Registry& registry, Timestamp ts,
                               ledger::Ledger& ledger) {
  BG_CHECK(FindClaim(c.claim) == nullptr) << "claim " << c.claim << " is in memory";
  const std::string name = "claim " + std::to_string(c.claim.value());
  if (c.archived.empty()) {
    return Refuse(Code::kArchivedClaimMismatch,
                  name + " left memory with its job; its clawback carries the archived claim");
  }
  Claim claim;
  Reader r(c.archived);
  if (!DecodeClaim(r, &claim) || !r.done() || claim.request.id != c.claim) {
    return Refuse(Code::kArchivedClaimMismatch,
                  "the archived claim carried is not " + name + " (it does not decode as it)");
  }
  // A claim that left was settled, its shares are its holds, and what it
  // counts must be among the sums that left with it.
  if (claim.status == ClaimStatus::kHeld || !SharesAreHolds(claim) || !RetiredCovers(claim)) {
    return Refuse(Code::kArchivedClaimMismatch,
                  "the archived claim carried is not the " + name + " that left memory");
  }
  return ClawBack(std::move(claim), c, registry, ts, ledger, true);
}

void Book::IndexByOrder(const Claim& claim) {
  // Not operator[]: an entry it made would escape the undo log.
  auto it = claims_by_order_.find(claim.request.order);
  std::vector<ClaimId> by_order =
      it == claims_by_order_.end() ? std::vector<ClaimId>{} : it->second;
  by_order.push_back(claim.request.id);
  undo_.Put(claims_by_order_, claim.request.order, std::move(by_order));
}

void Book::CountRetired(const Claim& claim, int sign) {
  // A voided claim spent nothing: the readers skip it, so do the sums.
  if (claim.status == ClaimStatus::kVoided) return;
  // Each entry moves by `delta`; one that comes to zero leaves, so that a
  // claim that leaves and comes back leaves the sums as they were.
  auto add = [&]<typename K, typename V>(std::map<K, V>& map, const K& key, auto change) {
    auto it = map.find(key);
    V value = it == map.end() ? V{} : it->second;
    change(value);
    if (value == V{}) {
      if (it != map.end()) undo_.Erase(map, key);
    } else {
      undo_.Put(map, key, value);
    }
  };
  const int32_t day = CstDayOf(claim.at);
  for (const ClaimHold& h : claim.holds) {
    const Money amount = Signed(h.amount, sign);
    add(retired_.days, RetiredClaims::DayKey{h.programme, day}, [&](RetiredClaims::Day& d) {
      Money& slot = h.voucher.is_zero() ? d.automatic : d.vouchered;
      slot = book::Plus(slot, amount);
    });
    add(retired_.parties,
        RetiredClaims::PartyKey{h.programme, claim.request.enterprise, claim.request.provider,
                                claim.year},
        [&](Money& m) { m = book::Plus(m, amount); });
    if (h.voucher.is_zero()) continue;
    const Voucher* v = FindVoucher(h.voucher);
    BG_CHECK(v != nullptr) << "claim " << claim.request.id << " draws on unknown voucher "
                           << h.voucher;
    if (SpentLate(claim.at, v->expires_at)) {
      add(retired_.late, h.voucher, [&](Money& m) { m = book::Plus(m, amount); });
    }
  }
  std::vector<ProgrammeId> mix = PostedBy(claim);
  if (!mix.empty()) {
    add(retired_.mixes, mix, [&](uint64_t& n) { n = sign > 0 ? n + 1 : n - 1; });
  }
}

bool Book::RetiredCovers(const Claim& claim) const {
  if (claim.status == ClaimStatus::kVoided) return true;
  // What the claim would take out of each entry, summed first: two holds
  // of one programme take from one entry.
  std::map<RetiredClaims::DayKey, RetiredClaims::Day> days;
  std::map<RetiredClaims::PartyKey, Money> parties;
  std::map<VoucherId, Money> late;
  for (const ClaimHold& h : claim.holds) {
    if (h.amount.is_negative()) return false;
    if (h.amount.is_zero()) continue;  // it counted nothing, and left no entry
    if (!h.voucher.is_zero()) {
      const Voucher* v = FindVoucher(h.voucher);
      if (v == nullptr) return false;
      if (SpentLate(claim.at, v->expires_at)) {
        late[h.voucher] = book::Plus(late[h.voucher], h.amount);
      }
    }
    RetiredClaims::Day& d = days[{h.programme, CstDayOf(claim.at)}];
    Money& slot = h.voucher.is_zero() ? d.automatic : d.vouchered;
    slot = book::Plus(slot, h.amount);
    Money& p = parties[{h.programme, claim.request.enterprise, claim.request.provider, claim.year}];
    p = book::Plus(p, h.amount);
  }
  for (const auto& [key, want] : days) {
    auto it = retired_.days.find(key);
    if (it == retired_.days.end() || it->second.automatic < want.automatic ||
        it->second.vouchered < want.vouchered) {
      return false;
    }
  }
  for (const auto& [key, want] : parties) {
    auto it = retired_.parties.find(key);
    if (it == retired_.parties.end() || it->second < want) return false;
  }
  for (const auto& [voucher, want] : late) {
    auto it = retired_.late.find(voucher);
    if (it == retired_.late.end() || it->second < want) return false;
  }
  const std::vector<ProgrammeId> mix = PostedBy(claim);
  return mix.empty() || retired_.mixes.count(mix) != 0;
}

}  // namespace bg::programme
