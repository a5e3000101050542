// The Slurm executor's parsing and command lines, from output captured on
// Debian 12's Slurm 22.05 (scripts/slurm-local.sh); the executor against a
// real Slurm is tests/integration/agent_slurm_test.cc.
#include "agent/slurm.h"

#include <algorithm>

#include <gtest/gtest.h>

namespace bg::agent {
namespace {

// testing::Test has a Run() of its own.
using SchedulerRun = Run;

TEST(SlurmParse, SacctRunsWithTheirGpusAndEveryAttempt) {
  const std::string out =
      "41|bg-t-7|COMPLETED|1700000000|1700000005|1700000065|billing=2,cpu=2,gres/gpu:a800=2,"
      "gres/gpu=2,mem=200M,node=1\n"
      "42|bg-t-8|RUNNING|1700000001|1700000006|Unknown|billing=1,cpu=1,gres/gpu:910b=1,"
      "gres/gpu=1,node=1\n"
      "43|bg-t-9|PENDING|1700000002|Unknown|Unknown|\n"
      "44|other-job|COMPLETED|1700000000|1700000001|1700000002|gres/gpu=1\n"
      "45|bg-t-10|CANCELLED by 0|1700000000|1700000010|1700000030|gres/gpu:a800=1,gres/gpu=1\n"
      // A requeued job: the attempt that ran and was requeued, then the
      // one after it (submit reset), running.
      "46|bg-t-11|REQUEUED|1700000000|1700000002|1700000005|gres/gpu:a800=2,gres/gpu=2\n"
      "46|bg-t-11|RUNNING|1700000005|1700000125|Unknown|gres/gpu:a800=2,gres/gpu=2\n";
  const std::vector<SchedulerRun> runs = ParseSacct(out, "bg-t-");
  ASSERT_EQ(runs.size(), 6u);
  EXPECT_EQ(runs[4].state, RunState::kEnded);
  EXPECT_EQ(runs[4].start_s, 1700000002u);
  EXPECT_EQ(runs[4].end_s, 1700000005u);
  EXPECT_EQ(runs[4].cards, 2u);
  EXPECT_EQ(runs[5].state, RunState::kRunning);
  EXPECT_EQ(runs[5].submit_s, 1700000005u);
  EXPECT_EQ(runs[5].start_s, 1700000125u);
  EXPECT_EQ(runs[0].id, "41");
  EXPECT_EQ(runs[0].state, RunState::kEnded);
  EXPECT_EQ(runs[0].start_s, 1700000005u);
  EXPECT_EQ(runs[0].end_s, 1700000065u);
  EXPECT_EQ(runs[0].cards, 2u);
  EXPECT_EQ(runs[1].state, RunState::kRunning);
  EXPECT_EQ(runs[1].end_s, 0u);
  EXPECT_EQ(runs[1].cards, 1u);
  EXPECT_EQ(runs[2].state, RunState::kPending);
  EXPECT_EQ(runs[2].start_s, 0u);
  EXPECT_EQ(runs[3].detail, "CANCELLED by 0");
  EXPECT_EQ(runs[3].state, RunState::kEnded);
}

TEST(SlurmParse, SqueueTrustsNoExpectedTimes) {
  // A pending job's %S is a forecast and a running one's %e its limit.
  const std::string out =
      "50|bg-t-1|PENDING|1700000000|1700000100|1700003700\n"
      "51|bg-t-2|RUNNING|1700000000|1700000010|1700003610\n"
      "52|bg-t-3|TIMEOUT|1700000000|1700000010|1700000075\n";
  const std::vector<SchedulerRun> runs = ParseSqueue(out, "bg-t-");
  ASSERT_EQ(runs.size(), 3u);
  EXPECT_EQ(runs[0].start_s, 0u);
  EXPECT_EQ(runs[1].start_s, 1700000010u);
  EXPECT_EQ(runs[1].end_s, 0u);
  EXPECT_EQ(runs[2].state, RunState::kEnded);
  EXPECT_EQ(runs[2].end_s, 1700000075u);
}

TEST(SlurmParse, GpusOfTres) {
  EXPECT_EQ(GpusOfTres("billing=2,cpu=2,gres/gpu:a800=2,gres/gpu=2,node=1"), 2u);
  EXPECT_EQ(GpusOfTres("cpu=1,gres/gpu:a800=1,gres/gpu:910b=2"), 3u);
  EXPECT_EQ(GpusOfTres("cpu=1,mem=100M"), 0u);
  EXPECT_EQ(GpusOfTres(""), 0u);
}

TEST(SlurmParse, NodesGiveCapacityPerPartitionAndTypeLessWhatIsDrained) {
  const std::string out =
      "NodeName=n1 Arch=x86_64 CoresPerSocket=1 CPUAlloc=3 CPUTot=16 Gres=gpu:a800:4,gpu:910b:4 "
      "State=MIXED ThreadsPerCore=1 Partitions=gpu CfgTRES=cpu=16,mem=8000M,billing=16,"
      "gres/gpu=8,gres/gpu:910b=4,gres/gpu:a800=4 AllocTRES=cpu=3,gres/gpu=3,"
      "gres/gpu:a800=2,gres/gpu:910b=1\n"
      "NodeName=n2 State=DRAINED Partitions=gpu CfgTRES=cpu=16,gres/gpu=4,gres/gpu:a800=4 "
      "AllocTRES=\n";
  std::vector<Capacity> caps = ParseNodes(out);
  ASSERT_EQ(caps.size(), 2u);
  EXPECT_EQ(caps[0].gres_type, "910b");
  EXPECT_EQ(caps[0].total, 4u);
  EXPECT_EQ(caps[0].allocated, 1u);
  EXPECT_EQ(caps[1].gres_type, "a800");
  EXPECT_EQ(caps[1].partition, "gpu");
  EXPECT_EQ(caps[1].total, 8u);
  EXPECT_EQ(caps[1].allocated, 2u);
  EXPECT_EQ(caps[1].unavailable, 4u);
}

TEST(SlurmExecutor, SubmitsWithTheMappingAndReadsTheId) {
  std::vector<std::string> seen;
  SlurmExecutor slurm([&](const std::vector<std::string>& argv, const ProcessOptions& o) {
    seen = argv;
    EXPECT_EQ(o.env.at(0).first, "SLURM_TIME_FORMAT");
    return Result<ProcessResult>(ProcessResult{.exit_code = 0, .out = "4711;bgtest\n"});
  });
  const auto id = slurm.Submit({.job = 123456789,
                                .name = "bg-t-123456789",
                                .cards = 2,
                                .partition = "gpu",
                                .account = "bg",
                                .gres_type = "a800",
                                .time_limit_s = 3599,
                                .command = "sleep 5"});
  ASSERT_TRUE(id.ok()) << id.status();
  EXPECT_EQ(*id, "4711");
  const std::string line = CommandLine(seen);
  EXPECT_NE(line.find("--job-name bg-t-123456789"), std::string::npos) << line;
  EXPECT_NE(line.find("--gres=gpu:a800:2"), std::string::npos) << line;
  EXPECT_NE(line.find("--time=59"), std::string::npos) << line;  // rounded down
  EXPECT_NE(line.find("--account bg"), std::string::npos) << line;
  EXPECT_NE(line.find("--partition gpu"), std::string::npos) << line;
  EXPECT_NE(line.find("BG_JOB_ID=123456789"), std::string::npos) << line;
}

TEST(SlurmExecutor, AToolThatFailsSaysWhy) {
  SlurmExecutor slurm([](const std::vector<std::string>&, const ProcessOptions&) {
    return Result<ProcessResult>(ProcessResult{
        .exit_code = 1, .err = "sbatch: error: Invalid generic resource (gres) specification\n"});
  });
  const auto id = slurm.Submit({.job = 1, .name = "bg-t-1", .gres_type = "h100"});
  ASSERT_FALSE(id.ok());
  EXPECT_NE(id.status().message().find("Invalid generic resource"), std::string::npos);
}

// sacct is given a time it reads (it refuses a bare number); a failing
// sacct fails the listing unless the cluster has no accounting at all.
TEST(SlurmExecutor, SacctIsAskedInItsOwnTimeFormatAndItsFailuresAreSaid) {
  std::string sacct_line;
  std::string sacct_err = "sacct: error: Problem talking to the database: Connection refused\n";
  SlurmExecutor slurm([&](const std::vector<std::string>& argv, const ProcessOptions& options) {
    if (argv[0] == "squeue") {
      return Result<ProcessResult>(ProcessResult{
          .exit_code = 0, .out = "60|bg-t-5|COMPLETED|1700000000|1700000010|1700000070\n"});
    }
    sacct_line = CommandLine(argv);
    EXPECT_NE(std::find(options.env.begin(), options.env.end(),
                        std::pair<std::string, std::string>("TZ", "UTC")),
              options.env.end());
    return Result<ProcessResult>(ProcessResult{.exit_code = 1, .err = sacct_err});
  });
  const auto failed = slurm.Runs("bg-t-", 1700000000);
  EXPECT_NE(sacct_line.find("--starttime=2023-11-14T22:13:20"), std::string::npos) << sacct_line;
  ASSERT_FALSE(failed.ok());
  EXPECT_NE(failed.status().message().find("Problem talking to the database"), std::string::npos);
  sacct_err = "sacct: error: Slurm accounting storage is disabled\n";
  const auto squeue_only = slurm.Runs("bg-t-", 1700000000);
  ASSERT_TRUE(squeue_only.ok()) << squeue_only.status();
  ASSERT_EQ(squeue_only->size(), 1u);
  EXPECT_EQ((*squeue_only)[0].state, RunState::kEnded);
}

TEST(SlurmExecutor, ARunSacctHasNotHeardOfStaysRunningUntilItHas) {
  SlurmExecutor slurm([](const std::vector<std::string>& argv, const ProcessOptions&) {
    if (argv[0] == "squeue") {
      return Result<ProcessResult>(ProcessResult{
          .exit_code = 0, .out = "60|bg-t-5|COMPLETED|1700000000|1700000010|1700000070\n"});
    }
    return Result<ProcessResult>(ProcessResult{.exit_code = 0, .out = ""});
  });
  const auto runs = slurm.Runs("bg-t-", 0);
  ASSERT_TRUE(runs.ok());
  ASSERT_EQ(runs->size(), 1u);
  EXPECT_EQ((*runs)[0].state, RunState::kRunning);
  EXPECT_EQ((*runs)[0].end_s, 1700000070u);  // a bound on what may be billed
}

TEST(SlurmExecutor, AJobRequeuedButNotYetResubmittedIsStillHeld) {
  // Between `scontrol requeue` and its epilog's end the controller shows
  // the job COMPLETING with its old submit time, while sacct already has
  // that attempt REQUEUED and ended: the job is not done, a next attempt
  // follows (as seen on Slurm 22.05 under load).
  SlurmExecutor slurm([](const std::vector<std::string>& argv, const ProcessOptions&) {
    if (argv[0] == "squeue") {
      return Result<ProcessResult>(ProcessResult{
          .exit_code = 0, .out = "61|bg-t-6|COMPLETING|1700000000|1700000010|1700000014\n"});
    }
    return Result<ProcessResult>(ProcessResult{
        .exit_code = 0,
        .out = "61|bg-t-6|REQUEUED|1700000000|1700000010|1700000014|gres/gpu:a800=1,gres/gpu=1\n"});
  });
  const auto runs = slurm.Runs("bg-t-", 0);
  ASSERT_TRUE(runs.ok()) << runs.status();
  ASSERT_EQ(runs->size(), 2u);
  EXPECT_EQ((*runs)[0].state, RunState::kEnded);  // billed: 4 s on one card
  EXPECT_EQ((*runs)[0].end_s, 1700000014u);
  EXPECT_EQ((*runs)[1].id, "61");
  EXPECT_EQ((*runs)[1].state, RunState::kPending);  // nothing billed for it
  EXPECT_EQ((*runs)[1].start_s, 0u);
}

TEST(SlurmExecutor, AJobThatEndedIsNotHeldWhileItsEpilogRuns) {
  // Completed in sacct, still COMPLETING in the controller: no attempt
  // follows (only a requeue brings one).
  SlurmExecutor slurm([](const std::vector<std::string>& argv, const ProcessOptions&) {
    if (argv[0] == "squeue") {
      return Result<ProcessResult>(ProcessResult{
          .exit_code = 0, .out = "62|bg-t-7|COMPLETING|1700000000|1700000010|1700000070\n"});
    }
    return Result<ProcessResult>(ProcessResult{
        .exit_code = 0,
        .out =
            "62|bg-t-7|COMPLETED|1700000000|1700000010|1700000070|gres/gpu:a800=1,gres/gpu=1\n"});
  });
  const auto runs = slurm.Runs("bg-t-", 0);
  ASSERT_TRUE(runs.ok()) << runs.status();
  ASSERT_EQ(runs->size(), 1u);
  EXPECT_EQ((*runs)[0].state, RunState::kEnded);
}

TEST(SlurmLimit, RoundsDownToWholeMinutesAtLeastOne) {
  EXPECT_EQ(LimitMinutes(0), 1u);
  EXPECT_EQ(LimitMinutes(119), 1u);
  EXPECT_EQ(LimitMinutes(120), 2u);
}

}  // namespace
}  // namespace bg::agent
