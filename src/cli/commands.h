// The HTTP CLI: `baygrid <noun> <verb>` for what the API does, talking to a
// running server (`--server`, or BAYGRID_URL; default http://127.0.0.1:8080)
// with a token (`--token`, or BAYGRID_TOKEN). Readable tables by default,
// `--json` for scripts. Each command is a row of the API's route table
// (api/spec/routes.h): its noun and verb, help and example, the HTTP
// method and path, and the flags that become the JSON body or the query
// string, so the CLI and the API cannot drift apart.
//
// Some verbs also work on a database file with no server running (the
// first admin token, an offline audit, statements and flows from a copy):
// given `--db FILE`, such a verb runs its offline handler (registered by
// cmd/, AddOffline) instead of calling the server — one noun per thing,
// whichever way it is reached.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "common/status.h"

namespace CLI {  // NOLINT(readability-identifier-naming): CLI11's namespace
class App;
}  // namespace CLI

namespace bg::cli {

class HttpCli {
 public:
  // Adds the nouns and verbs to `app` (before parsing).
  explicit HttpCli(CLI::App& app);
  ~HttpCli();
  HttpCli(const HttpCli&) = delete;
  HttpCli& operator=(const HttpCli&) = delete;
  // After parsing: whether one of ours was chosen, and running it (the
  // process exit code).
  bool chosen() const;
  int Run();

  // Every flag's value by its name ("--role" -> "admin"; "" when not
  // given), "--db", and the id argument as "id".
  using FlagValues = std::map<std::string, std::string>;
  struct Offline {
    const char* noun;
    const char* verb;
    const char* db_help;  // what --db does for this verb
    // Flags only the offline form takes: (name, help).
    std::vector<std::pair<std::string, std::string>> extra_flags;
    std::function<Status(const FlagValues&)> run;
  };
  // `noun verb --db FILE` runs `offline.run` instead of the HTTP call.
  void AddOffline(Offline offline);

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace bg::cli
