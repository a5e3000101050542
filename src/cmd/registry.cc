#include "cmd/registry.h"

#include <CLI/CLI.hpp>

namespace bg::cmd {

CLI::App* Registry::Group(const std::string& name, const std::string& help) {
  CLI::App*& group = groups_[name];
  if (group == nullptr) {
    group = app_.add_subcommand(name, help);
    group->require_subcommand(1);
  }
  return group;
}

void Registry::OnRun(CLI::App* command, std::function<Status()> run) {
  entries_.push_back({command, std::move(run)});
}

std::optional<Status> Registry::RunChosen() const {
  for (const Entry& e : entries_) {
    if (e.command->parsed()) return e.run();
  }
  return std::nullopt;
}

}  // namespace bg::cmd
