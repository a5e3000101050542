// The simulator on a small run: the workload is deterministic, every job is
// accounted for, the money reconciles, and the same seed gives the same
// numbers. (Quality is measured by `baygrid sim compare`, not here.)
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "sim/builtin_scenario.h"
#include "sim/driver.h"
#include "storage/memory_store.h"

namespace bg::sim {
namespace {

class SimTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = programme::LoadScenarioFile(std::string(BG_SOURCE_DIR) + "/scenarios/gba.toml");
    ASSERT_TRUE(s.ok()) << s.status();
    scenario_ = *s;
    options_ = WorkloadOptions{.seed = 3,
                               .days = 2,
                               .jobs = 300,
                               .enterprises = 20,
                               .start = 1'751'328'000 * kNanosPerSecond};  // 2025-07-01
  }
  Metrics RunOnce(scheduler::Policy policy) {
    storage::MemoryStore store;
    const Workload w = Generate(scenario_, options_);
    auto m = sim::Run(scenario_, w, options_, DriverOptions{.policy = policy}, &store);
    EXPECT_TRUE(m.ok()) << (m.ok() ? "" : m.status().ToString());
    return m.ok() ? *m : Metrics{};
  }
  programme::Scenario scenario_;
  WorkloadOptions options_;
};

TEST_F(SimTest, TheWorkloadIsDeterministicAndFillsTheAskedLoad) {
  const Workload a = Generate(scenario_, options_);
  const Workload b = Generate(scenario_, options_);
  ASSERT_EQ(a.arrivals.size(), 300u);
  for (size_t i = 0; i < a.arrivals.size(); ++i) {
    EXPECT_EQ(a.arrivals[i].request, b.arrivals[i].request);
    EXPECT_EQ(a.arrivals[i].at, b.arrivals[i].at);
    if (i > 0) {
      EXPECT_GE(a.arrivals[i].at, a.arrivals[i - 1].at);
    }
  }
  const double load =
      static_cast<double>(a.demand_card_seconds) / static_cast<double>(a.capacity_card_seconds);
  EXPECT_NEAR(load, 0.75, 0.1);
  EXPECT_FALSE(a.applications.empty());
}

TEST_F(SimTest, EveryJobIsAccountedForAndTheMoneyReconciles) {
  const Metrics m = RunOnce(scheduler::Policy::kVoucherAware);
  EXPECT_EQ(m.jobs, 300u);
  EXPECT_GT(m.placed, 250u);
  EXPECT_TRUE(m.reconciled);
  EXPECT_EQ(m.list.fen(), m.subsidy.fen() + m.out_of_pocket.fen());
  EXPECT_GT(m.subsidy.fen(), 0);
  EXPECT_GT(m.vouchers_issued, 0u);
  EXPECT_GT(m.utilisation, 0.0);
  EXPECT_LE(m.utilisation, 1.0);
  EXPECT_GT(m.jain, 0.0);
  EXPECT_LE(m.jain, 1.0);
}

TEST_F(SimTest, TheSameSeedGivesTheSameNumbers) {
  const Metrics a = RunOnce(scheduler::Policy::kCheapestList);
  const Metrics b = RunOnce(scheduler::Policy::kCheapestList);
  EXPECT_EQ(a.out_of_pocket, b.out_of_pocket);
  EXPECT_EQ(a.deadline_misses, b.deadline_misses);
  EXPECT_EQ(a.placed, b.placed);
  EXPECT_DOUBLE_EQ(a.mean_wait_s, b.mean_wait_s);
}

TEST(BuiltinScenarioTest, IsScenariosGbaTomlByteForByte) {
  std::ifstream in(std::string(BG_SOURCE_DIR) + "/scenarios/gba.toml", std::ios::binary);
  std::ostringstream file;
  file << in.rdbuf();
  ASSERT_FALSE(file.str().empty());
  EXPECT_EQ(BuiltinScenarioToml(), file.str());
  auto builtin = LoadScenario(std::string(kBuiltinScenario));
  ASSERT_TRUE(builtin.ok()) << builtin.status();
  EXPECT_EQ(
      builtin->programmes,
      programme::LoadScenarioFile(std::string(BG_SOURCE_DIR) + "/scenarios/gba.toml")->programmes);
  // Any other name is a path.
  EXPECT_FALSE(LoadScenario("no/such/scenario.toml").ok());
}

}  // namespace
}  // namespace bg::sim
