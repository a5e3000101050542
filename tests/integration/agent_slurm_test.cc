// The provider agent on a real Slurm (issue 17): scripts/slurm-local.sh
// starts slurmctld, slurmd and slurmdbd on this machine with fake GPUs of
// two types; a real `baygrid serve` places jobs on two of the Shaoguan
// hub's pools; a real `baygrid agent` runs them as Slurm jobs and is killed
// with SIGKILL at random moments and restarted. Then, job by job:
//
// - each job ran once in Slurm (sacct -D shows one job id per name);
// - the card-seconds the platform charged are sacct's AllocTRES GPUs ×
//   ElapsedRaw, to the second, and the charge is that usage at the pool's
//   price; each job's money trail reconciles;
// - one job cancelled on the platform is cancelled in Slurm (what ran
//   after the cancel is not charged: the order had ended), one cancelled
//   in Slurm by an admin is finished with what ran, and one that outruns
//   its Slurm time limit ends as TIMEOUT and is billed for what ran; one
//   requeued by an admin runs twice under its one Slurm id and is billed
//   for both attempts, as sacct -D counts them;
// - the hub's statement from the voucher's programme carries, job by job,
//   the subsidy of that charge; the agent's /metrics answers its counters.
//
// If Slurm cannot start, the test fails and says why: it is never skipped.
// The last line is `RESULT agent jobs=<n> submitted_twice=<n>
// usage_diff_card_s=<n> restarts=<n> ok=<true|false>`.
#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <thread>

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "api/api_test_client.h"
#include "api/json.h"
#include "api/service.h"
#include "cli/provider_keys.h"
#include "engine/engine.h"
#include "metering/usage.h"
#include "storage/sqlite_store.h"
#include "tests/testutil/server_process.h"
#include "tests/testutil/world_db.h"
#include "world/commands.h"
#include "world/world.h"

namespace bg {
namespace {

namespace fs = std::filesystem;
using api::Json;
using Clock = std::chrono::steady_clock;

constexpr uint64_t kFirstJob = 900000101;
constexpr int kJobs = 22;
constexpr uint64_t kTimesOut = kFirstJob;            // sleeps past its Slurm limit
constexpr uint64_t kCancelledHere = kFirstJob + 1;   // cancelled on the platform
constexpr uint64_t kCancelledThere = kFirstJob + 2;  // scancel by a Slurm admin
constexpr uint64_t kRequeued = kFirstJob + 3;        // scontrol requeue by a Slurm admin
constexpr int kKills = 4;

std::string Name(uint64_t job) { return "bg-bgtest-" + std::to_string(job); }

// scripts/slurm-local.sh up/down around the test.
class LocalSlurm {
 public:
  explicit LocalSlurm(fs::path dir) : dir_(std::move(dir)) {}
  ~LocalSlurm() { Down(); }
  // Stops every daemon (before the folder with their pid files goes).
  void Down() {
    if (up_) testutil::RunCommand(Script() + " down " + dir_.string());
    up_ = false;
  }
  // Starts the cluster and takes its environment (SLURM_CONF).
  std::string Up() {
    const testutil::CommandOutput out = testutil::RunCommand(Script() + " up " + dir_.string());
    up_ = true;  // whatever started is stopped again
    if (out.exit_code != 0) return "Slurm did not start:\n" + out.output;
    std::istringstream lines(out.output);
    std::string line;
    int exported = 0;
    while (std::getline(lines, line)) {
      if (line.rfind("export ", 0) != 0) continue;
      const size_t eq = line.find('=');
      std::string value = line.substr(eq + 1);
      if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'')) {
        value = value.substr(1, value.size() - 2);
      }
      setenv(line.substr(7, eq - 7).c_str(), value.c_str(), 1);
      ++exported;
    }
    return exported > 0 ? "" : "slurm-local.sh printed no environment:\n" + out.output;
  }

