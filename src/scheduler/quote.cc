#include "scheduler/quote.h"

#include <algorithm>
#include <tuple>

#include "programme/accounts.h"
#include "programme/words_zh.h"

namespace bg::scheduler {
namespace {

std::string Yuan(Money m) { return m.ToYuanString(); }

// "2025-03-03 10:00 UTC"-free: times in explanations are seconds from now.
std::string In(Timestamp at, Timestamp now) {
  const uint64_t s = at > now ? (at - now) / kNanosPerSecond : 0;
  if (s < 120) return std::to_string(s) + " s";
  if (s < 7200) return std::to_string(s / 60) + " min";
  return std::to_string(s / 3600) + " h";
}
std::string InZh(Timestamp at, Timestamp now) {
  const uint64_t s = at > now ? (at - now) / kNanosPerSecond : 0;
  if (s < 120) return std::to_string(s) + " 秒";
  if (s < 7200) return std::to_string(s / 60) + " 分钟";
  return std::to_string(s / 3600) + " 小时";
}

// A programme's name for the Chinese notes ("项目 7" when unknown).
std::string ProgrammeZh(const programme::Registry& registry, ProgrammeId id) {
  const programme::ProgrammeRules* p = registry.FindProgramme(id);
  return p != nullptr ? "「" + p->name + "」" : "项目 " + std::to_string(id.value());
}

std::string LeftOutZh(const programme::Registry& registry,
                      const std::vector<programme::LeftOut>& left_out) {
  std::string out;
  for (const programme::LeftOut& l : left_out) {
    if (!out.empty()) out += "；";
    out += ProgrammeZh(registry, l.programme) + "：" + programme::CodeZh(l.why.code);
  }
  return out;
}

// The subsidy terms of one provider and resource class, prepared once per
// quote: most networks have far fewer providers than pools.
struct TermsCache {
  std::map<std::tuple<ProviderId, bool>, programme::SubsidyTerms> terms;
};

}  // namespace

bool Fits(const network::Pool& pool, const JobRequest& r) {
  return (r.accelerator.empty() || pool.accelerator == r.accelerator) &&
         pool.memory_gb >= r.min_memory_gb && pool.cards_offered >= r.cards;
}

std::optional<Words> Filter(const network::Pool& pool, const JobRequest& r) {
  if (!r.accelerator.empty() && pool.accelerator != r.accelerator) {
    return Words{"wrong accelerator: " + pool.accelerator + ", the job asks for " + r.accelerator,
                 "加速卡型号不符：此处为 " + pool.accelerator + "，作业需要 " + r.accelerator};
  }
  if (pool.memory_gb < r.min_memory_gb) {
    const std::string has = std::to_string(pool.memory_gb);
    const std::string needs = std::to_string(r.min_memory_gb);
    return Words{has + " GB per card, the job needs at least " + needs + " GB",
                 "每卡显存 " + has + " GB，作业至少需要 " + needs + " GB"};
  }
  if (pool.cards_offered < r.cards) {
    const std::string has = std::to_string(pool.cards_offered);
    const std::string needs = std::to_string(r.cards);
    return Words{"offers " + has + " cards to the network, the job needs " + needs,
                 "向网络开放 " + has + " 张卡，作业需要 " + needs + " 张"};
  }
  return std::nullopt;
}

Timing Time(const network::Network& network, const network::Pool& pool, const PoolUse& use,
            const JobRequest& r, Timestamp now) {
  Timing t;
  t.transfer_s =
      r.data_site.is_zero() ? 0 : network.TransferSeconds(r.data_site, pool.site, r.data_gb);
  // Cards free at a time: offered less those still in use then.
  int64_t used = use.used;
  const auto enough = [&] { return static_cast<int64_t>(pool.cards_offered) - used >= r.cards; };
  t.start = now;
  t.possible = enough();
  for (auto it = use.ends.begin(); !t.possible && it != use.ends.end(); ++it) {
    used -= it->second;
    if (enough()) {
      t.start = std::max(it->first, now);
      t.possible = true;
    }
  }
  t.starts_now = t.possible && t.start == now;
  t.finish = t.start + (t.transfer_s + r.walltime_s) * kNanosPerSecond;
  return t;
}

programme::Redeem ClaimFor(const JobRequest& r, const network::Pool& pool,
                           const network::Network& network, const programme::Registry& registry,
                           Money amount) {
  const network::Site* site = network.FindSite(pool.site);
  const programme::Jurisdiction* city = registry.FindJurisdiction(site->city);
  return programme::Redeem{
      .id = ClaimId(kJobClaimBit | r.id.value()),
      .order = r.id,
      .enterprise = r.enterprise,
      .provider = site->provider,
      .currency_ledger = city != nullptr ? city->currency_ledger : programme::kLedgerCny,
      .amount = amount,
      .resource = pool.domestic ? programme::ResourceClass::kDomesticAccelerator
                                : programme::ResourceClass::kForeignAccelerator,
      .purpose = r.purpose};
}

namespace {
std::tuple<int64_t, uint64_t, uint64_t> RankKey(const Option& o, Objective objective) {
  switch (objective) {
    case Objective::kEarliestFinish:
      return {static_cast<int64_t>(o.finish), static_cast<uint64_t>(o.out_of_pocket.fen()),
              o.pool.value()};
    case Objective::kLowestLatency:
      return {o.latency_us, static_cast<uint64_t>(o.out_of_pocket.fen()), o.pool.value()};
    case Objective::kLowestCost:
      break;
  }
  return {o.out_of_pocket.fen(), o.finish, o.pool.value()};
}
}  // namespace

bool Better(const Option& a, const Option& b, Objective objective) {
  return RankKey(a, objective) < RankKey(b, objective);
}

void Rank(std::vector<Option>& options, Objective objective) {
  std::sort(options.begin(), options.end(),
            [objective](const Option& a, const Option& b) { return Better(a, b, objective); });
}

// An option on `pool` with its times, before it is priced.
static Option Draft(const network::Pool& pool, const Timing& t, const JobRequest& r,
                    const QuoteContext& ctx) {
  const network::Site* site = ctx.network.FindSite(pool.site);
  return Option{.pool = pool.id,
                .site = pool.site,
                .provider = site->provider,
                .transfer_s = t.transfer_s,
                .start = t.start,
                .finish = t.finish,
                .latency_us = r.near_city ? ctx.network.LatencyUs(site->city, *r.near_city) : 0,
                .starts_now = t.starts_now};
}

// Prices `o` on `pool`: list, subsidy through the programme engine, out of
// pocket. A related party or a blacklisted enterprise loses the subsidy,
// not the right to buy (domain.md §0): the pool stays, at list price, and
// the note says why nothing is paid.
static void Price(const JobRequest& r, const network::Pool& pool, const QuoteContext& ctx,
                  TermsCache& cache, bool notes, Option* o) {
  o->list = ListCost(pool.price[static_cast<size_t>(r.tier)], r.cards, r.walltime_s);
  const programme::Redeem claim = ClaimFor(r, pool, ctx.network, ctx.registry, o->list);
  const auto key = std::tuple(claim.provider, pool.domestic);
  auto it = cache.terms.find(key);
  if (it == cache.terms.end()) {
    it = cache.terms.emplace(key, ctx.book.PrepareSubsidy(claim, ctx.registry, ctx.now, ctx.ledger))
             .first;
  }
  const programme::SubsidyTerms& terms = it->second;
  o->subsidy = Money{};
  if (!terms.refusal.ok()) {
    const bool withheld = terms.refusal.code == programme::Code::kRelatedParty ||
                          terms.refusal.code == programme::Code::kBlacklisted;
    if (notes) {
      o->subsidy_note = (withheld ? "subsidy withheld: " : "") + terms.refusal.message;
      o->subsidy_note_zh =
          (withheld ? "不予补贴：" : "") + (withheld || terms.left_out.empty()
                                                ? std::string(programme::CodeZh(terms.refusal.code))
                                                : LeftOutZh(ctx.registry, terms.left_out));
    }
  } else {
    programme::SubsidyRequest req = terms.request;
    req.amount = o->list;
    Result<programme::SubsidyResult> s = programme::ComputeSubsidy(req);
    if (s.ok()) {
      o->subsidy = s->subsidy;
      for (const programme::ProgrammeShare& share : s->shares) {
        if (!notes || share.amount.fen() == 0) continue;
        if (!o->subsidy_note.empty()) o->subsidy_note += "; ";
        o->subsidy_note += "programme " + std::to_string(share.programme.value()) + " pays " +
                           Yuan(share.amount) + " (bound by " +
                           programme::LimitName(share.bound_by) + ")";
        if (!o->subsidy_note_zh.empty()) o->subsidy_note_zh += "；";
        o->subsidy_note_zh += ProgrammeZh(ctx.registry, share.programme) + "补贴 " +
                              Yuan(share.amount) + " 元（受" + programme::LimitZh(share.bound_by) +
                              "约束）";
      }
    }
    if (notes && !terms.notes.empty()) {
      o->subsidy_note += "; left out: " + terms.notes;
      o->subsidy_note_zh += "；未计入：" + LeftOutZh(ctx.registry, terms.left_out);
    }
  }
  o->out_of_pocket = Money::Fen(o->list.fen() - o->subsidy.fen());
}

Quote BuildQuote(const JobRequest& r, const QuoteContext& ctx, bool reasons) {
  Quote q;
  TermsCache cache;
  static const PoolUse idle;
  std::vector<const network::Pool*> all;
  if (ctx.pools == nullptr) {
    all.reserve(ctx.network.pools().size());
    for (const auto& [id, pool] : ctx.network.pools()) all.push_back(&pool);
  }
  for (const network::Pool* candidate : ctx.pools != nullptr ? *ctx.pools : all) {
    const network::Pool& pool = *candidate;
    const PoolId id = pool.id;
    if (!Fits(pool, r)) {
      if (reasons) {
        Words why = *Filter(pool, r);
        q.excluded.push_back({id, std::move(why.en), std::move(why.zh)});
      }
      continue;
    }
    auto use = ctx.use.find(id);
    const Timing t = Time(ctx.network, pool, use == ctx.use.end() ? idle : use->second, r, ctx.now);
    if (!t.possible) {
      if (reasons) {
        q.excluded.push_back({id, "not enough cards even when its running jobs end",
                              "即使运行中的作业全部结束，卡数仍不够"});
      }
      continue;
    }
    Option o = Draft(pool, t, r, ctx);
    Price(r, pool, ctx, cache, reasons, &o);
    if (r.deadline && o.finish > *r.deadline) {
      q.excluded.push_back(
          {id,
           "cannot finish before the deadline: the earliest finish here is in " +
               In(o.finish, ctx.now) +
               (o.starts_now ? "" : " (no free cards until " + In(o.start, ctx.now) + ")"),
           "无法在截止时间前完成：此处最早 " + InZh(o.finish, ctx.now) + "后完成" +
               (o.starts_now ? "" : "（" + InZh(o.start, ctx.now) + "后才有空闲卡）"),
           o});
      continue;
    }
    if (r.max_out_of_pocket && o.out_of_pocket > *r.max_out_of_pocket) {
      q.excluded.push_back({id,
                            "over budget: " + Yuan(o.out_of_pocket) +
                                " out of pocket, the ceiling is " + Yuan(*r.max_out_of_pocket),
                            "超出预算：自付 " + Yuan(o.out_of_pocket) + " 元，上限为 " +
                                Yuan(*r.max_out_of_pocket) + " 元",
                            o});
      continue;
    }
    q.options.push_back(std::move(o));
  }
  if (reasons) Rank(q.options, r.objective);
  return q;
}

Best BestByCost(const JobRequest& r, const QuoteContext& ctx,
                const std::vector<const network::Pool*>& by_price, uint32_t bound_bp) {
  Best out;
  TermsCache cache;
  static const PoolUse idle;
  const auto tier = static_cast<size_t>(r.tier);
  for (const network::Pool* candidate : by_price) {
    const network::Pool& pool = *candidate;
    if (!Fits(pool, r)) continue;
    const Money list = ListCost(pool.price[tier], r.cards, r.walltime_s);
    const int64_t floor_oop = list.fen() - list.fen() * bound_bp / programme::kFullRatioBp;
    const bool beats_best = !out.best || floor_oop <= out.best->out_of_pocket.fen();
    const bool beats_now = !out.best_now || floor_oop <= out.best_now->out_of_pocket.fen();
    if (!beats_best && !beats_now) break;  // the list only gets dearer from here
    auto use = ctx.use.find(pool.id);
    const Timing t = Time(ctx.network, pool, use == ctx.use.end() ? idle : use->second, r, ctx.now);
    if (!t.possible) continue;
    Option o = Draft(pool, t, r, ctx);
    ++out.evaluated;
    Price(r, pool, ctx, cache, /*notes=*/false, &o);
    if (r.deadline && o.finish > *r.deadline) continue;
    if (r.max_out_of_pocket && o.out_of_pocket > *r.max_out_of_pocket) continue;
    if (!out.best || Better(o, *out.best, Objective::kLowestCost)) out.best = o;
    if (o.starts_now && (!out.best_now || Better(o, *out.best_now, Objective::kLowestCost))) {
      out.best_now = o;
    }
  }
  return out;
}

std::string Quote::Explain() const {
  std::string out;
  for (const Option& o : options) {
    out += "pool " + std::to_string(o.pool.value()) + ": list " + Yuan(o.list) + ", subsidy " +
           Yuan(o.subsidy) + ", out of pocket " + Yuan(o.out_of_pocket) +
           (o.starts_now ? ", starts now" : ", waits for cards") +
           (o.subsidy_note.empty() ? "" : " [" + o.subsidy_note + "]") + "\n";
  }
  for (const Excluded& e : excluded) {
    out += "pool " + std::to_string(e.pool.value()) + " left out: " + e.reason + "\n";
  }
  return out;
}

}  // namespace bg::scheduler
