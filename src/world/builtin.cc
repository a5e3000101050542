#include "world/builtin.h"

namespace bg::world {

// Defined in the generated gba_toml.cc and alliance_toml.cc.
extern const std::string_view kGbaToml;       // NOLINT(readability-identifier-naming): a constant
extern const std::string_view kAllianceToml;  // NOLINT(readability-identifier-naming): a constant

std::string_view BuiltinToml() { return kGbaToml; }

Result<World> Load(const std::string& name_or_path) {
  if (name_or_path == kBuiltin) {
    return world::ParseWorld(kGbaToml, "gba.toml (built in)");
  }
  if (name_or_path == kBuiltinAlliance) {
    return world::ParseWorld(kAllianceToml, "alliance.toml (built in)");
  }
  return world::LoadWorldFile(name_or_path);
}

}  // namespace bg::world
