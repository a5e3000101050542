#include "programme/subsidy.h"

#include <algorithm>
#include <set>

#include "common/check.h"

namespace bg::programme {
namespace {

__extension__ using Int128 = __int128;

// floor(amount × bp / 10,000): a share never exceeds its ratio.
Money ShareOf(Money amount, uint32_t bp) {
  const Int128 fen = Int128{amount.fen()} * bp / kFullRatioBp;
  return Money::Fen(static_cast<int64_t>(fen));
}

Status Validate(const SubsidyRequest& r) {
  if (r.amount.fen() <= 0) {
    return InvalidArgument("amount must be positive, got " + r.amount.ToYuanString() + " yuan");
  }
  if (r.combined_ceiling_bp > kFullRatioBp) {
    return InvalidArgument("combined ceiling " + std::to_string(r.combined_ceiling_bp) +
                           " bp is above 100%");
  }
  for (const ProgrammeTerms& p : r.programmes) {
    const std::string who = "programme " + std::to_string(p.programme.value());
    if (p.ratio_bp > kFullRatioBp) {
      return InvalidArgument(who + ": ratio " + std::to_string(p.ratio_bp) + " bp is above 100%");
    }
    if ((p.per_order_cap && p.per_order_cap->is_negative()) ||
        (p.entity_year_cap_left && p.entity_year_cap_left->is_negative()) ||
        p.budget_left.is_negative()) {
      return InvalidArgument(who + ": caps and budget must not be negative");
    }
  }
  for (const VoucherBalance& v : r.vouchers) {
    if (v.balance.is_negative()) {
      return InvalidArgument("voucher " + std::to_string(v.voucher.value()) +
                             " has a negative balance");
    }
  }
  return Status::Ok();
}

// The holder's live vouchers of `programme`, soonest-expiring first.
std::vector<const VoucherBalance*> LiveVouchers(const SubsidyRequest& r, ProgrammeId programme) {
  std::vector<const VoucherBalance*> live;
  for (const VoucherBalance& v : r.vouchers) {
    if (v.programme == programme && v.expires_at > r.at && v.balance.fen() > 0) live.push_back(&v);
  }
  std::sort(live.begin(), live.end(), [](const VoucherBalance* a, const VoucherBalance* b) {
    return a->expires_at != b->expires_at ? a->expires_at < b->expires_at : a->voucher < b->voucher;
  });
  return live;
}

Money Sum(const std::vector<const VoucherBalance*>& vouchers) {
  int64_t total = 0;
  for (const VoucherBalance* v : vouchers) {
    // Balances are bounded by budgets far below int64; saturate rather than trust it.
    if (!CheckedAdd(total, v->balance.fen(), &total)) total = INT64_MAX;
  }
  return Money::Fen(total);
}

ProgrammeShare ShareFor(const SubsidyRequest& r, const ProgrammeTerms& p, Money ceiling_left) {
  ProgrammeShare share{.programme = p.programme, .issuer = p.issuer};
  auto& limits = share.limits;
  limits.emplace_back(Limit::kRatio, ShareOf(r.amount, p.ratio_bp));
  if (p.per_order_cap) limits.emplace_back(Limit::kPerOrderCap, *p.per_order_cap);
  if (p.entity_year_cap_left) limits.emplace_back(Limit::kEntityYearCap, *p.entity_year_cap_left);
  std::vector<const VoucherBalance*> live;
  if (!p.automatic) {
    live = LiveVouchers(r, p.programme);
    if (live.empty()) {
      share.bound_by = Limit::kNoLiveVoucher;
      return share;
    }
    limits.emplace_back(Limit::kVoucherBalance, Sum(live));
  }
  limits.emplace_back(Limit::kBudget, p.budget_left);
  limits.emplace_back(Limit::kCombinedCeiling, ceiling_left);
  const auto smallest =
      std::min_element(limits.begin(), limits.end(),
                       [](const auto& a, const auto& b) { return a.second < b.second; });
  share.amount = smallest->second;
  share.bound_by = smallest->first;
  if (p.automatic) return share;  // the budget pays; there is no voucher to draw
  Money left = share.amount;
  for (const VoucherBalance* v : live) {
    if (left.is_zero()) break;
    const Money draw = std::min(left, v->balance);
    share.draws.push_back({v->voucher, draw});
    left = *left.Sub(draw);
  }
  BG_CHECK(left.is_zero()) << "voucher draws do not cover the share";
  return share;
}

}  // namespace

const char* JurisdictionLevelName(JurisdictionLevel level) {
  return NameOf(kLevelProseNames, level).data();
}

const char* LimitName(Limit limit) { return NameOf(kLimitNames, limit).data(); }

Result<SubsidyResult> ComputeSubsidy(const SubsidyRequest& request) {
  BG_RETURN_IF_ERROR(Validate(request));
  std::vector<const ProgrammeTerms*> order;
  for (const ProgrammeTerms& p : request.programmes) order.push_back(&p);
  std::stable_sort(
      order.begin(), order.end(), [](const ProgrammeTerms* a, const ProgrammeTerms* b) {
        return a->level != b->level ? a->level < b->level : a->programme < b->programme;
      });

  SubsidyResult result{.amount = request.amount};
  std::set<JurisdictionId> paid(request.already_subsidised.begin(),
                                request.already_subsidised.end());
  Money ceiling_left = ShareOf(request.amount, request.combined_ceiling_bp);
  for (const ProgrammeTerms* p : order) {
    if (paid.count(p->issuer) != 0) {
      result.shares.push_back({.programme = p->programme,
                               .issuer = p->issuer,
                               .bound_by = Limit::kJurisdictionAlreadyPaid});
      continue;
    }
    ProgrammeShare share = ShareFor(request, *p, ceiling_left);
    if (share.amount.fen() > 0) {
      paid.insert(p->issuer);
      ceiling_left = *ceiling_left.Sub(share.amount);
      result.subsidy = *result.subsidy.Add(share.amount);
    }
    result.shares.push_back(std::move(share));
  }
  result.self_pay = *request.amount.Sub(result.subsidy);
  BG_CHECK(result.subsidy <= request.amount && !result.self_pay.is_negative())
      << "subsidy " << result.subsidy << " exceeds amount " << request.amount;
  return result;
}

std::string SubsidyResult::Explain() const {
  std::string out = amount.ToYuanString() + " yuan: subsidy " + subsidy.ToYuanString() +
                    ", self-pay " + self_pay.ToYuanString() + "\n";
  for (const ProgrammeShare& s : shares) {
    out += "  programme " + std::to_string(s.programme.value()) + " pays " +
           s.amount.ToYuanString() + ", bound by " + LimitName(s.bound_by);
    for (const auto& [limit, value] : s.limits) {
      if (limit != s.bound_by) {
        out += "; " + std::string(LimitName(limit)) + " " + value.ToYuanString();
      }
    }
    for (const VoucherDraw& d : s.draws) {
      out += "; voucher " + std::to_string(d.voucher.value()) + " pays " + d.amount.ToYuanString();
    }
    out += "\n";
  }
  return out;
}

}  // namespace bg::programme
