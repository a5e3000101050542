#include "agent/process.h"

#include <gtest/gtest.h>

namespace bg::agent {
namespace {

TEST(Process, ReadsOutputErrorsAndExitCode) {
  auto r = RunProcess({"sh", "-c", "echo out; echo err >&2; exit 3"});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->out, "out\n");
  EXPECT_EQ(r->err, "err\n");
  EXPECT_EQ(r->exit_code, 3);
}

TEST(Process, SetsTheEnvironmentItIsGiven) {
  auto r = RunProcess({"sh", "-c", "echo \"$BG_X\""}, {.env = {{"BG_X", "a b"}}});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->out, "a b\n");
  EXPECT_EQ(std::getenv("BG_X"), nullptr);  // the agent's own is untouched
}

TEST(Process, AProgramThatHangsIsKilledAtTheDeadline) {
  auto r = RunProcess({"sleep", "30"}, {.timeout = std::chrono::milliseconds(100)});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(r.status().message().find("no answer within 100 ms"), std::string::npos);
}

TEST(Process, AMissingProgramIsNotFound) {
  auto r = RunProcess({"bg-no-such-program-here"});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace bg::agent
