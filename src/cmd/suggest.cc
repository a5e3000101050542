#include "cmd/suggest.h"

#include <algorithm>

#include <CLI/CLI.hpp>

namespace bg::cmd {

size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = up;
    }
  }
  return row[b.size()];
}

std::vector<std::string> Nearest(std::string_view word, const std::vector<std::string>& known) {
  std::vector<std::pair<size_t, std::string>> near;
  for (const std::string& k : known) {
    const size_t d = EditDistance(word, k);
    const size_t bound = std::max<size_t>(1, std::max(word.size(), k.size()) / 4);
    const bool prefix = !word.empty() && k.rfind(word, 0) == 0;
    if (d <= bound || prefix) near.emplace_back(prefix ? 0 : d, k);
  }
  std::stable_sort(near.begin(), near.end(),
                   [](const auto& x, const auto& y) { return x.first < y.first; });
  std::vector<std::string> out;
  for (size_t i = 0; i < near.size() && i < 3; ++i) out.push_back(near[i].second);
  return out;
}

namespace {

std::string Join(const std::vector<std::string>& words, const std::string& prefix) {
  std::string out;
  for (const std::string& w : words) {
    if (!out.empty()) out += ", ";
    out += prefix;
    out += w;
  }
  return out;
}

}  // namespace

std::string Suggestion(const CLI::App& app, const std::vector<std::string>& args) {
  const CLI::App* at = &app;
  std::string path;
  for (const std::string& word : args) {
    if (word.rfind('-', 0) == 0) {
      // An option the command reached does not know.
      const std::string name = word.substr(0, word.find('='));
      std::vector<std::string> known;
      for (const CLI::Option* o : at->get_options()) {
        for (const std::string& l : o->get_lnames()) known.push_back("--" + l);
      }
      if (std::find(known.begin(), known.end(), name) != known.end()) continue;
      const std::vector<std::string> near = Nearest(name, known);
      if (!near.empty()) return "did you mean: " + path + Join(near, "") + "?";
      continue;
    }
    const CLI::App* sub = nullptr;
    std::vector<std::string> names;
    for (const CLI::App* s : at->get_subcommands([](const CLI::App*) { return true; })) {
      names.push_back(s->get_name());
      if (s->get_name() == word) sub = s;
    }
    if (sub != nullptr) {
      at = sub;
      path += word + " ";
      continue;
    }
    if (names.empty()) continue;  // a positional argument of a command
    const std::vector<std::string> near = Nearest(word, names);
    if (near.empty()) return "";
    return "did you mean: " + Join(near, path) + "?";
  }
  return "";
}

}  // namespace bg::cmd
