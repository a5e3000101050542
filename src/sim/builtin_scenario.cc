#include "sim/builtin_scenario.h"

namespace bg::sim {

// Defined in the generated gba_toml.cc.
extern const std::string_view kGbaToml;

std::string_view BuiltinScenarioToml() { return kGbaToml; }

Result<programme::Scenario> LoadScenario(const std::string& name_or_path) {
  if (name_or_path == kBuiltinScenario) {
    return programme::ParseScenario(kGbaToml, "gba.toml (built in)");
  }
  return programme::LoadScenarioFile(name_or_path);
}

}  // namespace bg::sim
