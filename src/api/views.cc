#include "api/views.h"

#include <ctime>

#include "programme/names.h"

namespace bg::api {

Json TimeJson(Timestamp t) {
  if (t == 0) return nullptr;
  return FormatUtcTime(t);
}

Json View(const programme::Jurisdiction& j) {
  return {{"id", j.id.value()},
          {"code", j.code},
          {"name", j.name},
          {"name_zh", j.name_zh},
          {"parent", j.parent ? Json(j.parent->value()) : Json(nullptr)}};
}

Json View(const programme::Enterprise& e) {
  return {{"id", e.id.value()},
          {"name", e.name},
          {"credit_code", e.credit_code},
          {"home", e.applicant.home.value()},
          {"category", programme::ApplicantCategoryName(e.applicant.category)}};
}

Json View(const programme::Provider& p) {
  return {{"id", p.id.value()},
          {"name", p.name},
          {"credit_code", p.credit_code},
          {"home", p.home.value()},
          {"platforms", p.platforms}};
}

Json View(const network::Site& s) {
  return {{"id", s.id.value()},
          {"code", s.code},
          {"name", s.name},
          {"city", s.city.value()},
          {"provider", s.provider.value()}};
}

namespace {

// A price per tier, keyed by the tier's name.
Json TierPrices(const std::array<Money, network::kTiers>& price) {
  Json out = Json::object();
  for (const auto& [name, tier] : network::kTierNames) {
    out[std::string(name)] = MoneyJson(price[static_cast<size_t>(tier)]);
  }
  return out;
}

}  // namespace

Json View(const network::Pool& p, uint32_t used) {
  return {{"id", p.id.value()},
          {"site", p.site.value()},
          {"accelerator", p.accelerator},
          {"domestic", p.domestic},
          {"memory_gb", p.memory_gb},
          {"cards_total", p.cards_total},
          {"cards_offered", p.cards_offered},
          {"cards_used", used},
          {"price_per_card_hour", TierPrices(p.price)}};
}

namespace {

// The city and provider of `where` in words beside their ids.
void NamePlace(const state::State& s, const network::Site* where, Json* out) {
  Json& o = *out;
  const programme::Jurisdiction* city =
      where == nullptr ? nullptr : s.registry().FindJurisdiction(where->city);
  o["city"] = where == nullptr ? Json(nullptr) : Json(where->city.value());
  o["city_name"] = city == nullptr ? Json(nullptr) : Json(city->name);
  o["city_name_zh"] = city == nullptr ? Json(nullptr) : Json(city->name_zh);
  const programme::Provider* provider =
      where == nullptr ? nullptr : s.registry().FindProvider(where->provider);
  o["provider"] = where == nullptr ? Json(nullptr) : Json(where->provider.value());
  o["provider_name"] = provider == nullptr ? Json(nullptr) : Json(provider->name);
}

}  // namespace

void NameSite(const state::State& s, SiteId site, Json* out) {
  const network::Site* where = s.network().FindSite(site);
  (*out)["site"] = site.value();
  (*out)["site_name"] = where == nullptr ? Json(nullptr) : Json(where->name);
  NamePlace(s, where, out);
}

Json SiteWithNames(const network::Site& site, const state::State& s) {
  Json v = View(site);
  NamePlace(s, &site, &v);
  return v;
}

Json PoolWithNames(const network::Pool& p, const state::State& s) {
  auto it = s.scheduler().use().find(p.id);
  Json v = View(p, it == s.scheduler().use().end() ? 0 : it->second.used);
  NameSite(s, p.site, &v);
  return v;
}

Json View(const programme::Application& a, const programme::Registry& registry, bool with_history) {
  Json out;
  out["id"] = a.filed.id.value();
  out["programme"] = a.filed.programme.value();
  const programme::ProgrammeRules* p = registry.FindProgramme(a.filed.programme);
  out["programme_name"] = p == nullptr ? "" : p->name;
  out["enterprise"] = a.filed.enterprise.value();
  const programme::Enterprise* e = registry.FindEnterprise(a.filed.enterprise);
  out["enterprise_name"] = e == nullptr ? "" : e->name;
  out["amount"] = MoneyJson(a.filed.amount);
  out["approved"] = MoneyJson(a.approved);
  out["status"] = programme::ApplicationStatusName(a.status);
  out["filed_at"] = TimeJson(a.history.empty() ? 0 : a.history.front().at);
  out["updated_at"] = TimeJson(a.history.empty() ? 0 : a.history.back().at);
  // Where a staged review stands: the stage it waits at and who signed.
  if (const programme::ReviewStage* stage = p == nullptr ? nullptr : programme::StageOf(*p, a)) {
    const programme::ReviewStage& st = *stage;
    Json signed_by = Json::array();
    for (const std::string& who : a.approved_by) signed_by.push_back(who);
    out["review"] = {{"stage", st.name},
                     {"stage_number", a.stage + 1},
                     {"stages", p->review.stages.size()},
                     {"by", NameOf(programme::kStageRoleNames, st.by)},
                     {"prepared_by", a.prepared_by},
                     {"approved_by", std::move(signed_by)}};
  } else {
    out["review"] = nullptr;
  }
  if (!with_history) return out;
  Json history = Json::array();
  for (const auto& h : a.history) {
    history.push_back({{"at", TimeJson(h.at)},
                       {"status", programme::ApplicationStatusName(h.status)},
                       {"actor", h.actor},
                       {"reason", h.reason},
                       {"stage", h.stage.empty() ? Json(nullptr) : Json(h.stage)}});
  }
  out["history"] = std::move(history);
  return out;
}

Json View(const programme::Voucher& v, Money available, Timestamp now) {
  return {{"id", v.id.value()},
          {"programme", v.programme.value()},
          {"holder", v.holder.value()},
          {"amount", MoneyJson(v.amount)},
          {"available", MoneyJson(available)},
          {"status", programme::VoucherStatusName(programme::StatusAt(v, now))},
          {"issued_at", TimeJson(v.issued_at)},
          {"expires_at", TimeJson(v.expires_at)}};
}

Json View(const scheduler::Job& j) {
  // Built field by field, not from an initializer list: the list makes a
  // two-element array of every pair first, and this view is in the answer
  // to every submission (a sixth of an I/O thread's time at 20k/s).
  const scheduler::JobRequest& r = j.submitted.request;
  Json v(Json::value_t::object);
  v["id"] = r.id.value();
  v["enterprise"] = r.enterprise.value();
  v["status"] = scheduler::JobStatusName(j.status);
  v["accelerator"] = r.accelerator;
  v["cards"] = r.cards;
  v["walltime_s"] = r.walltime_s;
  v["purpose"] = programme::NameOf(programme::kPurposeNames, r.purpose);
  v["pool"] = j.pool.is_zero() ? Json(nullptr) : Json(j.pool.value());
  v["submitted_at"] = TimeJson(j.submitted_at);
  v["start_at"] = TimeJson(j.start_at);
  v["start_unix_s"] = j.start_at / kNanosPerSecond;
  v["end_at"] = TimeJson(j.end_at);
  v["finished_at"] = TimeJson(j.finished_at);
  v["list_cost"] = MoneyJson(j.list_cost);
  v["subsidy"] = MoneyJson(j.subsidy);
  v["out_of_pocket"] = MoneyJson(j.out_of_pocket);
  v["card_seconds"] = j.card_seconds;
  v["charged"] = MoneyJson(j.charged);
  v["voucher_charged"] = MoneyJson(j.voucher_charged);
  v["copay_charged"] = MoneyJson(j.copay_charged);
  v["stop"] = j.stop;
  v["note"] = j.note;
  return v;
}

Json JobWithNames(const scheduler::Job& j, const state::State& s, const programme::Claim* claim) {
  Json v = View(j);
  const programme::Enterprise* e = s.registry().FindEnterprise(j.submitted.request.enterprise);
  v["enterprise_name"] = e == nullptr ? "" : e->name;
  const network::Pool* pool = s.network().FindPool(j.pool);
  const network::Site* site = pool == nullptr ? nullptr : s.network().FindSite(pool->site);
  const programme::Provider* provider =
      site == nullptr ? nullptr : s.registry().FindProvider(site->provider);
  v["site"] = site == nullptr ? Json(nullptr) : Json(site->id.value());
  v["site_name"] = site == nullptr ? Json(nullptr) : Json(site->name);
  v["provider"] = provider == nullptr ? Json(nullptr) : Json(provider->id.value());
  v["provider_name"] = provider == nullptr ? Json(nullptr) : Json(provider->name);
  v["programmes"] = ProgrammesJson(claim, s.registry());
  return v;
}

Json View(const scheduler::Quote& q, const state::State& s) {
  Json options = Json::array();
  for (const auto& o : q.options) {
    options.push_back({{"pool", o.pool.value()},
                       {"site", o.site.value()},
                       {"provider", o.provider.value()},
                       {"list", MoneyJson(o.list)},
                       {"subsidy", MoneyJson(o.subsidy)},
                       {"out_of_pocket", MoneyJson(o.out_of_pocket)},
                       {"subsidy_note", o.subsidy_note},
                       {"subsidy_note_zh", o.subsidy_note_zh},
                       {"transfer_s", o.transfer_s},
                       {"start", TimeJson(o.start)},
                       {"finish", TimeJson(o.finish)},
                       {"starts_now", o.starts_now}});
    NameSite(s, o.site, &options.back());
  }
  Json excluded = Json::array();
  for (const auto& e : q.excluded) {
    Json one = {{"pool", e.pool.value()}, {"reason", e.reason}, {"reason_zh", e.reason_zh}};
    if (const network::Pool* p = s.network().FindPool(e.pool)) NameSite(s, p->site, &one);
    excluded.push_back(std::move(one));
  }
  return {{"options", std::move(options)}, {"excluded", std::move(excluded)}};
}

Json ProgrammesJson(const programme::Claim* claim, const programme::Registry& registry) {
  Json programmes = Json::array();
  if (claim == nullptr) return programmes;
  for (const programme::ClaimShare& sh : claim->shares) {
    const programme::ProgrammeRules* p = registry.FindProgramme(sh.programme);
    programmes.push_back({{"programme", sh.programme.value()},
                          {"programme_name", p == nullptr ? "" : p->name},
                          {"subsidy", MoneyJson(sh.amount)}});
  }
  return programmes;
}

}  // namespace bg::api
