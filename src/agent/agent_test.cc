// The agent against the real API server (the API tests' fixture: SQLite,
// the GBA world, a virtual clock) with a scheduler played by the test
// (FakeExecutor): what it submits, how usage adds up on the platform, and
// what a restart finds.
#include "agent/agent.h"

#include <algorithm>

#include <gtest/gtest.h>

#include "api/api_test_fixture.h"

namespace bg::agent {
namespace {

// testing::Test has a Run() of its own.
using SchedulerRun = Run;

using api::Body;

// A scheduler the test moves by hand.
class FakeExecutor final : public Executor {
 public:
  Result<std::string> Submit(const RunSpec& spec) override {
    specs.push_back(spec);
    const std::string id = std::to_string(100 + specs.size());
    runs.push_back({.id = id, .name = spec.name, .submit_s = now_s, .cards = spec.cards});
    return id;
  }
  Result<std::vector<Run>> Runs(const std::string& prefix, uint64_t) override {
    std::vector<Run> out;
    for (const Run& r : runs) {
      if (r.name.compare(0, prefix.size(), prefix) == 0) out.push_back(r);
    }
    return out;
  }
  Status Cancel(const std::string& id) override {
    cancelled.push_back(id);
    End(id, now_s, "CANCELLED by 0");
    return Status::Ok();
  }
  Status Extend(const std::string& id, uint64_t time_limit_s) override {
    extended.emplace_back(id, time_limit_s);
    return Status::Ok();
  }
  Result<std::vector<Capacity>> Capacities() override {
    return std::vector<Capacity>{{.partition = "gpu",
                                  .gres_type = "a800",
                                  .total = 8,
                                  .allocated = allocated_by_others,
                                  .unavailable = 2}};
  }
  Run& Find(const std::string& id) {
    for (Run& r : runs) {
      if (r.id == id) return r;
    }
    ADD_FAILURE() << "no run " << id;
    return runs.front();
  }
  void Start(const std::string& id, uint64_t at) {
    Find(id).start_s = at;
    Find(id).state = RunState::kRunning;
  }
  void End(const std::string& id, uint64_t at, std::string detail = "COMPLETED") {
    Run& r = Find(id);
    r.end_s = at;
    r.state = RunState::kEnded;
    r.detail = std::move(detail);
    if (r.cards == 0) r.cards = 2;
  }

  uint64_t now_s = 0;
  uint32_t allocated_by_others = 0;
  std::vector<RunSpec> specs;
  std::vector<Run> runs;
  std::vector<std::string> cancelled;
  std::vector<std::pair<std::string, uint64_t>> extended;
};

class AgentTest : public api::ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    config_.server = "http://127.0.0.1:" + std::to_string(port_);
    config_.provider = 1;  // the Shaoguan hub, whose pool 2 has A800s
    config_.cluster = "t";
    config_.usage_window_s = 60;
    config_.margin_s = 60;
    config_.full_sync_ms = 0;  // every cycle lists all placements
    config_.pools = {{.pool = 2, .partition = "gpu", .gres = "a800"}};
    const std::array<uint8_t, 32> seed{7};
    platform_ = std::make_unique<Platform>(config_.server, token_.at("provider"),
                                           metering::KeyPairFromSeed(seed));
    ASSERT_TRUE(platform_->RegisterKey().ok());
    OpenAgent();
  }
  // A (re)started agent on the state file `name`.
  void OpenAgent(const std::string& name = "agent.db") {
    agent_.reset();
    store_ag_.reset();
    auto store = AgentStore::Open((dir_ / name).string());
    ASSERT_TRUE(store.ok()) << store.status();
    store_ag_ = std::move(*store);
    agent_ = std::make_unique<Agent>(
        config_, &slurm_, store_ag_.get(), platform_.get(), &clock_,
        [this](const std::string& e, const std::string&) { events_.push_back(e); });
  }
  uint64_t Now() const { return clock_.Now() / kNanosPerSecond; }
  void Advance(uint64_t s) {
    clock_.Advance(s * kNanosPerSecond);
    slurm_.now_s = Now();
  }
  void Cycle() {
    slurm_.now_s = Now();
    const Status s = agent_->Cycle();
    ASSERT_TRUE(s.ok()) << s;
  }
  void SubmitJob(uint64_t id, uint32_t cards) {
    const auto r =
        Call("POST", "/v1/jobs", "enterprise",
             "{\"id\":" + std::to_string(id) + ",\"pool\":2,\"cards\":" + std::to_string(cards) +
                 ",\"walltime_s\":3600}");
    ASSERT_EQ(r.status, 201) << r.body;
    ASSERT_EQ(Body(r)["status"], "running") << r.body;
  }
  // The platform's HTTP server stops answering (connections refused), and
  // comes back on the same port with the same engine.
  void PlatformDown() { http_->Stop(); }
  void PlatformUp() {
    auto http = api::HttpServer::Start(
        {.port = port_, .threads = 2, .body_limit = 64 << 10},
        [this](const api::HttpRequest& r) { return service_->Handle(r); },
        [this](int status, const std::string& d) { return service_->Refuse(status, d); });
    ASSERT_TRUE(http.ok()) << http.status();
    http_ = std::move(*http);
  }
  uint64_t CardSeconds(uint64_t job) {
    const auto r = Call("GET", "/v1/jobs/" + std::to_string(job) + "/trail", "admin");
    EXPECT_EQ(r.status, 200) << r.body;
    return Body(r)["usage_card_seconds"].get<uint64_t>();
  }

