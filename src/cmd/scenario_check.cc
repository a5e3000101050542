#include "cmd/scenario_check.h"

#include <cstdio>
#include <memory>

#include <CLI/CLI.hpp>

#include "common/clock.h"
#include "engine/engine.h"
#include "storage/memory_store.h"
#include "world/builtin.h"
#include "world/commands.h"
#include "world/world.h"

namespace bg::cmd {
namespace {

std::string Percent(uint32_t bp) {
  char buf[16];
  std::snprintf(buf, sizeof(buf), "%u.%02u%%", bp / 100, bp % 100);
  return buf;
}

void PrintProgramme(const programme::ProgrammeRules& p) {
  std::printf(
      "  %-28s %-6s ratio %-7s budget %16s yuan  yearly cap %s\n", p.name.c_str(), p.kind.c_str(),
      Percent(p.default_ratio_bp).c_str(), p.total_budget.ToYuanString().c_str(),
      p.default_entity_year_cap ? p.default_entity_year_cap->ToYuanString().c_str() : "none");
}

}  // namespace

// What a command registers, for error messages.
std::string Describe(const state::CommandBody& body) {
  if (const auto* j = std::get_if<state::RegisterJurisdiction>(&body)) {
    return "jurisdiction " + j->jurisdiction.code;
  }
  if (const auto* e = std::get_if<state::RegisterEnterprise>(&body)) {
    return "enterprise " + e->enterprise.name;
  }
  if (const auto* p = std::get_if<state::RegisterProvider>(&body)) {
    return "provider " + p->provider.name;
  }
  if (const auto* g = std::get_if<state::CreateProgramme>(&body)) {
    return "programme " + g->rules.name;
  }
  if (const auto* s = std::get_if<state::RegisterSite>(&body)) return "site " + s->site.code;
  if (const auto* p = std::get_if<state::RegisterPool>(&body)) {
    return "pool " + std::to_string(p->pool.id.value()) + " (" + p->pool.accelerator + ")";
  }
  if (std::holds_alternative<state::SetLink>(body)) return "link";
  if (const auto* f = std::get_if<state::RegisterFacility>(&body)) {
    return "facility " + f->facility.name;
  }
  return "command";
}

Status RunScenarioCheck(const std::string& path) {
  Result<world::World> scenario = world::Load(path);
  if (!scenario.ok()) return scenario.status();
  // Load it as ordinary commands through the engine, into a scratch store.
  storage::MemoryStore scratch;
  VirtualClock clock;
  engine::EngineOptions options;
  options.idle_tick = std::chrono::milliseconds(0);
  BG_ASSIGN_OR_RETURN(auto engine, engine::Engine::Open(&scratch, &clock, options));
  int refused = 0;
  for (state::CommandBody& body : world::ToCommands(*scenario)) {
    const std::string what = Describe(body);
    BG_ASSIGN_OR_RETURN(state::CommandResult r, engine->Execute(std::move(body)));
    if (std::optional<std::string> why = world::Refusal(r)) {
      std::printf("%s: %s refused: %s\n", path.c_str(), what.c_str(), why->c_str());
      ++refused;
    }
  }
  struct Counts {
    size_t jurisdictions, programmes, enterprises, providers, sites, pools, facilities;
    uint64_t cards;
  };
  const Counts n = engine->Read([](const state::State& s) {
    const programme::Registry& reg = s.registry();
    uint64_t cards = 0;
    for (const auto& [id, pool] : s.network().pools()) cards += pool.cards_offered;
    return Counts{reg.jurisdictions().size(),         reg.programmes().size(),
                  reg.enterprises().size(),           reg.providers().size(),
                  s.network().sites().size(),         s.network().pools().size(),
                  s.facilities().facilities().size(), cards};
  });
  std::printf("%s: %zu jurisdictions, %zu enterprises, %zu providers, %zu programmes\n",
              path.c_str(), n.jurisdictions, n.enterprises, n.providers, n.programmes);
  for (const programme::ProgrammeRules& p : scenario->programmes) PrintProgramme(p);
  std::printf("%s: network of %zu sites, %zu pools, %llu cards offered\n", path.c_str(), n.sites,
              n.pools, static_cast<unsigned long long>(n.cards));
  if (n.facilities > 0) {
    std::printf("%s: %zu shared facilities and instruments\n", path.c_str(), n.facilities);
  }
  std::printf("RESULT scenario jurisdictions=%zu programmes=%zu enterprises=%zu providers=%zu\n",
              n.jurisdictions, n.programmes, n.enterprises, n.providers);
  if (refused > 0) {
    return InvalidArgument(std::to_string(refused) + " records of " + path +
                           " were refused by the engine");
  }
  return Status::Ok();
}

void RegisterScenarioCheck(Registry& registry) {
  auto path = std::make_shared<std::string>();
  CLI::App* scenario = registry.Group("scenario", "Scenario files (docs/programmes.md)");
  CLI::App* check = scenario->add_subcommand(
      "check", "Read a scenario file; report the first error with its line, or what it defines");
  check->add_option("file", *path, "The scenario file, or gba (the built-in one)")->required();
  check->footer(
      "Examples:\n  baygrid scenario check scenarios/gba.toml\n  baygrid scenario check gba");
  registry.OnRun(check, [path] { return RunScenarioCheck(*path); });
}

}  // namespace bg::cmd
