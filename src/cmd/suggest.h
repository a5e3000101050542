// "Did you mean": what to say when the command line names a subcommand or
// an option that does not exist — the nearest ones that do, by edit
// distance, among the subcommands of the deepest command the words reached
// or the options of that command. CLI11 itself only says that a
// subcommand is required or that arguments were not expected.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace CLI {  // NOLINT(readability-identifier-naming): CLI11's namespace
class App;
}  // namespace CLI

namespace bg::cmd {

// The edit distance (insertions, deletions, substitutions; bytes).
size_t EditDistance(std::string_view a, std::string_view b);

// Up to three of `known` near `word` (distance at most a quarter of the
// longer, at least 1), nearest first; a known word that starts with `word`
// counts as near.
std::vector<std::string> Nearest(std::string_view word, const std::vector<std::string>& known);

// The line to print under CLI11's error for `args` (argv without the
// program's name): "did you mean: programmes list?" or ""; `app` is the
// parsed-into application.
std::string Suggestion(const CLI::App& app, const std::vector<std::string>& args);

}  // namespace bg::cmd