 private:
  static std::string Script() { return std::string(BG_SOURCE_DIR) + "/scripts/slurm-local.sh"; }
  fs::path dir_;
  bool up_ = false;
};

// `baygrid agent` with its JSON lines appended to `log`.
pid_t StartAgent(const fs::path& config, const fs::path& log) {
  const pid_t pid = fork();
  if (pid == 0) {
    const int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    dup2(fd, STDOUT_FILENO);
    dup2(fd, STDERR_FILENO);
    execl(BG_BAYGRID, "baygrid", "agent", "--config", config.c_str(), nullptr);
    _exit(127);
  }
  return pid;
}

// One job's figures in sacct: every run of its name.
struct Accounted {
  std::set<std::string> ids;
  std::string state;
  uint64_t card_seconds = 0;
  bool ended = true;
  int attempts = 0;  // rows of sacct -D: a requeued job has one per run
};

std::map<uint64_t, Accounted> Sacct() {
  std::string names;
  for (uint64_t i = 0; i < kJobs; ++i) names += (i ? "," : "") + Name(kFirstJob + i);
  const auto out = testutil::RunCommand(
      "sacct --duplicates --allocations --parsable2 --noheader --starttime=now-2hours "
      "--format=JobIDRaw,JobName,State,ElapsedRaw,AllocTRES --name=" +
      names);
  std::map<uint64_t, Accounted> by;
  std::istringstream lines(out.output);
  std::string line;
  while (std::getline(lines, line)) {
    std::vector<std::string> f;
    std::stringstream cells(line);
    for (std::string c; std::getline(cells, c, '|');) f.push_back(c);
    if (f.size() < 5 || f[1].rfind("bg-bgtest-", 0) != 0) continue;
    Accounted& a = by[std::stoull(f[1].substr(10))];
    a.ids.insert(f[0]);
    if (f[2] != "REQUEUED" || a.state.empty()) a.state = f[2];  // the last attempt's
    ++a.attempts;
    const bool live = f[2] == "RUNNING" || f[2] == "PENDING" || f[2] == "COMPLETING";
    a.ended = a.ended && !live;
    uint64_t gpus = 0;
    std::stringstream tres(f[4]);
    for (std::string t; std::getline(tres, t, ',');) {
      if (t.rfind("gres/gpu=", 0) == 0) gpus = std::stoull(t.substr(9));
    }
    a.card_seconds += gpus * std::stoull(f[3].empty() ? "0" : f[3]);
  }
  return by;
}

// This month in China Standard Time ("2026-12"), a statement's period.
std::string PeriodNow() {
  const std::time_t t = std::time(nullptr) + 8 * 3600;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m", &tm);
  return buf;
}

bool PendingInSlurm(uint64_t job) {
  return testutil::RunCommand("squeue --noheader --states=PENDING --format=%j --name=" + Name(job))
             .output.find(Name(job)) != std::string::npos;
}

bool RunningInSlurm(uint64_t job) {
  return testutil::RunCommand("squeue --noheader --states=RUNNING --format=%j --name=" + Name(job))
             .output.find(Name(job)) != std::string::npos;
}