  Config config_;
  FakeExecutor slurm_;
  std::unique_ptr<Platform> platform_;
  std::unique_ptr<AgentStore> store_ag_;
  std::unique_ptr<Agent> agent_;
  std::vector<std::string> events_;
};

TEST_F(AgentTest, RunsAPlacementAndBillsWhatRanToTheSecond) {
  SubmitJob(11, 2);
  Cycle();
  ASSERT_EQ(slurm_.specs.size(), 1u);
  const RunSpec& spec = slurm_.specs[0];
  EXPECT_EQ(spec.name, "bg-t-11");
  EXPECT_EQ(spec.cards, 2u);
  EXPECT_EQ(spec.gres_type, "a800");
  EXPECT_EQ(spec.partition, "gpu");
  EXPECT_EQ(spec.time_limit_s, 3600u - 60u);  // ends before the order does
  // What is free: 8 A800s, 2 drained, none held by others.
  auto pool = Body(Call("GET", "/v1/pools?provider=1&limit=100", "admin"));
  for (const auto& p : pool["items"]) {
    if (p["id"] == 2) {
      EXPECT_EQ(p["cards_offered"], 6) << p;
    }
  }

  const uint64_t start = Now() + 5;
  slurm_.Start("101", start);
  Advance(5 + 150);
  Cycle();  // two whole windows
  EXPECT_EQ(CardSeconds(11), 2u * 120u);
  EXPECT_EQ(agent_->counters().records_accepted.load(), 2u);

  slurm_.End("101", start + 200);
  Advance(60);
  Cycle();  // the third window and the last, partial one; then the finish
  EXPECT_EQ(CardSeconds(11), 2u * 200u);
  EXPECT_EQ(Body(Call("GET", "/v1/jobs/11", "admin"))["status"], "done");
  EXPECT_EQ(agent_->counters().finished.load(), 1u);
  Cycle();  // nothing more to do: no record sent again
  EXPECT_EQ(agent_->counters().records_sent.load(), 4u);
  EXPECT_EQ(slurm_.specs.size(), 1u);
}

TEST_F(AgentTest, ARestartFindsWhatWasSubmittedAndNothingIsChargedTwice) {
  SubmitJob(21, 2);
  Cycle();
  slurm_.Start("101", Now());
  Advance(130);
  Cycle();
  ASSERT_EQ(CardSeconds(21), 240u);
  // The worst case: an agent that remembers nothing (a new state file).
  // It finds the run by name instead of submitting it again, and sends
  // every window again, which the platform counts once.
  OpenAgent("amnesiac.db");
  Advance(10);
  Cycle();
  EXPECT_EQ(agent_->counters().adopted.load(), 1u);
  Cycle();
  EXPECT_EQ(agent_->counters().records_sent.load(), 2u);
  EXPECT_EQ(agent_->counters().records_accepted.load(), 2u);  // as "exists"
  EXPECT_EQ(CardSeconds(21), 240u);
  EXPECT_EQ(slurm_.specs.size(), 1u);
}

TEST_F(AgentTest, APlacementRecordedButNotYetSubmittedIsAdoptedByName) {
  SubmitJob(31, 1);
  // The agent died between recording the placement and reading sbatch's
  // answer, while Slurm did take the job.
  {
    auto store = AgentStore::Open((dir_ / "agent.db").string());
    ASSERT_TRUE(store.ok());
    ASSERT_TRUE(
        (*store)
            ->Take({.job = 31, .pool = 2, .cards = 1, .from_s = Now(), .until_s = Now() + 3600})
            .ok());
  }
  slurm_.runs.push_back({.id = "555", .name = "bg-t-31", .submit_s = Now()});
  OpenAgent();
  Cycle();
  EXPECT_TRUE(slurm_.specs.empty());  // not submitted again
  EXPECT_EQ(agent_->counters().adopted.load(), 1u);
  EXPECT_EQ(store_ag_->open().at(31).run_id, "555");
}

