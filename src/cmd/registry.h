// How the binary's subcommands join it: each module (serve.cc, demo.cc,
// bench.cc, ...) has a Register function that adds its CLI11 subcommands and
// flags to the app and says, for each, what runs when the command line
// chooses it. main.cc lists the Register functions and nothing else, so a
// subcommand is one module: its flags, its help, its example and its run
// are written beside each other.
//
// Thread-safety: used by main's thread only, before anything starts.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"

namespace CLI {  // NOLINT(readability-identifier-naming): CLI11's namespace
class App;
}  // namespace CLI

namespace bg::cmd {

class Registry {
 public:
  explicit Registry(CLI::App& app) : app_(app) {}

  CLI::App& app() { return app_; }
  // The group `name` ("bench", "settle"), made by the first module that
  // asks for it; its verbs come from the modules.
  CLI::App* Group(const std::string& name, const std::string& help);
  // When `command` was chosen, `run` is what the binary does.
  void OnRun(CLI::App* command, std::function<Status()> run);
  // After parsing: the chosen command's status, or nothing if none of the
  // registered ones was chosen.
  std::optional<Status> RunChosen() const;

 private:
  struct Entry {
    CLI::App* command;
    std::function<Status()> run;
  };
  CLI::App& app_;
  std::map<std::string, CLI::App*> groups_;
  std::vector<Entry> entries_;
};

// One module's registration.
using Register = void (*)(Registry&);

}  // namespace bg::cmd
