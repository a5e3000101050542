#include "server/scenario_check.h"

#include <cstdio>

#include "programme/scenario.h"

namespace bg::server {
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

Status RunScenarioCheck(const std::string& path) {
  Result<programme::Scenario> scenario = programme::LoadScenarioFile(path);
  if (!scenario.ok()) return scenario.status();
  std::printf("%s: %zu jurisdictions, %zu enterprises, %zu providers, %zu programmes\n",
              path.c_str(), scenario->jurisdictions.size(), scenario->enterprises.size(),
              scenario->providers.size(), scenario->programmes.size());
  for (const programme::ProgrammeRules& p : scenario->programmes) PrintProgramme(p);
  std::printf("RESULT scenario jurisdictions=%zu programmes=%zu enterprises=%zu providers=%zu\n",
              scenario->jurisdictions.size(), scenario->programmes.size(),
              scenario->enterprises.size(), scenario->providers.size());
  return Status::Ok();
}

}  // namespace bg::server
