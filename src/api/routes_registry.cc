// Reads of the registry and the network: jurisdictions, programmes (with
// their money totals), enterprises, providers, sites and pools.
#include "api/handlers.h"
#include "api/list_query.h"
#include "api/service.h"
#include "api/views.h"
#include "programme/reconcile.h"

namespace bg::api {
namespace {

// A page of one of the registry's id-ordered records, each as its View;
// `keep` says which of them the caller sees.
template <typename Members, typename Keep>
HttpResponse ListPage(engine::Engine& engine, Call& c, Members members, Keep keep) {
  HttpResponse fail;
  auto page = Look(engine, c, [&](const state::State& s) {
    return Page(
        c, members(s), [&](const auto& v) { return keep(c, v); },
        [](const auto& v) { return View(v); }, &fail);
  });
  return page ? Reply(*page) : fail;
}

constexpr auto kEveryone = [](const Call&, const auto&) { return true; };

}  // namespace

// Lists that show everyone the same are answered from the read cache while
// nothing changed.
Answer Service::ListJurisdictions(Call& c) {
  return CachedRead(c, [&] {
    return ListPage(
        *engine_, c,
        [](const state::State& s) -> const auto& { return s.registry().jurisdictions(); },
        kEveryone);
  });
}

Answer Service::ListProgrammes(Call& c) {
  return CachedRead(c, [&] {
    return ListPage(
        *engine_, c, [](const state::State& s) -> const auto& { return s.registry().programmes(); },
        kEveryone);
  });
}

Answer Service::ListProviders(Call& c) {
  return CachedRead(c, [&] {
    return ListPage(
        *engine_, c, [](const state::State& s) -> const auto& { return s.registry().providers(); },
        kEveryone);
  });
}

Answer Service::ListSites(Call& c) {
  return CachedRead(c, [&] {
    HttpResponse fail;
    auto page = Look(*engine_, c, [&](const state::State& s) {
      return Page(
          c, s.network().sites(), [](const network::Site&) { return true; },
          [&](const network::Site& site) { return SiteWithNames(site, s); }, &fail);
    });
    return page ? Reply(*page) : fail;
  });
}

// Enterprises see themselves only; providers see none.
Answer Service::ListEnterprises(Call& c) {
  return ListPage(
      *engine_, c, [](const state::State& s) -> const auto& { return s.registry().enterprises(); },
      [](const Call& caller, const programme::Enterprise& e) {
        if (caller.who.role == Role::kEnterprise) return e.id.value() == caller.who.scope;
        return caller.who.role != Role::kProvider;
      });
}

// ?provider= and ?site= narrow the list to one provider's or one site's
// pools (a provider's console lists its own).
Answer Service::ListPools(Call& c) {
  return CachedRead(c, [&] {
    HttpResponse fail;
    std::optional<uint64_t> provider;
    std::optional<uint64_t> site;
    if (!QueryIdParam(c, "provider", &provider, &fail) || !QueryIdParam(c, "site", &site, &fail)) {
      return fail;
    }
    auto page = Look(*engine_, c, [&](const state::State& s) {
      return Page(
          c, s.network().pools(),
          [&](const network::Pool& p) {
            if (site && p.site.value() != *site) return false;
            if (!provider) return true;
            const network::Site* at = s.network().FindSite(p.site);
            return at != nullptr && at->provider.value() == *provider;
          },
          [&](const network::Pool& p) { return PoolWithNames(p, s); }, &fail);
    });
    return page ? Reply(*page) : fail;
  });
}

// A new programme from its whole definition (programme_json.cc). Its
// level is its issuer's; the registry checks every id it names.
Answer Service::CreateProgramme(Call& c) {
  if (!Is(c, {Role::kAdmin})) return Forbidden(c, "create programmes");
  std::string code;
  std::string detail;
  std::optional<programme::ProgrammeRules> p = ReadProgramme(c.body, &code, &detail);
  if (!p) return Fail(c, code, detail);
  Look(*engine_, c, [&](const state::State& s) {
    if (const programme::Jurisdiction* j = s.registry().FindJurisdiction(p->issuer)) {
      p->level = j->level;
    }
  });
  return Answer(state::CreateProgramme{*p}, Registered(c, View(*p), true));
}

Answer Service::GetProgramme(Call& c) {
  const std::optional<uint64_t> id = PathId(c, "id");
  if (!id) return Fail(c, "invalid_field", "the programme id must be a positive number");
  if (c.who.role == Role::kOperator && c.who.scope != *id) {
    return Forbidden(c, "read another programme's totals");
  }
  const bool totals = Is(c, {Role::kAdmin, Role::kOperator, Role::kAuditor});
  return Look(*engine_, c, [&](const state::State& s) {
    Json out = ProgrammeDetail(s, ProgrammeId(*id), clock_->Now(), totals);
    if (out.is_null()) return Fail(c, "not_found", "no programme " + std::to_string(*id));
    return Reply(out);
  });
}

}  // namespace bg::api
