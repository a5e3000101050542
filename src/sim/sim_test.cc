// The simulator on a small run: the workload is deterministic, every job is
// accounted for, the money reconciles, and the same seed gives the same
// numbers; applications are filed when their programme opens, and the
// per-day figures add up to the run's. (Quality is measured by `baygrid sim
// compare`, not here.)
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <gtest/gtest.h>

#include "engine/engine.h"
#include "programme/reconcile.h"
#include "settlement/settlement.h"
#include "sim/driver.h"
#include "storage/memory_store.h"
#include "world/builtin.h"

namespace bg::sim {
namespace {

class SimTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = world::LoadWorldFile(std::string(BG_SOURCE_DIR) + "/scenarios/gba.toml");
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
  world::World scenario_;
  WorkloadOptions options_;
};

TEST_F(SimTest, TheWorkloadIsDeterministicAndFillsTheAskedLoad) {
  const Workload a = Generate(scenario_, options_);
  const Workload b = Generate(scenario_, options_);
  const std::vector<Arrival> all = a.arrivals.All();
  const std::vector<Arrival> again = b.arrivals.All();
  ASSERT_EQ(a.arrivals.size(), 300u);
  ASSERT_EQ(all.size(), 300u);
  ASSERT_EQ(again.size(), 300u);
  for (size_t i = 0; i < all.size(); ++i) {
    EXPECT_EQ(all[i].request, again[i].request);
    EXPECT_EQ(all[i].at, again[i].at);
    EXPECT_EQ(all[i].request.id, OrderId(i + 1));  // ids in time order
    if (i > 0) {
      EXPECT_GE(all[i].at, all[i - 1].at);
    }
  }
  const double load =
      static_cast<double>(a.demand_card_seconds) / static_cast<double>(a.capacity_card_seconds);
  EXPECT_NEAR(load, 0.75, 0.1);
  EXPECT_FALSE(a.applications.empty());
  // A cursor walks the same arrivals a day at a time; a day made again is
  // the same day (the days' streams are their own).
  size_t walked = 0;
  for (ArrivalCursor c(a.arrivals); c.Peek() != nullptr; c.Pop()) {
    ASSERT_LT(walked, all.size());
    EXPECT_EQ(c.Peek()->request, all[walked].request);
    ++walked;
  }
  EXPECT_EQ(walked, all.size());
  const uint32_t last = a.arrivals.days() - 1;
  const std::vector<Arrival> day = a.arrivals.Day(last);
  ASSERT_FALSE(day.empty());
  EXPECT_EQ(day.back().request, all.back().request);
  for (const Arrival& x : day) {
    EXPECT_GE(x.at, options_.start + uint64_t{last} * 86'400 * kNanosPerSecond);
  }
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

// A month: the transfers of jobs retired leave the ledger in whole chunks
// (Ledger::Retire), and every check of the money still holds — the
// statements against the ledger's posts (those retired counted as sums),
// the programmes' reconciliation, the ledger's own invariants — and the
// state encodes and decodes to the same bytes.
TEST_F(SimTest, TransfersOfRetiredJobsLeaveTheLedgerAndTheMoneyStillReconciles) {
  options_ = WorkloadOptions{.seed = 7,
                             .days = 30,
                             .jobs = 1'500,
                             .enterprises = 40,
                             .start = 1'748'822'400 * kNanosPerSecond};  // 2025-06-02
  const Workload w = Generate(scenario_, options_);
  DriverOptions d{.metered = true};
  bool checked = false;
  d.on_end = [&](engine::Engine& e) {
    e.Read([&](const state::State& s) {
      const ledger::Ledger& l = s.ledger();
      EXPECT_GT(l.retired_count(), 1'000u);
      EXPECT_GT(l.live_from(), 0u);
      EXPECT_FALSE(s.settlement().retired_posted().empty());
      // What stayed of the chunks that left is no job's that has left too.
      l.ForEachTransfer([&](const ledger::StoredTransfer& t) {
        if (l.FindTransfer(t.transfer.id) == nullptr) ADD_FAILURE() << "not found by id";
      });
      EXPECT_EQ(settlement::CheckStatements(s.settlement(), s.registry(), l), "");
      EXPECT_EQ(programme::CheckReconciled(s.book(), s.registry(), l), "");
      EXPECT_EQ(l.CheckInvariants(), "");
      std::vector<uint8_t> bytes;
      s.Encode(&bytes);
      state::State decoded;
      EXPECT_TRUE(state::State::Decode(bytes, &decoded));
      std::vector<uint8_t> again;
      decoded.Encode(&again);
      EXPECT_EQ(again, bytes);
      EXPECT_EQ(decoded.Hash(), s.Hash());
      checked = true;
      return 0;
    });
  };
  storage::MemoryStore store;
  auto m = sim::Run(scenario_, w, options_, d, &store);
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_TRUE(m->reconciled);
  EXPECT_TRUE(checked);
}

TEST(BuiltinScenarioTest, IsScenariosGbaTomlByteForByte) {
  std::ifstream in(std::string(BG_SOURCE_DIR) + "/scenarios/gba.toml", std::ios::binary);
  std::ostringstream file;
  file << in.rdbuf();
  ASSERT_FALSE(file.str().empty());
  EXPECT_EQ(world::BuiltinToml(), file.str());
  auto builtin = world::Load(std::string(world::kBuiltin));
  ASSERT_TRUE(builtin.ok()) << builtin.status();
  EXPECT_EQ(builtin->programmes,
            world::LoadWorldFile(std::string(BG_SOURCE_DIR) + "/scenarios/gba.toml")->programmes);
  // Any other name is a path.
  EXPECT_FALSE(world::Load("no/such/scenario.toml").ok());
}

// The demo's month (from 2025-06-02): Guangming opens on 06-06 and Huangpu
// on 06-27. Their applicants apply then, so every programme grants money,
// and Guangming's enterprises are paid by the district and Shenzhen (city)
// on one order. Counted from the engine's state directly, and as the
// metrics count it.
TEST_F(SimTest, ApplicationsAreFiledWhenEachProgrammeOpensSoEveryProgrammeGrantsAndLevelsStack) {
  options_ = WorkloadOptions{.seed = 7,
                             .days = 30,
                             .jobs = 1'500,
                             .enterprises = 40,
                             .start = 1'748'822'400 * kNanosPerSecond};  // 2025-06-02
  const Workload w = Generate(scenario_, options_);
  size_t before_open = 0;
  for (const Application& a : w.applications) {
    if (a.at < scenario_.programmes[a.file.programme.value() - 1].valid_from) ++before_open;
  }
  EXPECT_EQ(before_open, 0u) << "applications filed before their programme opens";
  std::map<std::string, Money> granted;
  uint64_t stacked = 0;
  DriverOptions d{.metered = true};
  d.on_end = [&](engine::Engine& e) {
    e.Read([&](const state::State& s) {
      for (const programme::ProgrammeTotals& t :
           programme::Totals(s.book(), s.registry(), s.ledger())) {
        granted[s.registry().FindProgramme(t.programme)->name] =
            Money::Fen(t.issued.fen() + t.automatic.fen());
      }
      for (const auto& [id, claim] : s.book().claims()) {
        // A settled claim's shares are what its holds hold, programme by
        // programme (a clawback of one that left memory checks it).
        if (claim.status == programme::ClaimStatus::kCaptured) {
          std::map<ProgrammeId, int64_t> held;
          for (const programme::ClaimHold& h : claim.holds) held[h.programme] += h.amount.fen();
          int64_t shares = 0;
          for (const programme::ClaimShare& sh : claim.shares) {
            EXPECT_EQ(held[sh.programme], sh.amount.fen()) << "claim " << id;
            shares += sh.amount.fen();
          }
          EXPECT_EQ(shares, claim.subsidy.fen()) << "claim " << id;
        }
        std::set<programme::JurisdictionLevel> paid_by;
        for (const programme::ClaimHold& h : claim.holds) {
          if (h.posted.fen() > 0) paid_by.insert(s.registry().FindProgramme(h.programme)->level);
        }
        if (paid_by.size() >= 2) ++stacked;
      }
      // The claims that left memory with their jobs, by who paid them.
      for (const auto& [programmes, count] : s.book().retired_claims().mixes) {
        std::set<programme::JurisdictionLevel> paid_by;
        for (ProgrammeId p : programmes) paid_by.insert(s.registry().FindProgramme(p)->level);
        if (paid_by.size() >= 2) stacked += count;
      }
      return 0;
    });
  };
  storage::MemoryStore store;
  auto m = sim::Run(scenario_, w, options_, d, &store);
  ASSERT_TRUE(m.ok()) << m.status();
  ASSERT_EQ(granted.size(), scenario_.programmes.size());
  for (const auto& [name, yuan] : granted) EXPECT_GT(yuan.fen(), 0) << name << " granted nothing";
  EXPECT_GT(stacked, 0u) << "no order was paid by a district and its city";
  EXPECT_EQ(m->programmes, scenario_.programmes.size());
  EXPECT_EQ(m->programmes_granting, m->programmes);
  EXPECT_EQ(m->stacked_orders, stacked);
  EXPECT_TRUE(m->reconciled);
}

// The progress figures: on_day comes once for each day, in order; the
// day's utilisation is that day's card-seconds held over that day's
// offered, so the days add up to the run's utilisation; the subsidy is
// what was charged so far, never more than the run ends with charged.
TEST_F(SimTest, EachDayReportsItsOwnUtilisationAndTheSubsidyChargedSoFar) {
  std::vector<Metrics> days;
  DriverOptions d{.metered = true};
  d.on_day = [&](uint32_t day, const Metrics& m) {
    EXPECT_EQ(day, days.size() + 1);
    EXPECT_EQ(m.day, day);
    days.push_back(m);
  };
  storage::MemoryStore store;
  const Workload w = Generate(scenario_, options_);
  auto end = sim::Run(scenario_, w, options_, d, &store);
  ASSERT_TRUE(end.ok()) << end.status();
  ASSERT_EQ(days.size(), options_.days);
  uint64_t used = 0, offered = 0;
  Money charged{};
  for (const Metrics& m : days) {
    EXPECT_GT(m.DayUtilisation(), 0.0);
    EXPECT_LE(m.DayUtilisation(), 1.0);
    EXPECT_GE(m.charged, charged);
    charged = m.charged;
    used += m.day_used_card_seconds;
    offered += m.day_offered_card_seconds;
  }
  EXPECT_EQ(offered, w.capacity_card_seconds);
  uint64_t site_used = 0;
  for (const SiteUse& u : end->sites) site_used += u.used_card_seconds;
  EXPECT_EQ(used, site_used);
  EXPECT_NEAR(static_cast<double>(used) / static_cast<double>(offered), end->utilisation, 1e-12);
  // Charged is metered use only: below the planned subsidy of running jobs.
  EXPECT_LE(days.back().charged, days.back().subsidy);
  EXPECT_LE(days.back().charged, end->charged);
  EXPECT_GT(end->charged.fen(), 0);
}

// The progress of each day costs what is live (Progress reads a finished
// job once), yet reports what a full Measure of the state reports that day
// for the same jobs, figure for figure: a metered run under the
// voucher-aware policy, whose jobs wait for their best pool.
TEST_F(SimTest, EachDaysProgressIsWhatAFullMeasureOfThatDaySays) {
  options_.days = 3;
  options_.jobs = 600;
  options_.load_percent = 95;
  const Workload w = Generate(scenario_, options_);
  std::vector<Metrics> runs[2];
  uint64_t peak_live[2] = {0, 0};
  for (int full = 0; full < 2; ++full) {
    DriverOptions d{.metered = true};
    d.measure_each_day = full == 1;
    d.on_day = [&, full](uint32_t, const Metrics& m) { runs[full].push_back(m); };
    storage::MemoryStore store;
    auto end = sim::Run(scenario_, w, options_, d, &store);
    ASSERT_TRUE(end.ok()) << end.status();
    peak_live[full] = end->peak_live_jobs;
  }
  EXPECT_EQ(peak_live[0], peak_live[1]);
  EXPECT_GT(peak_live[0], 0u);
  ASSERT_EQ(runs[0].size(), options_.days);
  ASSERT_EQ(runs[1].size(), options_.days);
  uint64_t unplaced = 0;
  for (size_t i = 0; i < options_.days; ++i) {
    SCOPED_TRACE("day " + std::to_string(i + 1));
    const Metrics& p = runs[0][i];
    const Metrics& m = runs[1][i];
    EXPECT_EQ(p.day, m.day);
    EXPECT_EQ(p.jobs, m.jobs);
    EXPECT_EQ(p.placed, m.placed);
    EXPECT_EQ(p.card_hours, m.card_hours);
    EXPECT_EQ(p.list, m.list);
    EXPECT_EQ(p.subsidy, m.subsidy);
    EXPECT_EQ(p.out_of_pocket, m.out_of_pocket);
    EXPECT_EQ(p.deadline_jobs, m.deadline_jobs);
    EXPECT_EQ(p.deadline_misses, m.deadline_misses);
    EXPECT_EQ(p.charged, m.charged);
    EXPECT_EQ(p.day_used_card_seconds, m.day_used_card_seconds);
    EXPECT_EQ(p.day_offered_card_seconds, m.day_offered_card_seconds);
    EXPECT_EQ(p.utilisation, m.utilisation);
    ASSERT_EQ(p.sites.size(), m.sites.size());
    for (size_t k = 0; k < p.sites.size(); ++k) {
      EXPECT_EQ(p.sites[k].code, m.sites[k].code);
      EXPECT_EQ(p.sites[k].used_card_seconds, m.sites[k].used_card_seconds);
      EXPECT_EQ(p.sites[k].offered_card_seconds, m.sites[k].offered_card_seconds);
    }
    unplaced += m.jobs - m.placed;
  }
  EXPECT_GT(unplaced, 0u) << "no job waited at a day's end: the queue went untested";
}

}  // namespace
}  // namespace bg::sim
