// baygrid: one binary, many subcommands. Each module registers its own
// (cmd/registry.h); this file lists the modules, in the order `--help`
// shows them, then the HTTP CLI's nouns (cli/commands.h), parses, and runs
// what was chosen.
#include <cstdio>

#include <CLI/CLI.hpp>

#include "cli/commands.h"
#include "cmd/agent.h"
#include "cmd/bench.h"
#include "cmd/demo.h"
#include "cmd/offline.h"
#include "cmd/registry.h"
#include "cmd/scenario_check.h"
#include "cmd/serve.h"
#include "cmd/sim_compare.h"
#include "cmd/suggest.h"

namespace {

constexpr bg::cmd::Register kModules[] = {
    bg::cmd::RegisterBench, bg::cmd::RegisterScenarioCheck, bg::cmd::RegisterSim,
    bg::cmd::RegisterServe, bg::cmd::RegisterDemo,          bg::cmd::RegisterAgent,
};

}  // namespace

// CLI11 throws only on programming errors (e.g. an option added twice), and
// CLI11_PARSE handles parse errors; anything else escaping should terminate.
int main(int argc, char** argv) {  // NOLINT(bugprone-exception-escape)
  CLI::App app{"baygrid: compute vouchers (算力券) and the compute network that spends them"};
  app.require_subcommand(1);
  bg::cmd::Registry registry(app);
  for (bg::cmd::Register add : kModules) add(registry);
  bg::cli::HttpCli http_cli(app);      // baygrid <noun> <verb> against a running server
  bg::cmd::AddOfflineVerbs(http_cli);  // ... or, given --db, on a database file

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    // An unknown subcommand or option: say what is near.
    if (code != 0) {
      const std::string hint =
          bg::cmd::Suggestion(app, std::vector<std::string>(argv + 1, argv + argc));
      if (!hint.empty()) std::fprintf(stderr, "%s\n", hint.c_str());
    }
    return code;
  }
  if (http_cli.chosen()) return http_cli.Run();
  const std::optional<bg::Status> status = registry.RunChosen();
  if (status && !status->ok()) {
    std::fprintf(stderr, "baygrid: %s\n", status->ToString().c_str());
    return 1;
  }
  return 0;
}
