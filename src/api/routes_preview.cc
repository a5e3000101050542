// POST /v1/programmes/preview: the subsidy a sample order would get under a
// programme definition being edited, by the server's own money rules
// (programme/preview.h). The definition is read and checked exactly as
// POST /v1/programmes reads and checks it, and a bad one answers the same
// problem; nothing is committed: a preview is a read.
#include "api/handlers.h"
#include "api/service.h"
#include "api/views.h"
#include "programme/names.h"
#include "programme/preview.h"

namespace bg::api {
namespace {

// The "order" object: enterprise, provider, amount_fen (> 0), and optional
// purpose, resource (foreign when absent, as a claim's) and at (now when
// absent). Problems name the field's path ("'order.amount_fen'").
std::optional<programme::SampleOrder> ReadSampleOrder(const Json& order, Timestamp now,
                                                      std::string* code, std::string* detail) {
  Fields f(order, "order.");
  programme::SampleOrder out;
  out.enterprise = EnterpriseId(f.Id("enterprise").value_or(0));
  out.provider = ProviderId(f.Id("provider").value_or(0));
  out.amount = f.Fen("amount_fen", true).value_or(Money{});
  out.purpose = ReadPurpose(f);
  const std::optional<std::string> resource = f.Str("resource", false, 16);
  out.at = f.Time("at", false).value_or(now);
  std::optional<programme::ResourceClass> cls = programme::ResourceClass::kForeignAccelerator;
  if (resource) cls = programme::FromName(programme::kResourceNames, *resource);
  if (f.ok() && !cls) {
    f.Refuse("invalid_field",
             f.Label("resource") + " is " + programme::AllowedNames(programme::kResourceNames));
  }
  if (f.ok() && out.amount.fen() <= 0) {
    f.Refuse("invalid_field", f.Label("amount_fen") + " must be more than 0");
  }
  if (!f.Done()) {
    *code = f.code();
    *detail = f.detail();
    return std::nullopt;
  }
  out.resource = *cls;
  return out;
}

Json PreviewJson(const programme::Preview& p) {
  const bool eligible = p.refusal.ok();
  const programme::ProgrammeShare* share =
      p.result.shares.empty() ? nullptr : &p.result.shares.front();
  Json limits = Json::array();
  if (share != nullptr) {
    for (const auto& [limit, value] : share->limits) {
      limits.push_back({{"limit", programme::LimitName(limit)}, {"value", MoneyJson(value)}});
    }
  }
  return {
      {"eligible", eligible},
      {"refusal", eligible ? Json(nullptr) : Json(p.refusal.message())},
      {"amount", MoneyJson(p.result.amount)},
      {"subsidy", MoneyJson(p.result.subsidy)},
      {"self_pay", MoneyJson(p.result.self_pay)},
      {"ratio_bp", p.ratio_bp},
      {"bound_by", share != nullptr ? Json(programme::LimitName(share->bound_by)) : Json(nullptr)},
      {"limits", std::move(limits)},
      {"cap_year", p.cap_year},
      {"cap_used_this_year", MoneyJson(p.cap_used)},
      {"cap_used_recorded", p.cap_used_recorded},
      {"explanation", p.Explain()}};
}

// The preview of a parsed definition and order on the state as it is:
// the registry's checks of a new programme (the same refusal as POST
// /v1/programmes), the parties, then the evaluation.
HttpResponse PreviewOn(const state::State& s, const Call& c, programme::ProgrammeRules rules,
                       const programme::SampleOrder& order) {
  const programme::Registry& registry = s.registry();
  // An operator previews its own programme's terms or a new programme's,
  // never another programme's (its enterprises' use of the cap is not theirs).
  if (c.who.role == Role::kOperator && c.who.scope != rules.id.value() &&
      registry.FindProgramme(rules.id) != nullptr) {
    return Forbidden(c, "preview another programme's terms");
  }
  // As POST /v1/programmes: the level is the issuer's.
  if (const programme::Jurisdiction* j = registry.FindJurisdiction(rules.issuer)) {
    rules.level = j->level;
  }
  if (const state::RegistryResult check = s.CheckProgramme(rules);
      check.result != programme::RegistryResult::kOk) {
    return Fail(c, programme::RegistryResultName(check.result), check.message);
  }
  if (registry.FindEnterprise(order.enterprise) == nullptr) {
    return Fail(c, "unknown_enterprise",
                "'order.enterprise': no enterprise " + std::to_string(order.enterprise.value()));
  }
  if (registry.FindProvider(order.provider) == nullptr) {
    return Fail(c, "unknown_provider",
                "'order.provider': no provider " + std::to_string(order.provider.value()));
  }
  const Result<programme::Preview> preview =
      programme::PreviewOrder(rules, registry, s.book(), order);
  if (!preview.ok()) return Fail(c, "invalid_field", preview.status().message());
  return Reply(PreviewJson(*preview));
}

}  // namespace

Answer Service::PreviewProgramme(Call& c) {
  if (!Is(c, {Role::kAdmin, Role::kOperator})) {
    return Forbidden(c, "preview programme rules (admin and operator tokens may)");
  }
  Fields f(c.body);
  const Json* definition = f.Raw("programme", true);
  const Json* order = f.Raw("order", true);
  if (!f.Done()) return Fail(c, f.code(), f.detail());
  if (!definition->is_object()) return Fail(c, "invalid_field", "'programme' must be an object");
  if (!order->is_object()) return Fail(c, "invalid_field", "'order' must be an object");
  std::string code;
  std::string detail;
  std::optional<programme::ProgrammeRules> rules = ReadProgramme(*definition, &code, &detail);
  if (!rules) return Fail(c, code, detail);
  const std::optional<programme::SampleOrder> sample =
      ReadSampleOrder(*order, clock_->Now(), &code, &detail);
  if (!sample) return Fail(c, code, detail);
  return Look(*engine_, c, [&](const state::State& s) { return PreviewOn(s, c, *rules, *sample); });
}

}  // namespace bg::api
