#include "cli/commands.h"

#include <chrono>
#include <cstdlib>
#include <set>

#include <CLI/CLI.hpp>
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "api/service.h"
#include "cli/http_client.h"

namespace bg::cli {
namespace {

// The CLI covers the API: every documented route that needs a token (the
// document and the CLI are both built from the route table) has its
// `baygrid <noun> <verb>`, and every command of the CLI is such a route.
TEST(CliTest, EveryRouteHasACommandAndEveryCommandARoute) {
  CLI::App app;
  HttpCli cli(app);
  std::set<std::pair<std::string, std::string>> documented;
  const api::Json doc = api::Service::OpenApi();
  for (auto p = doc["paths"].begin(); p != doc["paths"].end(); ++p) {
    for (auto m = p->begin(); m != p->end(); ++m) {
      if (!m->contains("security")) continue;  // public: no token, no command
      std::string method = m.key();
      for (char& c : method) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      documented.emplace(method, p.key());
    }
  }
  std::set<std::pair<std::string, std::string>> commanded;
  size_t commands = 0;
  for (const api::spec::Route& r : api::spec::Routes()) {
    if (r.cli.noun == nullptr) continue;
    const CLI::App* verb = app.get_subcommand(r.cli.noun)->get_subcommand(r.cli.verb);
    EXPECT_EQ(verb->get_description(), r.cli.help);
    commanded.emplace(r.method, r.path);
    ++commands;
  }
  EXPECT_EQ(commanded, documented);
  // No command beyond the routes' but `keys generate` (offline).
  size_t verbs = 0;
  for (const CLI::App* noun : app.get_subcommands({})) verbs += noun->get_subcommands({}).size();
  EXPECT_EQ(verbs, commands + 1);
}

// Splits an example as the shell would (words; '...' quotes a word).
std::vector<std::string> Words(const std::string& line) {
  std::vector<std::string> out;
  std::string word;
  bool quoted = false;
  bool any = false;
  for (char ch : line) {
    if (ch == '\'') {
      quoted = !quoted;
      any = true;
    } else if (ch == ' ' && !quoted) {
      if (any) out.push_back(word);
      word.clear();
      any = false;
    } else {
      word.push_back(ch);
      any = true;
    }
  }
  if (any) out.push_back(word);
  return out;
}

// Every command's example (its --help footer) is a command line the CLI
// takes: its noun, verb, id and flags exist.
TEST(CliTest, EveryExampleParses) {
  for (const api::spec::Route& r : api::spec::Routes()) {
    if (r.cli.noun == nullptr) continue;
    CLI::App app;
    HttpCli cli(app);
    const std::vector<std::string> words = Words(r.cli.example);
    ASSERT_EQ(words.front(), "baygrid");
    std::vector<const char*> argv;
    argv.reserve(words.size());
    for (const std::string& w : words) argv.push_back(w.c_str());
    EXPECT_NO_THROW(app.parse(static_cast<int>(argv.size()), argv.data())) << r.cli.example;
    EXPECT_TRUE(cli.chosen()) << r.cli.example;
  }
}

// Runs `baygrid <args>` through the CLI's table; the exit code and what it
// printed on stderr.
int RunCli(const std::vector<std::string>& args, std::string* err) {
  CLI::App app;
  HttpCli cli(app);
  std::vector<const char*> argv = {"baygrid"};
  for (const std::string& a : args) argv.push_back(a.c_str());
  try {
    app.parse(static_cast<int>(argv.size()), argv.data());
  } catch (const CLI::ParseError& e) {
    *err = e.what();
    return 2;
  }
  ::testing::internal::CaptureStderr();
  const int code = cli.Run();
  *err = ::testing::internal::GetCapturedStderr();
  return code;
}

// A flag's value that cannot be right is refused before anything is sent,
// naming the flag and what it must be (no server listens on port 1).
TEST(CliTest, AFlagThatCannotBeRightIsNamed) {
  const std::vector<std::string> quote = {
      "jobs", "quote", "--server", "http://127.0.0.1:1", "--accelerator", "A800"};
  auto with = [&](std::vector<std::string> extra) {
    std::vector<std::string> args = quote;
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  };
  struct Case {
    std::vector<std::string> flags;
    const char* names;
    const char* says;
  };
  const Case cases[] = {
      {{"--cards", "-1", "--hours", "1"}, "--cards", "at least 1"},
      {{"--cards", "0", "--hours", "1"}, "--cards", "at least 1"},
      {{"--cards", "1.5", "--hours", "1"}, "--cards", "whole number"},
      {{"--cards", "8", "--hours", "0"}, "--hours", "more than 0"},
      {{"--cards", "8", "--hours", "-2"}, "--hours", "more than 0"},
      {{"--cards", "8", "--hours", "nan"}, "--hours", "number"},
  };
  for (const Case& c : cases) {
    std::string err;
    EXPECT_EQ(RunCli(with(c.flags), &err), 2) << err;
    EXPECT_NE(err.find(c.names), std::string::npos) << err;
    EXPECT_NE(err.find(c.says), std::string::npos) << err;
  }
  // A count may be 0 (a pool offering none), never negative.
  std::string err;
  EXPECT_EQ(
      RunCli({"pools", "offer", "2", "--cards", "-3", "--server", "http://127.0.0.1:1"}, &err), 2);
  EXPECT_NE(err.find("--cards"), std::string::npos) << err;
  EXPECT_EQ(RunCli({"pools", "offer", "2", "--cards", "0", "--server", "http://127.0.0.1:1"}, &err),
            1)
      << err;  // sent: nobody answers
}

// A server that accepts and never answers (a socket that listens and is
// never served: the kernel completes the handshake) is an error after the
// timeout, not a hang; the CLI's --timeout and BAYGRID_TIMEOUT set it.
TEST(HttpClientTest, AServerThatNeverAnswersIsAnErrorAfterTheTimeout) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(listen(fd, 16), 0);
  socklen_t len = sizeof addr;
  ASSERT_EQ(getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  const std::string base = "http://127.0.0.1:" + std::to_string(ntohs(addr.sin_port));

  const auto start = std::chrono::steady_clock::now();
  const Result<ClientResponse> r =
      HttpCall(base, "GET", "/v1/pools", "", "", std::chrono::milliseconds(200));
  const auto took = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("did not answer within 0.2 s"), std::string::npos)
      << r.status();
  EXPECT_GE(took, std::chrono::milliseconds(200));
  EXPECT_LT(took, std::chrono::seconds(5));

  std::string err;
  EXPECT_EQ(RunCli({"pools", "list", "--server", base, "--timeout", "0.2"}, &err), 1);
  EXPECT_NE(err.find("did not answer within 0.2 s"), std::string::npos) << err;
  setenv("BAYGRID_TIMEOUT", "0.25", 1);  // NOLINT(concurrency-mt-unsafe): one thread
  EXPECT_EQ(RunCli({"pools", "list", "--server", base}, &err), 1);
  unsetenv("BAYGRID_TIMEOUT");  // NOLINT(concurrency-mt-unsafe)
  EXPECT_NE(err.find("did not answer within 0.25 s"), std::string::npos) << err;
  EXPECT_EQ(RunCli({"pools", "list", "--server", base, "--timeout", "0"}, &err), 2);
  EXPECT_NE(err.find("--timeout"), std::string::npos) << err;
  close(fd);
}

}  // namespace
}  // namespace bg::cli
