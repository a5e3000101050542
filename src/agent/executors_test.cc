// The local executor with real processes (short sleeps, waited for with a
// deadline), and the scripted executor on a virtual clock.
#include <chrono>
#include <filesystem>
#include <thread>

#include <gtest/gtest.h>
#include <unistd.h>

#include "agent/local.h"
#include "agent/scripted.h"

namespace bg::agent {
namespace {

namespace fs = std::filesystem;
using SchedulerRun = Run;  // testing::Test has a Run() of its own

class LocalExecutorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "bg_local_exec_XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { fs::remove_all(dir_); }

  // The run `name` once `done` says so, polled for up to 20 s.
  template <typename Done>
  SchedulerRun WaitFor(LocalExecutor& exec, const std::string& name, Done done) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (std::chrono::steady_clock::now() < deadline) {
      auto runs = exec.Runs("bg-", 0);
      EXPECT_TRUE(runs.ok());
      for (const SchedulerRun& r : *runs) {
        if (r.name == name && done(r)) return r;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ADD_FAILURE() << "run " << name << " did not get there";
    return {};
  }

  fs::path dir_;
  PacedClock clock_ = PacedClock::Wall();
};

TEST_F(LocalExecutorTest, ARunStartsEndsAndIsFoundByNameAgain) {
  LocalExecutor exec(dir_.string(), {{"a800", 4}}, &clock_);
  auto id = exec.Submit({.job = 7,
                         .name = "bg-t-7",
                         .cards = 2,
                         .gres_type = "a800",
                         .time_limit_s = 60,
                         .command = "test \"$BG_JOB_ID\" = 7 && sleep 1"});
  ASSERT_TRUE(id.ok()) << id.status();
  const SchedulerRun running =
      WaitFor(exec, "bg-t-7", [](const SchedulerRun& r) { return r.start_s != 0; });
  EXPECT_EQ(running.cards, 2u);
  auto caps = exec.Capacities();
  ASSERT_TRUE(caps.ok());
  // While it runs, two of the four are held (unless it has already ended).
  EXPECT_TRUE((*caps)[0].allocated == 2 || (*caps)[0].allocated == 0);
  const SchedulerRun ended =
      WaitFor(exec, "bg-t-7", [](const SchedulerRun& r) { return r.state == RunState::kEnded; });
  EXPECT_EQ(ended.detail, "COMPLETED");
  EXPECT_GE(ended.end_s, ended.start_s);
  // A new executor on the same folder (a restarted agent) finds it.
  LocalExecutor again(dir_.string(), {{"a800", 4}}, &clock_);
  auto runs = again.Runs("bg-t-", 0);
  ASSERT_TRUE(runs.ok());
  ASSERT_EQ(runs->size(), 1u);
  EXPECT_EQ((*runs)[0].id, *id);
}

// A run past its limit is killed (TIMEOUT), unless the limit was raised.
TEST_F(LocalExecutorTest, ARunEndsAtItsLimitWhichExtendRaises) {
  LocalExecutor exec(dir_.string(), {{"a800", 4}}, &clock_);
  for (const char* name : {"bg-t-1", "bg-t-2"}) {
    ASSERT_TRUE(exec.Submit({.job = 1,
                             .name = name,
                             .cards = 1,
                             .gres_type = "a800",
                             .time_limit_s = 1,
                             .command = "sleep 3"})
                    .ok());
  }
  ASSERT_TRUE(exec.Extend("bg-t-2", 600).ok());
  EXPECT_EQ(
      WaitFor(exec, "bg-t-1", [](const SchedulerRun& r) { return r.state == RunState::kEnded; })
          .detail,
      "TIMEOUT");
  EXPECT_EQ(
      WaitFor(exec, "bg-t-2", [](const SchedulerRun& r) { return r.state == RunState::kEnded; })
          .detail,
      "COMPLETED");
  EXPECT_FALSE(exec.Extend("bg-t-9", 60).ok());
}

TEST_F(LocalExecutorTest, CancelEndsARunAndAFailingCommandIsFailed) {
  LocalExecutor exec(dir_.string(), {{"a800", 4}}, &clock_);
  ASSERT_TRUE(exec.Submit({.job = 1,
                           .name = "bg-t-1",
                           .cards = 1,
                           .gres_type = "a800",
                           .time_limit_s = 600,
                           .command = "sleep 600"})
                  .ok());
  ASSERT_TRUE(exec.Submit({.job = 2,
                           .name = "bg-t-2",
                           .cards = 1,
                           .gres_type = "a800",
                           .time_limit_s = 600,
                           .command = "exit 3"})
                  .ok());
  WaitFor(exec, "bg-t-1", [](const SchedulerRun& r) { return r.start_s != 0; });
  ASSERT_TRUE(exec.Cancel("bg-t-1").ok());
  EXPECT_EQ(
      WaitFor(exec, "bg-t-1", [](const SchedulerRun& r) { return r.state == RunState::kEnded; })
          .detail,
      "CANCELLED");
  EXPECT_EQ(
      WaitFor(exec, "bg-t-2", [](const SchedulerRun& r) { return r.state == RunState::kEnded; })
          .detail,
      "FAILED");
}

// On a paced clock (the live demo's), a process's times read on that
// clock: a second of the wall's is `speed` seconds of it, and so is a limit.
TEST_F(LocalExecutorTest, OnAPacedClockARunsTimesAndLimitAreTheClocks) {
  const PacedClock paced(1'000'000 * kNanosPerSecond, 100);
  LocalExecutor exec(dir_.string(), {{"a800", 4}}, &paced);
  // 300 s of the clock's: 3 s of the wall's, as the command is told.
  ASSERT_TRUE(exec.Submit({.job = 1,
                           .name = "bg-t-1",
                           .cards = 2,
                           .gres_type = "a800",
                           .time_limit_s = 300,
                           .command = "test \"$BG_LIMIT_MS\" = 3000 && test \"$BG_WALLTIME_S\" = 3 "
                                      "&& sleep 1"})
                  .ok());
  // 100 s of the clock's (1 s of the wall's), for work that wants 5.
  ASSERT_TRUE(exec.Submit({.job = 2,
                           .name = "bg-t-2",
                           .cards = 1,
                           .gres_type = "a800",
                           .time_limit_s = 100,
                           .command = "sleep 5"})
                  .ok());
  const SchedulerRun done =
      WaitFor(exec, "bg-t-1", [](const SchedulerRun& r) { return r.state == RunState::kEnded; });
  EXPECT_EQ(done.detail, "COMPLETED");
  EXPECT_GE(done.start_s, 1'000'000u);
  // A second's sleep, give or take the wrapper's start and its 0.2 s polls.
  EXPECT_GE(done.end_s - done.start_s, 100u);
  EXPECT_LT(done.end_s - done.start_s, 250u);
  const SchedulerRun timed_out =
      WaitFor(exec, "bg-t-2", [](const SchedulerRun& r) { return r.state == RunState::kEnded; });
  EXPECT_EQ(timed_out.detail, "TIMEOUT");
  EXPECT_GE(timed_out.end_s - timed_out.start_s, 100u);
  EXPECT_LT(timed_out.end_s - timed_out.start_s, 250u);
}

TEST(ScriptedExecutor, ARunUsesItsCourseAndEndsWhenFinal) {
  VirtualClock clock(1'000 * kNanosPerSecond);
  ScriptedExecutor exec("d", &clock, [](uint64_t job) { return job == 5 ? 300 : 10; });
  ASSERT_TRUE(exec.Submit({.job = 5, .name = "bg-d-5", .cards = 2, .order_from_s = 990}).ok());
  auto runs = exec.Runs("bg-d-", 0);
  ASSERT_TRUE(runs.ok());
  ASSERT_EQ(runs->size(), 1u);
  EXPECT_EQ((*runs)[0].start_s, 990u);  // when the order began
  EXPECT_EQ((*runs)[0].state, RunState::kRunning);
  EXPECT_EQ((*runs)[0].end_s, 0u);
  clock.Set(1'400 * kNanosPerSecond);
  runs = exec.Runs("bg-d-", 0);
  EXPECT_EQ((*runs)[0].state, RunState::kRunning);  // stopped, not final
  EXPECT_EQ((*runs)[0].end_s, 1'290u);              // a bound on the bill
  exec.Final(5, 1'350);                             // it ran longer after all (an extension)
  runs = exec.Runs("bg-d-", 0);
  EXPECT_EQ((*runs)[0].state, RunState::kEnded);
  EXPECT_EQ((*runs)[0].end_s, 1'350u);
  // Forgotten once it has been final longer than the look-back.
  runs = exec.Runs("bg-d-", 1'400);
  EXPECT_EQ(runs->size(), 1u);
  runs = exec.Runs("bg-d-", 1'401);
  EXPECT_TRUE(runs->empty());
}

TEST(ScriptedExecutor, AJobMarkedFinalBeforeItIsSubmittedArrivesEnded) {
  VirtualClock clock(5'000 * kNanosPerSecond);
  ScriptedExecutor exec("d", &clock, [](uint64_t) { return 100; });
  exec.Final(9, 4'500);
  ASSERT_TRUE(exec.Submit({.job = 9, .name = "bg-d-9", .cards = 1, .order_from_s = 4'000}).ok());
  auto runs = exec.Runs("bg-d-", 0);
  ASSERT_EQ(runs->size(), 1u);
  EXPECT_EQ((*runs)[0].state, RunState::kEnded);
  EXPECT_EQ((*runs)[0].end_s, 4'500u);
}

}  // namespace
}  // namespace bg::agent
