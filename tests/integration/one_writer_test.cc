// One writer per database file, through the real binary: while `baygrid
// serve` runs on a file, a second server and the offline writers (`token
// create --db`, `statements close --db`) are refused at once with exit code 1 and a
// message naming the file, the holder's pid and what to do instead; the
// read-only commands (`audit verify`, `flows list --db`) keep working on the
// live file. After kill -9 of the server the lock is gone and the file
// serves again with everything the first server acknowledged.
#include <csignal>
#include <filesystem>
#include <string>

#include <gtest/gtest.h>
#include <sys/wait.h>

#include "api/api_test_client.h"
#include "api/json.h"
#include "tests/testutil/server_process.h"

namespace bg {
namespace {

namespace fs = std::filesystem;
using testutil::RunCommand;

std::string Quoted(const std::string& s) { return "'" + s + "'"; }

class OneWriterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "bg_one_writer_XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    db_ = (dir_ / "live.db").string();
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string Baygrid(const std::string& args) const { return Quoted(BG_BAYGRID) + " " + args; }

  fs::path dir_;
  std::string db_;
};

TEST_F(OneWriterTest, ASecondWriterIsRefusedAndReadersKeepWorking) {
  // An offline writer before any server: works, and releases the lock.
  const auto token = RunCommand(Baygrid("tokens create --db " + Quoted(db_) + " --role admin"));
  ASSERT_EQ(token.exit_code, 0) << token.output;
  std::string secret = token.output.substr(token.output.rfind(' ') + 1);
  while (!secret.empty() && secret.back() == '\n') secret.pop_back();

  testutil::ServerProcess s = testutil::StartServer(
      BG_BAYGRID, db_, {"--scenario", std::string(BG_SOURCE_DIR) + "/scenarios/gba.toml"});
  testutil::KillOnExit first_server(s.pid);
  ASSERT_GT(s.port, 0);
  const std::string holder = "pid " + std::to_string(s.pid);

  const auto second = RunCommand(Baygrid("serve --db " + Quoted(db_) + " --listen 127.0.0.1:0"));
  EXPECT_EQ(second.exit_code, 1) << second.output;
  EXPECT_NE(second.output.find(db_), std::string::npos) << second.output;
  EXPECT_NE(second.output.find(holder), std::string::npos) << second.output;

  const auto offline_token =
      RunCommand(Baygrid("tokens create --db " + Quoted(db_) + " --role admin"));
  EXPECT_EQ(offline_token.exit_code, 1) << offline_token.output;
  EXPECT_NE(offline_token.output.find(holder), std::string::npos) << offline_token.output;
  EXPECT_NE(offline_token.output.find("POST /v1/tokens"), std::string::npos)
      << offline_token.output;

  const auto close = RunCommand(
      Baygrid("statements close --db " + Quoted(db_) + " --programme 1 --period 2025-06 --by t"));
  EXPECT_EQ(close.exit_code, 1) << close.output;
  EXPECT_NE(close.output.find(holder), std::string::npos) << close.output;
  EXPECT_NE(close.output.find("/v1/statements/close"), std::string::npos) << close.output;

  // The server is untouched by the refused writers and still takes writes.
  const auto created = api::testing::Request(s.port, "POST", "/v1/tokens", secret,
                                             R"({"id":7,"role":"auditor","name":"after"})");
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string auditor = api::Json::parse(created.body).at("token").get<std::string>();

  const auto audit = RunCommand(Baygrid("audit verify --db " + Quoted(db_)));
  EXPECT_EQ(audit.exit_code, 0) << audit.output;
  EXPECT_NE(audit.output.find("RESULT audit ok=true"), std::string::npos) << audit.output;
  const auto flows = RunCommand(Baygrid("flows list --format csv --db " + Quoted(db_)));
  EXPECT_EQ(flows.exit_code, 0) << flows.output;
  EXPECT_NE(flows.output.find("issuer,city"), std::string::npos) << flows.output;

  // kill -9 drops the lock with the process: the file serves again, with
  // the token the killed server acknowledged.
  ::kill(s.pid, SIGKILL);
  int status = 0;
  waitpid(s.pid, &status, 0);
  testutil::ServerProcess again = testutil::StartServer(BG_BAYGRID, db_);
  testutil::KillOnExit second_server(again.pid);
  ASSERT_GT(again.port, 0);
  const auto read = api::testing::Request(again.port, "GET", "/v1/programmes", auditor);
  EXPECT_EQ(read.status, 200) << read.body;
  ::kill(again.pid, SIGTERM);
  waitpid(again.pid, &status, 0);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

}  // namespace
}  // namespace bg
