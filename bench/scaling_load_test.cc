// `baygrid bench scaling` on two small sizes: each runs in its own child
// process and comes back with its own figures (no timing is checked).
#include "bench/scaling_load.h"

#include <gtest/gtest.h>

namespace bg::bench {
namespace {

TEST(ScalingBenchTest, EachSizeRunsInAChildAndReportsItsOwnFigures) {
  const ScalingBenchOptions o{.scenario = std::string(BG_SOURCE_DIR) + "/scenarios/gba.toml",
                              .sizes = {{300, 1}, {600, 2}, {1'200, 4}}};
  std::vector<uint32_t> seen;
  auto rows = MeasureScaling(o, [&](const ScalingRow& r) { seen.push_back(r.size.jobs); });
  ASSERT_TRUE(rows.ok()) << rows.status();
  ASSERT_EQ(rows->size(), 3u);
  EXPECT_EQ(seen, (std::vector<uint32_t>{300, 600, 1'200}));
  for (const ScalingRow& r : *rows) {
    SCOPED_TRACE(r.size.jobs);
    EXPECT_EQ(r.jobs_run, r.size.jobs);  // every job taken, in the child
    EXPECT_GT(r.seconds, 0);
    EXPECT_GT(r.peak_rss_kb, 0u);
    EXPECT_GT(r.peak_live_jobs, 0u);
    EXPECT_LT(r.peak_live_jobs, r.size.jobs);
  }
}

TEST(ScalingBenchTest, MaxJobsLeavesOutTheLargerSizes) {
  ScalingBenchOptions o{.scenario = std::string(BG_SOURCE_DIR) + "/scenarios/gba.toml",
                        .max_jobs = 400,
                        .sizes = {{300, 1}, {600, 2}}};
  auto rows = MeasureScaling(o);
  ASSERT_TRUE(rows.ok()) << rows.status();
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ(rows->front().size.jobs, 300u);
  o.max_jobs = 100;
  EXPECT_FALSE(MeasureScaling(o).ok());
  o.policy = "no_such_policy";
  EXPECT_FALSE(MeasureScaling(o).ok());
  const std::vector<ScalingSize> standard = StandardScalingSizes();
  ASSERT_EQ(standard.size(), 5u);
  EXPECT_EQ(standard.front().jobs, 20'000u);
  EXPECT_EQ(standard.front().days, 30u);
  EXPECT_EQ(standard.back().jobs, 240'000u);
  EXPECT_EQ(standard.back().days, 365u);
}

}  // namespace
}  // namespace bg::bench
