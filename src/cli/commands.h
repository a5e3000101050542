// The HTTP CLI: `baygrid <noun> <verb>` for what the API does, talking to a
// running server (`--server`, or BAYGRID_URL; default http://127.0.0.1:8080)
// with a token (`--token`, or BAYGRID_TOKEN). Readable tables by default,
// `--json` for scripts. Each command is a row of the API's route table
// (api/spec/routes.h): its noun and verb, help and example, the HTTP
// method and path, and the flags that become the JSON body or the query
// string, so the CLI and the API cannot drift apart.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

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

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace bg::cli