TEST(AgentSlurmTest, RealSlurmRunsThePlacementsAndBillsWhatSacctMeasured) {
  std::string pattern = (fs::temp_directory_path() / "bg_agent_slurm_XXXXXX").string();
  ASSERT_NE(mkdtemp(pattern.data()), nullptr);
  const fs::path dir = pattern;
  LocalSlurm slurm(dir / "slurm");
  const std::string why = slurm.Up();
  ASSERT_TRUE(why.empty()) << why;

  // The platform: the GBA world, an admin, Songshan Lake (enterprise 1),
  // the Shaoguan hub (provider 1) with a signing key.
  const fs::path db = dir / "serve.db";
  const std::vector<std::string> tokens =
      testutil::MakeWorldDb(BG_SOURCE_DIR, db.string(),
                            {{1, access::TokenRole::kAdmin, 0},
                             {2, access::TokenRole::kEnterprise, 1},
                             {3, access::TokenRole::kProvider, 1}});
  ASSERT_EQ(tokens.size(), 3u);
  const std::string admin = tokens[0], enterprise = tokens[1], provider = tokens[2];
  ASSERT_TRUE(cli::GenerateKeyFile((dir / "provider.key").string()).ok());
  testutil::ServerProcess server = testutil::StartServer(BG_BAYGRID, db.string());
  testutil::KillOnExit reap_server(server.pid);
  ASSERT_GT(server.port, 0);
  auto call = [&](const std::string& method, const std::string& target, const std::string& token,
                  const std::string& body = "") {
    return api::testing::Request(server.port, method, target, token, body);
  };

  // Songshan Lake holds a Dongguan voucher (programme 1), so that the jobs'
  // subsidy lands on the hub's statement, which is checked against sacct.
  {
    const auto filed = call("POST", "/v1/applications", enterprise,
                            R"({"id":1,"programme":1,"amount_fen":10000000})");
    ASSERT_EQ(filed.status, 201) << filed.body;
    ASSERT_EQ(call("POST", "/v1/applications/1/review", enterprise, R"({"step":"submit"})").status,
              200);
    for (const char* step : {"start_review", "approve", "issue"}) {
      const auto r = call("POST", "/v1/applications/1/review", admin,
                          std::string(R"({"step":")") + step + "\"}");
      ASSERT_EQ(r.status, 200) << step << ": " << r.body;
    }
  }
  const std::string first_period = PeriodNow();

  // Two of the hub's pools with different accelerators: one is Slurm's
  // a800 GPUs, the other its 910b ones.
  const Json pools = Json::parse(call("GET", "/v1/pools?provider=1&limit=100", admin).body);
  std::vector<Json> two;
  for (const Json& p : pools["items"]) {
    if (two.empty() || (two.size() == 1 && p["accelerator"] != two[0]["accelerator"])) {
      two.push_back(p);
    }
  }
  ASSERT_EQ(two.size(), 2u) << pools;
  const uint64_t pool_a = two[0]["id"], pool_b = two[1]["id"];
  // Every other pool of the network offers nothing, so the scheduler
  // places these jobs at the hub (or queues them until Slurm has room).
  const Json all_pools = Json::parse(call("GET", "/v1/pools?limit=1000", admin).body);
  for (const Json& p : all_pools["items"]) {
    if (p["id"] == pool_a || p["id"] == pool_b) continue;
    const auto r = call("POST", "/v1/pools/" + std::to_string(p["id"].get<uint64_t>()) + "/offered",
                        admin, R"({"cards":0})");
    ASSERT_EQ(r.status, 200) << r.body;
  }

  std::ofstream(dir / "agent.toml")
      << "server = \"http://127.0.0.1:" << server.port << "\"\n"
      << "token = \"" << provider << "\"\n"
      << "key_file = \"provider.key\"\n"
      << "provider = 1\ncluster = \"bgtest\"\n"
      << "state = \"agent.db\"\npoll_ms = 400\nfull_sync_ms = 3000\n"
      << "usage_window_s = 10\nmargin_s = 60\nmetrics_listen = \"127.0.0.1:0\"\n"
      << "command = '''case \"$BG_JOB_ID\" in\n"
      << "  " << kTimesOut << "|" << kCancelledHere << "|" << kCancelledThere
      << ") sleep 100000 ;;\n"
      << "  *) sleep $((BG_JOB_ID % 9 + 4)) ;;\nesac'''\n"
      << "[[pool]]\nid = " << pool_a << "\npartition = \"gpu\"\naccount = \"bg\"\ngres = \"a800\"\n"
      << "[[pool]]\nid = " << pool_b
      << "\npartition = \"gpu\"\naccount = \"bg\"\ngres = \"910b\"\n";
  const fs::path log = dir / "agent.log";
  pid_t agent = StartAgent(dir / "agent.toml", log);
  int restarts = 0;
  // Whichever agent runs when the test ends (or fails) is killed with it.
  struct KillAgent {
    pid_t* pid;
    ~KillAgent() {
      if (*pid > 0 && waitpid(*pid, nullptr, WNOHANG) == 0) {
        ::kill(*pid, SIGKILL);
        waitpid(*pid, nullptr, 0);
      }
    }
  } kill_agent{&agent};

  // The agent offers what Slurm really has: 4 GPUs of each type.
  const auto offered_deadline = Clock::now() + std::chrono::seconds(30);
  bool offered = false;
  while (!offered && Clock::now() < offered_deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    const Json now = Json::parse(call("GET", "/v1/pools?provider=1&limit=100", admin).body);
    int right = 0;
    for (const Json& p : now["items"]) {
      if ((p["id"] == pool_a || p["id"] == pool_b) && p["cards_offered"] == 4) ++right;
    }
    offered = right == 2;
  }
  ASSERT_TRUE(offered) << "the agent did not offer Slurm's GPUs; its log:\n"
                       << testutil::RunCommand("cat " + log.string()).output;

  for (int i = 0; i < kJobs; ++i) {
    const uint64_t id = kFirstJob + static_cast<uint64_t>(i);
    const uint64_t walltime = id == kTimesOut ? 150 : 900;
    const auto r = call("POST", "/v1/jobs", enterprise,
                        "{\"id\":" + std::to_string(id) + ",\"accelerator\":\"" +
                            two[static_cast<size_t>(i % 2)]["accelerator"].get<std::string>() +
                            "\",\"cards\":" + std::to_string(1 + i % 2) +
                            ",\"walltime_s\":" + std::to_string(walltime) + "}");
    ASSERT_EQ(r.status, 201) << r.body;
  }

  // Until every job has ended on the platform: placement passes (the
  // operator's cron), kills of the agent, the two cancellations.
  std::mt19937 rng(static_cast<unsigned>(std::random_device{}()));
  auto next_kill = Clock::now() + std::chrono::milliseconds(1500 + rng() % 3000);
  bool cancelled_here = false, cancelled_there = false, requeued = false, released = false;
  const auto deadline = Clock::now() + std::chrono::minutes(6);
  std::map<uint64_t, std::string> status;
  for (;;) {
    ASSERT_LT(Clock::now(), deadline) << "jobs still running; the agent's log:\n"
                                      << testutil::RunCommand("tail -40 " + log.string()).output;
    call("POST", "/v1/schedule", admin, "{}");
    if (restarts < kKills && Clock::now() >= next_kill) {
      ::kill(agent, SIGKILL);
      waitpid(agent, nullptr, 0);
      agent = StartAgent(dir / "agent.toml", log);
      ++restarts;
      next_kill = Clock::now() + std::chrono::milliseconds(2000 + rng() % 6000);
    }
    if (!cancelled_here && RunningInSlurm(kCancelledHere)) {
      const auto r = call("POST", "/v1/jobs/" + std::to_string(kCancelledHere) + "/cancel",
                          enterprise, R"({"reason":"not needed after all"})");
      ASSERT_EQ(r.status, 200) << r.body;
      cancelled_here = true;
    }
    if (!requeued && RunningInSlurm(kRequeued)) {
      std::this_thread::sleep_for(std::chrono::seconds(2));
      const auto r = testutil::RunCommand(
          "scontrol requeue $(squeue --noheader --format=%i --name=" + Name(kRequeued) + ")");
      ASSERT_EQ(r.exit_code, 0) << r.output;
      requeued = true;
    }
    if (requeued && !released && PendingInSlurm(kRequeued)) {
      // Back in the queue, a requeued job waits two minutes before it may
      // start again; the admin lets it start at once.
      const auto now =
          testutil::RunCommand("scontrol update JobName=" + Name(kRequeued) + " StartTime=now");
      ASSERT_EQ(now.exit_code, 0) << now.output;
      released = true;
    }
    if (!cancelled_there && RunningInSlurm(kCancelledThere)) {
      std::this_thread::sleep_for(std::chrono::seconds(3));
      ASSERT_EQ(testutil::RunCommand("scancel --name=" + Name(kCancelledThere)).exit_code, 0);
      cancelled_there = true;
    }
    int ended = 0;
    for (int i = 0; i < kJobs; ++i) {
      const uint64_t id = kFirstJob + static_cast<uint64_t>(i);
      const Json j = Json::parse(call("GET", "/v1/jobs/" + std::to_string(id), admin).body);
      status[id] = j.value("status", "");
      ended += status[id] == "done" || status[id] == "cancelled";
    }
    if (ended == kJobs && restarts >= 3) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
  // The running agent's /metrics (its port is in its log's "metrics" line,
  // the last one written): the counters since its start.
  {
    std::istringstream lines(testutil::RunCommand("grep '\"metrics\"' " + log.string()).output);
    std::string line, last;
    while (std::getline(lines, line)) last = line;
    const Json said = Json::parse(last, nullptr, false);
    ASSERT_TRUE(said.is_object() && said.contains("url")) << last;
    const std::string url = said["url"];
    const uint16_t port = static_cast<uint16_t>(
        std::stoi(url.substr(url.rfind(':') + 1, url.find("/metrics") - url.rfind(':') - 1)));
    const auto scraped = api::testing::Request(port, "GET", "/metrics", "", "");
    ASSERT_EQ(scraped.status, 200) << scraped.body;
    for (const char* counter :
         {"baygrid_agent_cycles_total", "baygrid_agent_usage_records_accepted_total",
          "baygrid_agent_finished_total", "baygrid_agent_extended_total"}) {
      EXPECT_NE(scraped.body.find(std::string("\n") + counter + " "), std::string::npos)
          << counter << " missing:\n"
          << scraped.body;
    }
    EXPECT_EQ(scraped.body.find("baygrid_agent_cycles_total 0\n"), std::string::npos)
        << scraped.body;
    EXPECT_EQ(api::testing::Request(port, "GET", "/other", "", "").status, 404);
  }
  ::kill(agent, SIGTERM);
  waitpid(agent, nullptr, 0);
  agent = -1;

  // sacct hears of the last ends a moment after the controller.
  std::map<uint64_t, Accounted> acct;
  for (int tries = 0; tries < 40; ++tries) {
    acct = Sacct();
    bool all = acct.size() == kJobs;
    for (const auto& [job, a] : acct) all = all && a.ended;
    if (all) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
  ASSERT_EQ(acct.size(), static_cast<size_t>(kJobs));

  std::map<uint64_t, int64_t> price;  // fen per card-hour, shared tier
  const Json priced = Json::parse(call("GET", "/v1/pools?provider=1&limit=100", admin).body);
  for (const Json& p : priced["items"]) {
    price[p["id"]] = p["price_per_card_hour"]["shared"]["fen"];
  }
  int submitted_twice = 0;
  uint64_t diff = 0;
  std::map<uint64_t, int64_t> voucher_paid;  // fen, per job
  for (int i = 0; i < kJobs; ++i) {
    const uint64_t id = kFirstJob + static_cast<uint64_t>(i);
    const Accounted& a = acct.at(id);
    submitted_twice += a.ids.size() > 1;
    const Json trail =
        Json::parse(call("GET", "/v1/jobs/" + std::to_string(id) + "/trail", admin).body);
    const Json& job = trail["job"];
    const uint64_t charged_s = trail["usage_card_seconds"];
    EXPECT_TRUE(trail["totals"]["reconciles"].get<bool>()) << id;
    EXPECT_EQ(job["card_seconds"].get<uint64_t>(), charged_s) << id;
    voucher_paid[id] = job["voucher_charged"]["fen"].get<int64_t>();
    if (id == kCancelledHere) {
      // After the cancel the order takes no more usage: billed up to it.
      EXPECT_EQ(status[id], "cancelled");
      EXPECT_EQ(a.state.rfind("CANCELLED", 0), 0u) << a.state;
      EXPECT_LE(charged_s, a.card_seconds) << id;
      continue;
    }
    EXPECT_EQ(status[id], "done") << id;
    diff += charged_s > a.card_seconds ? charged_s - a.card_seconds : a.card_seconds - charged_s;
    EXPECT_EQ(charged_s, a.card_seconds) << id << " sacct " << a.state;
    const auto expected = metering::Charge(a.card_seconds, Money::Fen(price[job["pool"]]));
    ASSERT_TRUE(expected.has_value());
    EXPECT_EQ(job["charged"]["fen"].get<int64_t>(), expected->fen()) << id;
    if (id == kTimesOut) {
      EXPECT_EQ(a.state, "TIMEOUT");
    } else if (id == kCancelledThere) {
      EXPECT_EQ(a.state.rfind("CANCELLED", 0), 0u) << a.state;
    } else {
      EXPECT_EQ(a.state, "COMPLETED") << id;
    }
  }
  // The hub's statement from Dongguan (this month's, open; last month's too
  // if the test crossed a month's end): job by job, its lines carry the
  // subsidy of the charge checked against sacct above (a line whose share
  // rounds to no fen is not on it, so its card-seconds are at most
  // sacct's), and they add up to the statement.
  std::map<uint64_t, uint64_t> stated_s;
  std::map<uint64_t, int64_t> stated_fen;
  for (const std::string& period : std::set<std::string>{first_period, PeriodNow()}) {
    std::string after;
    int64_t subsidy = 0;
    Json head;
    do {
      head = Json::parse(call("GET",
                              "/v1/statements/lines?programme=1&provider=1&limit=1000&period=" +
                                  period + (after.empty() ? "" : "&after=" + after),
                              admin)
                             .body);
      ASSERT_TRUE(head.contains("items")) << head.dump();
      for (const Json& line : head["items"]) {
        const int64_t fen = line["subsidy"]["fen"].get<int64_t>();
        if (line["job"].is_number()) {
          stated_s[line["job"]] += line["card_seconds"].get<uint64_t>();
          stated_fen[line["job"]] += fen;
        }
        subsidy += fen;
      }
      after = head["next_after"].is_string() ? head["next_after"].get<std::string>() : "";
    } while (!after.empty());
    EXPECT_EQ(subsidy, head["subsidy"]["fen"].get<int64_t>()) << period;
  }
  int64_t stated_total = 0;
  for (int i = 0; i < kJobs; ++i) {
    const uint64_t id = kFirstJob + static_cast<uint64_t>(i);
    EXPECT_EQ(stated_fen[id], voucher_paid[id]) << "job " << id << " on the statement";
    EXPECT_LE(stated_s[id], acct.at(id).card_seconds) << "job " << id << " on the statement";
    stated_total += stated_fen[id];
  }
  EXPECT_GT(stated_total, 0) << "the voucher paid nothing";
  EXPECT_GE(acct.at(kRequeued).attempts, 2) << "the requeued job ran once";
  EXPECT_EQ(submitted_twice, 0);
  EXPECT_GE(restarts, 3);
  const bool ok = !::testing::Test::HasFailure();
  std::printf("RESULT agent jobs=%d submitted_twice=%d usage_diff_card_s=%llu restarts=%d ok=%s\n",
              kJobs, submitted_twice, static_cast<unsigned long long>(diff), restarts,
              ok ? "true" : "false");
  slurm.Down();
  if (ok) fs::remove_all(dir);
}

}  // namespace
}  // namespace bg