TEST_F(AgentTest, ANameSlurmHasNotSeenIsLookedForAgainBeforeItIsSubmitted) {
  SubmitJob(41, 1);
  {
    auto store = AgentStore::Open((dir_ / "agent.db").string());
    ASSERT_TRUE(store.ok());
    ASSERT_TRUE(
        (*store)
            ->Take({.job = 41, .pool = 2, .cards = 1, .from_s = Now(), .until_s = Now() + 3600})
            .ok());
  }
  OpenAgent();
  Cycle();  // zero matches: not known yet, so wait a cycle
  EXPECT_TRUE(slurm_.specs.empty());
  Advance(5);
  Cycle();
  ASSERT_EQ(slurm_.specs.size(), 1u);
  EXPECT_EQ(slurm_.specs[0].name, "bg-t-41");
}

TEST_F(AgentTest, AJobCancelledOnThePlatformIsCancelledInSlurm) {
  SubmitJob(51, 1);
  Cycle();
  slurm_.Start("101", Now());
  Advance(70);
  Cycle();
  ASSERT_EQ(CardSeconds(51), 60u);
  ASSERT_EQ(Call("POST", "/v1/jobs/51/cancel", "enterprise", "{}").status, 200);
  Cycle();
  ASSERT_EQ(slurm_.cancelled.size(), 1u);
  EXPECT_EQ(slurm_.cancelled[0], "101");
  Cycle();  // the rest is refused (the order has ended), and the job is done here
  EXPECT_TRUE(store_ag_->open().empty());
  EXPECT_EQ(CardSeconds(51), 60u);
}

TEST_F(AgentTest, BetweenFullListingsNewPlacementsAreTakenAndACancelWaitsForTheNextFull) {
  config_.full_sync_ms = 60'000;
  OpenAgent();
  SubmitJob(71, 1);
  Cycle();  // full
  ASSERT_EQ(slurm_.specs.size(), 1u);
  slurm_.Start("101", Now());
  Advance(10);
  SubmitJob(72, 1);
  Cycle();  // only what was placed since the last listing
  ASSERT_EQ(slurm_.specs.size(), 2u);
  EXPECT_EQ(slurm_.specs[1].name, "bg-t-72");
  ASSERT_EQ(Call("POST", "/v1/jobs/71/cancel", "enterprise", "{}").status, 200);
  Advance(10);
  Cycle();  // not a full listing: the cancel is not seen yet
  EXPECT_TRUE(slurm_.cancelled.empty());
  Advance(45);
  Cycle();  // a minute since the last full one
  ASSERT_EQ(slurm_.cancelled.size(), 1u);
  EXPECT_EQ(slurm_.cancelled[0], "101");
}

TEST_F(AgentTest, AJobSlurmEndedOnItsOwnIsFinishedWithWhatRan) {
  SubmitJob(61, 2);
  Cycle();
  slurm_.Start("101", Now());
  Advance(45);
  slurm_.End("101", Now() - 2, "CANCELLED by 0");  // an admin's scancel
  Cycle();
  EXPECT_EQ(CardSeconds(61), 2u * 43u);
  EXPECT_EQ(Body(Call("GET", "/v1/jobs/61", "admin"))["status"], "done");
}

// A platform that is down fails the cycles (the command backs off), and
// nothing measured meanwhile is lost: once it answers again, every window
// is billed, the run's end included, and the job is finished.
TEST_F(AgentTest, APlatformThatIsDownLosesNoUsage) {
  SubmitJob(81, 2);
  Cycle();
  const uint64_t start = Now();
  slurm_.Start("101", start);
  Advance(70);
  Cycle();
  ASSERT_EQ(CardSeconds(81), 2u * 60u);
  PlatformDown();
  Advance(130);
  slurm_.now_s = Now();
  EXPECT_FALSE(agent_->Cycle().ok());
  slurm_.End("101", Now() - 10);  // the run ends while nobody can be told
  Advance(60);
  slurm_.now_s = Now();
  EXPECT_FALSE(agent_->Cycle().ok());
  EXPECT_EQ(agent_->counters().cycle_errors.load(), 2u);
  PlatformUp();
  Cycle();
  EXPECT_EQ(CardSeconds(81), 2u * 190u);  // to the second the run ended
  EXPECT_EQ(Body(Call("GET", "/v1/jobs/81", "admin"))["status"], "done");
  EXPECT_EQ(agent_->counters().records_refused.load(), 0u);
}

