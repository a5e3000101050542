// Subsidy claims on orders: which programmes apply, the subsidy calculation
// (subsidy.h) over them, holds on the vouchers drawn (or on the budget for
// automatic grants), capture or void, and clawback.
#include <algorithm>

#include "common/check.h"
#include "programme/book.h"
#include "programme/book_util.h"
#include "programme/controls.h"

namespace bg::programme {
namespace {

using book::Minus;
using book::Plus;
using book::ProgName;
using book::Refuse;

std::string ClaimName(ClaimId id) { return "claim " + std::to_string(id.value()); }

std::string JoinMessages(const std::vector<LeftOut>& left_out) {
  std::string out;
  for (const LeftOut& o : left_out) {
    if (!out.empty()) out += "; ";
    out += o.why.message;
  }
  return out;
}

}  // namespace

struct Book::Plan {
  Outcome refusal;  // code kOk: the plan can be applied
  SubsidyResult result;
  std::vector<ClaimShare> shares;
  std::vector<ClaimHold> holds;  // transfer ids are assigned when applied
  std::string notes;             // programmes left out, and why
};

std::vector<JurisdictionId> Book::AlreadyPaid(OrderId order) const {
  std::vector<JurisdictionId> paid;
  auto it = claims_by_order_.find(order);
  if (it == claims_by_order_.end()) return paid;
  for (ClaimId id : it->second) {
    const Claim& claim = claims_.at(id);
    if (claim.status == ClaimStatus::kVoided) continue;
    for (const ClaimShare& s : claim.shares) {
      if (s.amount.fen() > 0) paid.push_back(s.issuer);
    }
  }
  return paid;
}

// The programmes that may pay for this claim, resolved for the applicant,
// the provider and the resource class; the holder's live vouchers; and the
// programmes left out, each with the rule that excluded it.
std::vector<ProgrammeTerms> Book::ApplicableTerms(const Redeem& c, const Registry& registry,
                                                  Timestamp ts, const ledger::Ledger& ledger,
                                                  std::vector<VoucherBalance>* vouchers,
                                                  std::vector<LeftOut>* excluded,
                                                  uint32_t* ceiling_bp) const {
  const Enterprise& e = *registry.FindEnterprise(c.enterprise);
  const Provider& provider = *registry.FindProvider(c.provider);
  const int32_t year = YearOf(ts);
  const std::vector<JurisdictionId> home_parents = registry.ParentsOf(e.applicant.home);
  const std::vector<JurisdictionId> provider_parents = registry.ParentsOf(provider.home);
  std::vector<ProgrammeTerms> terms;
  const Spend spend = c.facility.is_zero() ? Spend::kCompute : Spend::kFacilities;
  for (const auto& [pid, latest] : registry.programmes()) {
    // A compute voucher and an innovation voucher never pay for each
    // other's orders; no note, as neither was ever meant to.
    if (latest.covers.spend != spend) continue;
    const bool automatic = latest.redemption == RedemptionMode::kAutomaticGrant;
    std::vector<VoucherBalance> mine;
    Money held_by_vouchers{};
    // The terms: an automatic grant's in force now; a voucher's are those
    // of the version it was granted under (lifecycle.h). One claim draws
    // on the vouchers of one version, that of the voucher expiring first,
    // so that one set of terms prices it; the others pay on later claims.
    const ProgrammeVersion* version = nullptr;
    if (automatic) {
      version = registry.VersionAt(pid, ts);
      if (!CheckEligible(version->rules, e.applicant, ts, home_parents).ok()) continue;
      if (registry.StatusOf(pid) != ProgrammeStatus::kActive) {
        excluded->push_back(
            {pid, Refuse(Code::kProgrammeSuspended,
                         ProgName(latest) + " is " +
                             std::string(NameOf(kProgrammeStatusNames, registry.StatusOf(pid))) +
                             ": no automatic grant (免申即享) meanwhile")});
        continue;
      }
    } else {
      auto held = by_holder_.find(c.enterprise);
      const std::vector<VoucherId> none;
      const Voucher* first = nullptr;
      for (VoucherId vid : held == by_holder_.end() ? none : held->second) {
        const Voucher& v = vouchers_.at(vid);
        if (v.programme != pid || v.status != VoucherStatus::kLive || ts >= v.expires_at) {
          continue;
        }
        const Money left = Available(ledger, VoucherAccount(vid));
        if (left.fen() <= 0) continue;
        if (first == nullptr || v.expires_at < first->expires_at) first = &v;
        mine.push_back({vid, pid, left, v.expires_at});
      }
      if (mine.empty()) continue;
      std::erase_if(mine, [&](const VoucherBalance& b) {
        return vouchers_.at(b.voucher).version != first->version;
      });
      for (const VoucherBalance& b : mine) held_by_vouchers = Plus(held_by_vouchers, b.balance);
      version = registry.FindVersion(pid, first->version);
    }
    BG_CHECK(version != nullptr) << ProgName(latest) << " has no version for the claim";
    const ProgrammeRules& rules = version->rules;
    const uint32_t currency = registry.FindJurisdiction(rules.issuer)->currency_ledger;
    if (currency != c.currency_ledger) {
      excluded->push_back(
          {pid, Refuse(Code::kCurrencyMismatch,
                       ProgName(rules) + " pays on ledger " + std::to_string(currency) +
                           ", the order is on ledger " + std::to_string(c.currency_ledger))});
      continue;
    }
    if (ts < rules.valid_from || ts >= rules.valid_until) {
      excluded->push_back({pid, Refuse(Code::kNotInForce, ProgName(rules) + " is not in force")});
      continue;
    }
    if (Status s =
            CheckProvider(rules, provider.id, provider.home, provider.platforms, provider_parents);
        !s.ok()) {
      excluded->push_back({pid, Refuse(Code::kProviderNotAllowed, s.message())});
      continue;
    }
    if (Status s = CheckCovers(rules, c.facility.is_zero() ? "" : c.facility_kind); !s.ok()) {
      excluded->push_back({pid, Refuse(Code::kNotCovered, s.message())});
      continue;
    }
    if (Status s = CheckPurpose(rules, c.purpose); !s.ok()) {
      excluded->push_back({pid, Refuse(Code::kPurposeNotFunded, s.message())});
      continue;
    }
    ProgrammeTerms t{.programme = pid,
                     .issuer = rules.issuer,
                     .level = rules.level,
                     .ratio_bp = RatioFor(rules, e.applicant, c.resource),
                     .per_order_cap = rules.per_order_cap,
                     .automatic = automatic};
    *ceiling_bp = std::min(*ceiling_bp, rules.combined_ceiling_bp);
    if (std::optional<Money> cap = EntityYearCapFor(rules, e.applicant)) {
      const Money used = UsedByGroup(pid, c.enterprise, year, registry);
      t.entity_year_cap_left = used >= *cap ? Money{} : Minus(*cap, used);
    }
    if (automatic) {
      Money left = Available(ledger, BudgetAccount(pid));
      if (rules.yearly_budget) {
        const Money granted = GrantedInYear(pid, year);
        left = std::min(
            left, granted >= *rules.yearly_budget ? Money{} : Minus(*rules.yearly_budget, granted));
      }
      t.budget_left = left;
    } else {
      // The budget for this holder was committed when the vouchers were
      // granted: what is left of it is what the vouchers hold.
      t.budget_left = held_by_vouchers;
    }
    terms.push_back(t);
    vouchers->insert(vouchers->end(), mine.begin(), mine.end());
  }
  return terms;
}

SubsidyTerms Book::PrepareSubsidy(const Redeem& c, const Registry& registry, Timestamp ts,
                                  const ledger::Ledger& ledger) const {
  SubsidyTerms terms;
  const Enterprise* e = registry.FindEnterprise(c.enterprise);
  const Provider* provider = registry.FindProvider(c.provider);
  if (e == nullptr) {
    terms.refusal =
        Refuse(Code::kUnknownEnterprise, "no enterprise " + std::to_string(c.enterprise.value()));
    return terms;
  }
  if (provider == nullptr) {
    terms.refusal =
        Refuse(Code::kUnknownProvider, "no provider " + std::to_string(c.provider.value()));
    return terms;
  }
  // The controls come before the amount: an order priced at 0 (one card
  // for a second rounds to 0 fen) meets them as any other does.
  if (const BlacklistEntry* b = FindBlacklisted(c.enterprise)) {
    terms.refusal =
        Refuse(Code::kBlacklisted, "enterprise " + std::to_string(c.enterprise.value()) + " (" +
                                       e->name + ") is blacklisted: " + b->reason);
    return terms;
  }
  if (Status s = CheckNotRelated(*e, *provider); !s.ok()) {
    terms.refusal = Refuse(Code::kRelatedParty, s.message());
    return terms;
  }
  if (c.amount.fen() <= 0) {
    terms.refusal = Refuse(Code::kAmountMustBePositive,
                           "the order amount must be positive, got " + c.amount.ToYuanString());
    return terms;
  }
  SubsidyRequest& req = terms.request;
  req = SubsidyRequest{.amount = c.amount, .at = ts, .already_subsidised = AlreadyPaid(c.order)};
  std::vector<LeftOut>& excluded = terms.left_out;
  req.programmes =
      ApplicableTerms(c, registry, ts, ledger, &req.vouchers, &excluded, &req.combined_ceiling_bp);
  terms.notes = JoinMessages(excluded);
  if (req.programmes.empty()) {
    terms.refusal =
        excluded.empty()
            ? Refuse(Code::kNoVoucher,
                     "enterprise " + std::to_string(c.enterprise.value()) + " holds no live " +
                         (c.facility.is_zero() ? "voucher" : "innovation voucher for facilities") +
                         " and no automatic grant applies")
            : Refuse(excluded.front().why.code, terms.notes);
    return terms;
  }
  return terms;
}

Book::Plan Book::PlanRedemption(const Redeem& c, const Registry& registry, Timestamp ts,
                                const ledger::Ledger& ledger) const {
  Plan plan;
  SubsidyTerms terms = PrepareSubsidy(c, registry, ts, ledger);
  plan.notes = std::move(terms.notes);
  if (!terms.refusal.ok()) {
    plan.refusal = std::move(terms.refusal);
    return plan;
  }
  const SubsidyRequest& req = terms.request;
  Result<SubsidyResult> result = ComputeSubsidy(req);
  BG_CHECK(result.ok()) << "subsidy of " << ClaimName(c.id) << ": " << result.status();
  plan.result = std::move(*result);
  for (const ProgrammeShare& share : plan.result.shares) {
    plan.shares.push_back({share.programme, share.issuer, share.amount});
    if (share.amount.fen() == 0) continue;
    if (share.draws.empty()) plan.holds.push_back({share.programme, VoucherId(), {}, share.amount});
    for (const VoucherDraw& d : share.draws) {
      if (d.amount.fen() > 0) plan.holds.push_back({share.programme, d.voucher, {}, d.amount});
    }
  }
  if (plan.holds.size() > kMaxClaimHolds) {
    plan.refusal =
        Refuse(Code::kTooManyVouchers,
               ClaimName(c.id) + " would draw on " + std::to_string(plan.holds.size()) +
                   " vouchers; at most " + std::to_string(kMaxClaimHolds) + " per claim");
  }
  return plan;
}

// The answer to a quote or a claim: the calculation, explained, and the
// programmes left out with their rules.
Outcome Book::Explained(Plan plan) {
  Outcome out{.message = plan.result.Explain()};
  if (!plan.notes.empty()) out.message += "left out: " + plan.notes;
  out.subsidy = std::move(plan.result);
  return out;
}

Outcome Book::Quote(const Redeem& c, const Registry& registry, Timestamp ts,
                    const ledger::Ledger& ledger) const {
  Plan plan = PlanRedemption(c, registry, ts, ledger);
  if (!plan.refusal.ok()) return plan.refusal;
  return Explained(std::move(plan));
}

Outcome Book::Apply(const Redeem& c, const Registry& registry, Timestamp ts,
                    ledger::Ledger& ledger) {
  if (c.id.is_zero()) return Refuse(Code::kIdMustNotBeZero, "a claim needs an id");
  if (const Claim* old = FindClaim(c.id)) {
    if (old->request != c) {
      return Refuse(Code::kExistsWithDifferentBody,
                    ClaimName(c.id) + " exists with a different order, party or amount");
    }
    return Refuse(Code::kExists, ClaimName(c.id) + " exists: subsidy " +
                                     old->subsidy.ToYuanString() + ", " +
                                     ClaimStatusName(old->status));
  }
  Plan plan = PlanRedemption(c, registry, ts, ledger);
  if (!plan.refusal.ok()) return plan.refusal;

  std::vector<ledger::Transfer> transfers;
  for (ClaimHold& h : plan.holds) {
    h.transfer = NextTransferId();
    const bool automatic = h.voucher.is_zero();
    transfers.push_back(book::Move(
        h.transfer, automatic ? BudgetAccount(h.programme) : VoucherAccount(h.voucher),
        PayableAccount(h.programme), h.amount, c.currency_ledger,
        automatic ? MoneyCode::kAutoGrant : MoneyCode::kRedeem, c.order.value(), ledger::kPending));
  }
  book::MustTransfer(ledger, std::move(transfers), ts);

  const int32_t year = YearOf(ts);
  for (const ClaimHold& h : plan.holds) {
    AddUsage(h.programme, c.enterprise, year, h.amount.fen());
    if (h.voucher.is_zero()) AddGranted(h.programme, year, h.amount.fen());
  }
  Claim claim{.request = c,
              .at = ts,
              .year = year,
              .subsidy = plan.result.subsidy,
              .shares = std::move(plan.shares),
              .holds = std::move(plan.holds)};
  IndexByOrder(claim);
  StoreClaim(std::move(claim));

  return Explained(std::move(plan));
}

Outcome Book::Apply(const SettleClaim& c, const Registry& registry, Timestamp ts,
                    ledger::Ledger& ledger) {
  const Claim* found = FindClaim(c.id);
  if (found == nullptr) return Refuse(Code::kUnknownClaim, "no " + ClaimName(c.id));
  if (found->status != ClaimStatus::kHeld) {
    return Refuse(Code::kClaimNotHeld,
                  ClaimName(c.id) + " is " + ClaimStatusName(found->status) + " already");
  }
  Claim claim = *found;
  std::vector<ledger::Transfer> resolves;
  Money posted{};
  for (const ClaimHold& h : claim.holds) {
    posted = book::Plus(posted, h.posted);
    // A hold metering has posted in full is closed already.
    if (h.posted == h.amount) continue;
    resolves.push_back(
        book::Resolve(NextTransferId(), h.transfer, c.capture, claim.request.order.value()));
  }
  const size_t n = resolves.size();
  book::MustTransfer(ledger, std::move(resolves), ts);
  if (c.capture) {
    claim.status = ClaimStatus::kCaptured;
    for (ClaimHold& h : claim.holds) h.posted = h.amount;
  } else {
    // What metering posted stays spent; the rest, and the usage it counted,
    // is free again. What it releases onto a voucher that has expired or
    // been revoked meanwhile is swept at once.
    claim.status = posted.is_zero() ? ClaimStatus::kVoided : ClaimStatus::kCaptured;
    size_t event = n;
    for (ClaimHold& h : claim.holds) {
      const Money released = book::Minus(h.amount, h.posted);
      if (released.is_zero()) continue;
      AddUsage(h.programme, claim.request.enterprise, claim.year, -released.fen());
      if (h.voucher.is_zero()) {
        AddGranted(h.programme, claim.year, -released.fen());
      } else {
        const Voucher& v = vouchers_.at(h.voucher);
        if (v.status == VoucherStatus::kExpired || v.status == VoucherStatus::kRevoked) {
          const ProgrammeRules& rules = registry.FindVersion(v.programme, v.version)->rules;
          Sweep(v, rules,
                v.status == VoucherStatus::kRevoked ? MoneyCode::kRevoke : MoneyCode::kLapse,
                ts + event++, ledger);
        }
      }
      if (claim.status == ClaimStatus::kCaptured) h.amount = h.posted;
    }
    if (claim.status == ClaimStatus::kCaptured) {
      // The claim is what was spent: its shares and subsidy follow.
      for (ClaimShare& s : claim.shares) {
        s.amount = Money{};
        for (const ClaimHold& h : claim.holds) {
          if (h.programme == s.programme) s.amount = book::Plus(s.amount, h.amount);
        }
      }
      claim.subsidy = posted;
    }
  }
  StoreClaim(std::move(claim));
  return {};
}

Outcome Book::Apply(const Clawback& c, const Registry& registry, Timestamp ts,
                    ledger::Ledger& ledger) {
  const Claim* found = FindClaim(c.claim);
  if (found == nullptr) return Refuse(Code::kUnknownClaim, "no " + ClaimName(c.claim));
  return ClawBack(*found, c, registry, ts, ledger, false);
}

Outcome Book::ClawBack(Claim claim, const Clawback& c, const Registry& registry, Timestamp ts,
                       ledger::Ledger& ledger, bool from_archive) {
  if (c.reason.empty()) {
    return Refuse(Code::kReasonRequired, "clawback of " + ClaimName(c.claim) + " needs a reason");
  }
  if (claim.status != ClaimStatus::kCaptured) {
    return Refuse(Code::kClaimNotCaptured, ClaimName(c.claim) + " is " +
                                               ClaimStatusName(claim.status) +
                                               "; only a captured subsidy can be clawed back");
  }
  if (from_archive) {
    // Back into memory: what it counted among the claims that left is
    // counted by the claim again.
    CountRetired(claim, -1);
    IndexByOrder(claim);
  }
  Timestamp at = ts;
  for (const ClaimShare& s : claim.shares) {
    if (s.amount.fen() == 0) continue;
    const AccountId receivable =
        ReceivableFor(s.programme, claim.request.enterprise, registry, at++, ledger);
    book::MustTransfer(ledger,
                       {book::Move(NextTransferId(), receivable, BudgetAccount(s.programme),
                                   s.amount, claim.request.currency_ledger, MoneyCode::kClawback,
                                   claim.request.order.value())},
                       at++);
  }
  claim.status = ClaimStatus::kClawedBack;
  claim.reason = c.actor + ": " + c.reason;
  StoreClaim(std::move(claim));
  return {};
}

}  // namespace bg::programme
