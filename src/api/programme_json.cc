// A programme definition as JSON: POST /v1/programmes reads it and every
// programme read answers with it, so what an operator reads back is what
// they can send again. The words are the scenario file's
// (programme/names.h); money is fen (`*_fen`), ratios are basis points
// (`*_bp`: 5000 = 50%), jurisdictions and providers are ids, dates are UTC
// ("2026-01-01"). Which ids exist is the registry's to check, in the
// command.
#include "api/views.h"
#include "programme/names.h"
#include "programme/reconcile.h"

namespace bg::api {
namespace {

using programme::ProgrammeRules;

template <typename E, size_t N>
std::optional<E> ReadName(Fields& f, const char* name, bool required,
                          const std::array<programme::EnumName<E>, N>& table) {
  const std::optional<std::string> s = f.Str(name, required, 64);
  if (!s) return std::nullopt;
  std::optional<E> v = programme::FromName(table, *s);
  if (!v) {
    f.Refuse("invalid_field", f.Label(name) + ": unknown value \"" + *s +
                                  "\" (allowed: " + programme::AllowedNames(table) + ")");
  }
  return v;
}

// An array of names from `table` (absent: empty).
template <typename E, size_t N>
std::vector<E> ReadNames(Fields& f, const char* name,
                         const std::array<programme::EnumName<E>, N>& table) {
  std::vector<E> out;
  for (const std::string& n : f.Strs(name, false, N).value_or(std::vector<std::string>{})) {
    const std::optional<E> v = programme::FromName(table, n);
    if (!v) {
      f.Refuse("invalid_field", f.Label(name) + ": unknown value \"" + n +
                                    "\" (allowed: " + programme::AllowedNames(table) + ")");
      return {};
    }
    out.push_back(*v);
  }
  return out;
}

uint32_t ReadFlags(Fields& f, const char* name) {
  uint32_t flags = 0;
  for (uint32_t flag : ReadNames(f, name, programme::kFlagNames)) flags |= flag;
  return flags;
}

Json FlagNames(uint32_t flags) {
  Json out = Json::array();
  for (const auto& e : programme::kFlagNames) {
    if ((flags & e.value) != 0) out.push_back(e.name);
  }
  return out;
}

// A nested object or array of objects: `read` fills from a Fields over each.
template <typename Read>
void Nested(Fields& f, const char* name, bool array, size_t max, Read read) {
  const Json* v = f.Raw(name, false);
  if (v == nullptr) return;
  const bool shape = array ? v->is_array() && v->size() <= max : v->is_object();
  if (!shape) {
    f.Refuse("invalid_field", f.Label(name) + (array ? " must be an array of at most " +
                                                           std::to_string(max) + " objects"
                                                     : " must be an object"));
    return;
  }
  const std::vector<Json> items = array ? v->get<std::vector<Json>>() : std::vector<Json>{*v};
  for (size_t i = 0; i < items.size() && f.ok(); ++i) {
    const std::string at = std::string(name) + (array ? "[" + std::to_string(i) + "]." : ".");
    if (!items[i].is_object()) {
      f.Refuse("invalid_field", "'" + at.substr(0, at.size() - 1) + "' must be an object");
      return;
    }
    Fields sub(items[i], at);
    read(sub);
    if (!sub.Done()) f.Refuse(sub.code(), sub.detail());
  }
}

std::optional<uint32_t> Bp(Fields& f, const char* name, bool required) {
  const auto v = f.U64(name, required, programme::kFullRatioBp);
  return v ? std::optional<uint32_t>(static_cast<uint32_t>(*v)) : std::nullopt;
}

void ReadRules(Fields& f, ProgrammeRules* p) {
  Nested(f, "eligibility", false, 1, [&](Fields& e) {
    for (uint64_t id : e.Ids("home", false, 64).value_or(std::vector<uint64_t>{})) {
      p->eligibility.home_jurisdictions.emplace_back(id);
    }
    p->eligibility.categories = ReadNames(e, "categories", programme::kCategoryNames);
    p->eligibility.good_credit_required = e.Bool("good_credit_required", false).value_or(true);
  });
  p->default_ratio_bp = Bp(f, "ratio_bp", true).value_or(0);
  p->combined_ceiling_bp = Bp(f, "combined_ceiling_bp", false).value_or(programme::kFullRatioBp);
  Nested(f, "ratio_rules", true, 32, [&](Fields& r) {
    programme::RatioRule rule;
    rule.category = ReadName(r, "category", false, programme::kCategoryNames);
    rule.flags_all = ReadFlags(r, "flags");
    rule.resource = ReadName(r, "resource", false, programme::kResourceNames);
    rule.ratio_bp = Bp(r, "ratio_bp", true).value_or(0);
    p->ratio_rules.push_back(rule);
  });
  Nested(f, "cap_rules", true, 32, [&](Fields& r) {
    programme::CapRule rule;
    rule.flags_any = ReadFlags(r, "flags_any");
    rule.per_entity_year = r.Fen("entity_year_cap_fen", true).value_or(Money{});
    if (r.ok() && rule.flags_any == 0) {
      r.Refuse("missing_field", r.Label("flags_any") + " is required");
    }
    p->cap_rules.push_back(rule);
  });
  // review: {"stages": [{"name": "district", "by": "reviewer"}, ...],
  //          "second_approval_above_fen": 50000000}
  Nested(f, "review", false, 1, [&](Fields& r) {
    Nested(r, "stages", true, programme::kMaxReviewStages, [&](Fields& st) {
      programme::ReviewStage stage;
      stage.name = st.Str("name", true, 32).value_or("");
      stage.by = ReadName(st, "by", true, programme::kStageRoleNames).value_or(stage.by);
      if (st.ok() && stage.name.empty()) st.Refuse("invalid_field", st.Label("name") + " is empty");
      p->review.stages.push_back(std::move(stage));
    });
    p->review.second_approval_above = r.Fen("second_approval_above_fen", false);
    if (r.ok() && p->review.stages.empty()) {
      r.Refuse("invalid_field", r.Label("stages") + " must name 1 to " +
                                    std::to_string(programme::kMaxReviewStages) + " stages");
    }
  });
  Nested(f, "providers", false, 1, [&](Fields& r) {
    if (auto listed = r.Ids("listed", false, 1000)) {
      p->providers.listed_only = true;
      for (uint64_t id : *listed) p->providers.listed.emplace_back(id);
    }
    p->providers.platform = r.Id("platform", false);
    p->providers.inside_issuer_only = r.Bool("inside_issuer_only", false).value_or(false);
  });
}

Json MaybeFen(const std::optional<Money>& m) { return m ? Json(m->fen()) : Json(nullptr); }

Json MaybeTime(const std::optional<Timestamp>& t) { return t ? TimeJson(*t) : Json(nullptr); }

// The review stages as a definition reads them; null for one approval.
Json ReviewJson(const programme::ReviewRules& r) {
  if (r.stages.empty()) return nullptr;
  Json stages = Json::array();
  for (const programme::ReviewStage& st : r.stages) {
    stages.push_back({{"name", st.name}, {"by", NameOf(programme::kStageRoleNames, st.by)}});
  }
  return {{"stages", std::move(stages)},
          {"second_approval_above_fen", MaybeFen(r.second_approval_above)}};
}

// covers: "compute" (the default) or "facilities" (an innovation voucher,
// 科技创新券); facility_kinds: the kinds of facility it pays for (the
// engine checks the names: the facility layer knows them).
void ReadCovers(Fields& f, programme::SpendRules* c) {
  const std::optional<std::string> covers = f.Str("covers", false, 16);
  const std::optional<std::vector<std::string>> kinds = f.Strs("facility_kinds", false, 16);
  if (covers == "facilities") {
    c->spend = programme::Spend::kFacilities;
  } else if (covers && *covers != "compute") {
    f.Refuse("invalid_field", "'covers': \"" + *covers + "\" is not one of compute, facilities");
    return;
  }
  if (!kinds || kinds->empty()) return;
  if (c->spend != programme::Spend::kFacilities) {
    f.Refuse("invalid_field", "'facility_kinds' needs 'covers': \"facilities\"");
    return;
  }
  c->facility_kinds = *kinds;
}

}  // namespace

programme::Purpose ReadPurpose(Fields& f) {
  return ReadName(f, "purpose", false, programme::kPurposeNames)
      .value_or(programme::Purpose::kUnspecified);
}

std::optional<ProgrammeRules> ReadProgramme(const Json& body, std::string* code,
                                            std::string* detail) {
  Fields f(body);
  ProgrammeRules p;
  p.id = ProgrammeId(f.Id("id").value_or(0));
  p.name = f.Str("name", true, 200).value_or("");
  p.kind = f.Str("kind", false, 64).value_or(p.kind);
  p.issuer = JurisdictionId(f.Id("issuer").value_or(0));
  p.valid_from = f.Time("valid_from", true).value_or(0);
  p.valid_until = f.Time("valid_until", true).value_or(0);
  p.apply_from = f.Time("apply_from", false);
  p.apply_until = f.Time("apply_until", false);
  p.total_budget = f.Fen("total_budget_fen", true).value_or(Money{});
  p.yearly_budget = f.Fen("yearly_budget_fen", false);
  p.per_order_cap = f.Fen("per_order_cap_fen", false);
  p.per_award_cap = f.Fen("per_award_cap_fen", false);
  p.purposes = ReadNames(f, "purposes", programme::kPurposeNames);
  p.default_entity_year_cap = f.Fen("entity_year_cap_fen", false);
  ReadRules(f, &p);
  p.redemption =
      ReadName(f, "redemption", false, programme::kRedemptionNames).value_or(p.redemption);
  p.voucher_validity_days =
      static_cast<uint32_t>(f.U64("voucher_validity_days", false, 36'500).value_or(365));
  p.lapse = ReadName(f, "lapse", false, programme::kLapseNames).value_or(p.lapse);
  p.sme_first = f.Bool("sme_first", false).value_or(false);
  p.settlement = ReadName(f, "settlement", false, programme::kCycleNames).value_or(p.settlement);
  ReadCovers(f, &p.covers);  // after the required fields, whose absence is told first
  if (f.ok() && p.name.empty()) f.Refuse("invalid_field", "'name' must not be empty");
  if (f.ok() && p.voucher_validity_days == 0) {
    f.Refuse("invalid_field", "'voucher_validity_days' must be 1 to 36500");
  }
  if (!f.Done()) {
    *code = f.code();
    *detail = f.detail();
    return std::nullopt;
  }
  return p;
}

Json View(const ProgrammeRules& p) {
  Json ratio_rules = Json::array();
  for (const programme::RatioRule& r : p.ratio_rules) {
    ratio_rules.push_back(
        {{"category",
          r.category ? Json(NameOf(programme::kCategoryNames, *r.category)) : Json(nullptr)},
         {"flags", FlagNames(r.flags_all)},
         {"resource",
          r.resource ? Json(NameOf(programme::kResourceNames, *r.resource)) : Json(nullptr)},
         {"ratio_bp", r.ratio_bp}});
  }
  Json cap_rules = Json::array();
  for (const programme::CapRule& r : p.cap_rules) {
    cap_rules.push_back(
        {{"flags_any", FlagNames(r.flags_any)}, {"entity_year_cap_fen", r.per_entity_year.fen()}});
  }
  Json purposes = Json::array();
  for (programme::Purpose x : p.purposes) purposes.push_back(NameOf(programme::kPurposeNames, x));
  Json categories = Json::array();
  for (auto c : p.eligibility.categories) {
    categories.push_back(NameOf(programme::kCategoryNames, c));
  }
  Json home = Json::array();
  for (JurisdictionId j : p.eligibility.home_jurisdictions) home.push_back(j.value());
  Json listed = nullptr;
  if (p.providers.listed_only) {
    listed = Json::array();
    for (ProviderId id : p.providers.listed) listed.push_back(id.value());
  }
  return {
      {"id", p.id.value()},
      {"name", p.name},
      {"kind", p.kind},
      {"issuer", p.issuer.value()},
      {"level", NameOf(programme::kLevelNames, p.level)},
      {"valid_from", TimeJson(p.valid_from)},
      {"valid_until", TimeJson(p.valid_until)},
      {"apply_from", MaybeTime(p.apply_from)},
      {"apply_until", MaybeTime(p.apply_until)},
      {"total_budget", MoneyJson(p.total_budget)},
      {"total_budget_fen", p.total_budget.fen()},
      {"yearly_budget_fen", MaybeFen(p.yearly_budget)},
      {"eligibility",
       {{"home", home},
        {"categories", categories},
        {"good_credit_required", p.eligibility.good_credit_required}}},
      {"ratio_percent", static_cast<double>(p.default_ratio_bp) / 100.0},
      {"ratio_bp", p.default_ratio_bp},
      {"combined_ceiling_bp", p.combined_ceiling_bp},
      {"ratio_rules", ratio_rules},
      {"per_order_cap_fen", MaybeFen(p.per_order_cap)},
      {"per_award_cap_fen", MaybeFen(p.per_award_cap)},
      {"purposes", purposes},
      {"entity_year_cap_fen", MaybeFen(p.default_entity_year_cap)},
      {"cap_rules", cap_rules},
      {"providers",
       {{"listed", listed},
        {"platform", p.providers.platform ? Json(*p.providers.platform) : Json(nullptr)},
        {"inside_issuer_only", p.providers.inside_issuer_only}}},
      {"redemption", NameOf(programme::kRedemptionNames, p.redemption)},
      {"voucher_validity_days", p.voucher_validity_days},
      {"lapse", NameOf(programme::kLapseNames, p.lapse)},
      {"sme_first", p.sme_first},
      {"settlement", NameOf(programme::kCycleNames, p.settlement)},
      {"review", ReviewJson(p.review)},
      {"covers", p.covers.spend == programme::Spend::kFacilities ? "facilities" : "compute"},
      {"facility_kinds", p.covers.facility_kinds},
  };
}

Json Definition(const ProgrammeRules& p) {
  Json out = View(p);
  for (const char* derived : {"level", "total_budget", "ratio_percent"}) out.erase(derived);
  return out;
}

Json ProgrammeDetail(const state::State& s, ProgrammeId id, Timestamp now, bool totals) {
  const programme::Registry& registry = s.registry();
  const ProgrammeRules* p = registry.FindProgramme(id);
  const programme::ProgrammeLife* life = registry.FindLife(id);
  if (p == nullptr || life == nullptr) return nullptr;
  Json out = View(*p);
  out["issuer_name"] = registry.FindJurisdiction(p->issuer)->name;
  out["status"] = NameOf(programme::kProgrammeStatusNames, life->status);
  out["version_in_force"] = registry.VersionAt(id, now)->number;
  Json versions = Json::array();
  for (const programme::ProgrammeVersion& v : life->versions) {
    versions.push_back(
        {{"number", v.number},
         {"effective_from", v.effective_from == 0 ? Json(nullptr) : TimeJson(v.effective_from)},
         {"definition", Definition(v.rules)}});
  }
  out["versions"] = std::move(versions);
  Json history = Json::array();
  for (const programme::ProgrammeEvent& e : life->events) {
    Json event = {
        {"at", TimeJson(e.at)}, {"what", e.what}, {"actor", e.actor}, {"reason", e.reason}};
    if (e.version != 0) event["version"] = e.version;
    if (!e.amount.is_zero()) event["amount"] = MoneyJson(e.amount);
    if (!e.provider.is_zero()) {
      const programme::Provider* provider = registry.FindProvider(e.provider);
      event["provider"] = e.provider.value();
      event["provider_name"] = provider == nullptr ? "" : provider->name;
    }
    history.push_back(std::move(event));
  }
  out["history"] = std::move(history);
  if (!totals) return out;
  for (const auto& t : programme::Totals(s.book(), registry, s.ledger())) {
    if (t.programme != id) continue;
    out["totals"] = {
        {"funded", MoneyJson(t.funded)},       {"uncommitted", MoneyJson(t.uncommitted)},
        {"approved", MoneyJson(t.approved)},   {"issued", MoneyJson(t.issued)},
        {"spent", MoneyJson(t.spent)},         {"held", MoneyJson(t.held)},
        {"automatic", MoneyJson(t.automatic)}, {"remaining", MoneyJson(t.remaining)},
        {"swept", MoneyJson(t.swept)},         {"clawed_back", MoneyJson(t.clawed_back)},
        {"withdrawn", MoneyJson(t.withdrawn)}};
  }
  return out;
}

}  // namespace bg::api