// An extension refused at the enterprise's cost ceiling is the platform's
// stop signal: the run is ended at the order's end, not left to its limit.
TEST_F(AgentTest, AStopSignalEndsTheRunAtTheOrdersEnd) {
  const auto r = Call("POST", "/v1/jobs", "enterprise",
                      R"({"id":91,"pool":2,"cards":1,"walltime_s":3600,)"
                      R"("max_out_of_pocket_fen":100000})");
  ASSERT_EQ(r.status, 201) << r.body;
  Cycle();
  slurm_.Start("101", Now());
  const auto refused = Call("POST", "/v1/jobs/91/extend", "enterprise", R"({"extra_s":1000000})");
  ASSERT_EQ(Body(refused)["title"], "over_ceiling") << refused.body;
  Advance(1800);
  Cycle();
  EXPECT_TRUE(slurm_.cancelled.empty());  // not yet: the order still runs
  Advance(1800);
  Cycle();
  ASSERT_EQ(slurm_.cancelled.size(), 1u);
  EXPECT_EQ(slurm_.cancelled[0], "101");
  EXPECT_NE(std::find(events_.begin(), events_.end(), "cancel"), events_.end());
  Cycle();
  EXPECT_EQ(CardSeconds(91), 3600u);  // all the order had, nothing past its end
  EXPECT_EQ(Body(Call("GET", "/v1/jobs/91", "admin"))["status"], "done");
}

// An extension the platform accepts moves the run's limit in the
// scheduler, so the run is not killed at the order's first end; a restarted
// agent sets every limit once more (it may have missed an extension).
TEST_F(AgentTest, AnExtendedOrderRaisesTheRunsLimit) {
  SubmitJob(95, 1);
  Cycle();
  ASSERT_EQ(slurm_.specs.size(), 1u);
  EXPECT_EQ(slurm_.specs[0].time_limit_s, 3600u - 60u);
  const uint64_t start = Now();
  slurm_.Start("101", start);
  Advance(600);
  ASSERT_EQ(Call("POST", "/v1/jobs/95/extend", "enterprise", R"({"extra_s":1800})").status, 200);
  Cycle();
  const std::vector<std::pair<std::string, uint64_t>> raised = {{"101", 3600 + 1800 - 60}};
  EXPECT_EQ(slurm_.extended, raised);
  Cycle();
  EXPECT_EQ(slurm_.extended.size(), 1u);  // once
  OpenAgent();                            // the same state file
  Advance(3600 - 600 + 60);               // past the order's first end
  Cycle();
  EXPECT_EQ(slurm_.extended.size(), 2u);
  EXPECT_EQ(slurm_.extended[1], raised[0]);
  EXPECT_TRUE(slurm_.cancelled.empty());
  EXPECT_EQ(Body(Call("GET", "/v1/jobs/95", "admin"))["status"], "running");
  EXPECT_EQ(CardSeconds(95), 3660u);
}

TEST_F(AgentTest, WindowsAreTheSameWhicheverCycleComputesThem) {
  const Placement p{.job = 1,
                    .pool = 2,
                    .cards = 2,
                    .from_s = 1000,
                    .until_s = 5000,
                    .phase = Phase::kSubmitted,
                    .run_id = "9"};
  SchedulerRun run{
      .id = "9", .name = "bg-t-1", .state = RunState::kRunning, .submit_s = 990, .start_s = 1010};
  const auto early = agent_->Windows(p, {run}, 1140);
  ASSERT_EQ(early.size(), 2u);
  run.state = RunState::kEnded;
  run.end_s = 1200;
  const auto late = agent_->Windows(p, {run}, 9000);
  ASSERT_EQ(late.size(), 4u);
  EXPECT_EQ(late[0], early[0]);
  EXPECT_EQ(late[1], early[1]);
  EXPECT_EQ(late[3].start_s, 1190u);
  EXPECT_EQ(late[3].end_s, 1200u);
  uint64_t card_s = 0;
  for (const auto& r : late) card_s += (r.end_s - r.start_s) * r.cards;
  EXPECT_EQ(card_s, 2u * 190u);
  // Beyond the order's lifetime nothing is billed.
  const Placement short_order{.job = 1, .cards = 2, .from_s = 1000, .until_s = 1100, .run_id = "9"};
  uint64_t clipped = 0;
  for (const auto& r : agent_->Windows(short_order, {run}, 9000)) clipped += r.end_s - r.start_s;
  EXPECT_EQ(clipped, 90u);
}

}  // namespace
}  // namespace bg::agent
