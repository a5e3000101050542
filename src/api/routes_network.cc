// Registering providers, sites and pools over the API (the scenario file
// does the same at start-up): admin for providers and sites; a provider
// may add pools at its own sites.
#include "api/handlers.h"
#include "api/service.h"
#include "api/views.h"
#include "programme/names.h"

namespace bg::api {
namespace {

HttpResponse NetworkAnswer(const Call& c, network::NetworkResult r, const Json& ok) {
  if (r == network::NetworkResult::kOk) return Reply(ok, 201);
  if (r == network::NetworkResult::kExists) return Reply(ok);
  return Fail(c, network::NetworkResultName(r), "the network refused it");
}

}  // namespace

Answer Service::RegisterJurisdiction(Call& c) {
  if (!Is(c, {Role::kAdmin})) return Forbidden(c, "register jurisdictions");
  Fields f(c.body);
  const auto id = f.Id("id");
  const auto code = f.Str("code", true, 64);
  const auto name = f.Str("name", true, 200);
  const auto name_zh = f.Str("name_zh", false, 200);
  const auto level = f.Str("level", true, 16);
  const auto parent = f.Id("parent", false);
  const auto currency = f.Str("currency", false, 3);
  if (!f.Done()) return Fail(c, f.code(), f.detail());
  const auto l = programme::FromName(programme::kLevelNames, *level);
  const auto cur = programme::FromName(programme::kCurrencyNames, currency.value_or("CNY"));
  if (!l) {
    return Fail(
        c, "invalid_field",
        "level '" + *level + "' is not one of " + programme::AllowedNames(programme::kLevelNames));
  }
  if (!cur) {
    return Fail(c, "invalid_field",
                "currency '" + currency.value_or("") + "' is not one of " +
                    programme::AllowedNames(programme::kCurrencyNames));
  }
  programme::Jurisdiction j;
  j.id = JurisdictionId(*id);
  j.code = *code;
  j.name = *name;
  j.name_zh = name_zh.value_or("");
  j.level = *l;
  if (parent) j.parent = JurisdictionId(*parent);
  j.currency_ledger = *cur;
  return Answer(state::RegisterJurisdiction{j}, Registered(c, View(j)));
}

Answer Service::RegisterProvider(Call& c) {
  if (!Is(c, {Role::kAdmin})) return Forbidden(c, "register providers");
  Fields f(c.body);
  const auto id = f.Id("id");
  const auto name = f.Str("name", true, 200);
  const auto code = f.Str("credit_code", true, 18);
  const auto home = f.Id("home");
  // The compute platforms it is connected to (Dongguan's programme pays
  // only at providers on its platform).
  const auto platforms = f.Ids("platforms", false, 64);
  if (!f.Done()) return Fail(c, f.code(), f.detail());
  programme::Provider p;
  p.id = ProviderId(*id);
  p.name = *name;
  p.credit_code = *code;
  p.home = JurisdictionId(*home);
  p.platforms = platforms.value_or(std::vector<uint64_t>{});
  return Answer(state::RegisterProvider{p}, Registered(c, View(p)));
}

Answer Service::RegisterSite(Call& c) {
  if (!Is(c, {Role::kAdmin})) return Forbidden(c, "register sites");
  Fields f(c.body);
  const auto id = f.Id("id");
  const auto code = f.Str("code", true, 64);
  const auto name = f.Str("name", true, 200);
  const auto city = f.Id("city");
  const auto provider = f.Id("provider");
  if (!f.Done()) return Fail(c, f.code(), f.detail());
  network::Site s{.id = SiteId(*id),
                  .code = *code,
                  .name = *name,
                  .city = JurisdictionId(*city),
                  .provider = ProviderId(*provider)};
  return Answer(state::RegisterSite{s},
                [&c, view = View(s)](const state::State&, const state::CommandResult& r) {
                  return NetworkAnswer(c, std::get<state::NetworkResult>(r).result, view);
                });
}

// Latency and bandwidth between two cities (both ways); setting it again
// replaces it.
Answer Service::SetLink(Call& c) {
  if (!Is(c, {Role::kAdmin})) return Forbidden(c, "set links between cities");
  Fields f(c.body);
  const auto a = f.Id("a");
  const auto b = f.Id("b");
  const auto latency = f.U64("latency_us", true, 10'000'000);
  const auto bandwidth = f.U64("bandwidth_mbps", true, 100'000'000);
  if (!f.Done()) return Fail(c, f.code(), f.detail());
  network::Link l{.a = JurisdictionId(*a),
                  .b = JurisdictionId(*b),
                  .latency_us = static_cast<uint32_t>(*latency),
                  .bandwidth_mbps = static_cast<uint32_t>(*bandwidth)};
  Json view = {{"a", *a}, {"b", *b}, {"latency_us", *latency}, {"bandwidth_mbps", *bandwidth}};
  return Answer(state::SetLink{l}, [&c, view = std::move(view)](const state::State&,
                                                                const state::CommandResult& r) {
    const network::NetworkResult out = std::get<state::NetworkResult>(r).result;
    if (out == network::NetworkResult::kUnknownSite) {
      return Fail(c, "unknown_jurisdiction", "a and b must be registered jurisdictions");
    }
    return NetworkAnswer(c, out, view);
  });
}

Answer Service::AddPool(Call& c) {
  Fields f(c.body);
  const auto id = f.Id("id");
  const auto site = f.Id("site");
  const auto accelerator = f.Str("accelerator", true, 32);
  const auto domestic = f.Bool("domestic", false);
  const auto memory = f.U64("memory_gb", true, 4096);
  const auto total = f.U64("cards_total", true, 1'000'000);
  const auto offered = f.U64("cards_offered", false, 1'000'000);
  const auto shared = f.Fen("price_shared_fen", true);
  const auto exclusive = f.Fen("price_exclusive_fen", true);
  const auto priority = f.Fen("price_priority_fen", true);
  if (!f.Done()) return Fail(c, f.code(), f.detail());
  const bool allowed =
      c.who.role == Role::kAdmin ||
      (c.who.role == Role::kProvider && Look(*engine_, c, [&](const state::State& s) {
         const network::Site* at = s.network().FindSite(SiteId(*site));
         return at != nullptr && at->provider.value() == c.who.scope;
       }));
  if (!allowed) return Forbidden(c, "add a pool at this site");
  network::Pool p{.id = PoolId(*id),
                  .site = SiteId(*site),
                  .accelerator = *accelerator,
                  .domestic = domestic.value_or(false),
                  .memory_gb = static_cast<uint32_t>(*memory),
                  .cards_total = static_cast<uint32_t>(*total),
                  .cards_offered = static_cast<uint32_t>(offered.value_or(*total)),
                  .price = {*shared, *exclusive, *priority}};
  return Answer(state::RegisterPool{p},
                [&c, view = View(p, 0)](const state::State&, const state::CommandResult& r) {
                  return NetworkAnswer(c, std::get<state::NetworkResult>(r).result, view);
                });
}

}  // namespace bg::api
