// The Greater Bay Area scenario (scenarios/gba.toml) and the Shenzhen–
// Dongguan science alliance's facilities (scenarios/alliance.toml), built
// into the binary:
// the build turns the file into a string constant (cmake/embed_text.cmake),
// so the demo, `sim compare`, `bench usage` and `serve --scenario gba` run
// from any directory. A scenario argument is the name `gba` (the built-in
// one) or the path of a scenario file (`./gba` for a file of that name).
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"
#include "world/world.h"

namespace bg::world {

// The names that stand for the built-in scenarios.
inline constexpr std::string_view kBuiltin = "gba";
inline constexpr std::string_view kBuiltinAlliance = "alliance";

// The text of scenarios/gba.toml as it was when the binary was built.
std::string_view BuiltinToml();

// `name_or_path` == kBuiltin or kBuiltinAlliance: that built-in scenario;
// otherwise the file at that path (world::LoadWorldFile).
Result<World> Load(const std::string& name_or_path);

}  // namespace bg::world
