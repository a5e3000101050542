// The failover test (issue 18): two `baygrid serve` on one replicated
// PostgreSQL — etcd and two Patroni-managed nodes with synchronous_mode_strict
// (scripts/pg-ha-local.sh) — one active, one `--standby`, under a steady
// load of job submissions and signed usage over HTTP. Each round kills
// something with SIGKILL and waits until a write is acknowledged again:
//
//   postgres  the PostgreSQL primary's node (Patroni and postmaster: a
//             machine crash); Patroni promotes the sync standby, the
//             killed node is started again and rejoins as a replica;
//   baygrid   the active baygrid; the standby takes the writer lease once
//             it expires;
//   both      the two at once;
//   pause     the active baygrid is stopped (SIGSTOP, a long GC-like stall)
//             past its lease, the standby takes over, and the stalled one
//             is woken and sent a job: the fence refuses its append, and
//             it exits naming the lease it lost.
//
// A killed or deposed baygrid is started again as the standby. Clients
// retry what was not acknowledged on whichever server answers, with the
// same Idempotency-Key and the same usage record id. Afterwards the
// database is opened as the next writer would and every acknowledged job,
// its kept answer and every acknowledged usage record must be there, each
// usage charged once, the ledger, programmes and statements reconciled and
// the journal verified. The last line:
//
//   RESULT failover kills=<n> acked_lost=<n> double_charged=<n>
//          takeover_s_max=<x> fenced_appends_refused=<n>
//
// Environment: BG_PG_HA_DIR (the cluster, whose url file names it) and
// BG_PG_HA_SCRIPT (scripts/pg-ha-local.sh); tests/integration/
// failover_test.sh sets both. BG_FAILOVER_ROUNDS repeats the four rounds.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "api/api_test_client.h"
#include "api/json.h"
#include "common/hash.h"
#include "engine/audit.h"
#include "engine/engine.h"
#include "metering/usage.h"
#include "programme/reconcile.h"
#include "settlement/settlement.h"
#include "storage/open.h"
#include "tests/testutil/server_process.h"
#include "tests/testutil/world_db.h"

namespace bg {
namespace {

namespace fs = std::filesystem;
using api::Json;
using Clock = std::chrono::steady_clock;

constexpr uint64_t kHengqin = 5;   // provider of pool 11 (gba.toml)
constexpr uint64_t kRobotics = 3;  // Xiangzhou Robotics, Zhuhai 免申即享
constexpr int kLeaseTtlMs = 2000;
constexpr auto kRequestTimeout = std::chrono::seconds(5);
constexpr auto kTakeoverLimit = std::chrono::seconds(120);

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v == nullptr ? "" : v;
}

// Every thread's stack of a live process (gdb attaches), for a failure's
// message: where a server that should have stopped is waiting.
std::string Stacks(pid_t pid) {
  // The threads by name with where the kernel has them wait, then gdb's
  // stacks (which may show only the main thread of a sanitized build).
  const std::string task = "/proc/" + std::to_string(pid) + "/task";
  const std::string command =
      "for t in " + task + "/*; do echo \"$(cat $t/comm) $(cat $t/wchan)\"; done; gdb -batch -p " +
      std::to_string(pid) + " -ex 'thread apply all bt' 2>/dev/null | grep -E '^(Thread|#)'";
  std::string out;
  if (FILE* p = popen(command.c_str(), "r")) {
    char buf[4096];
    size_t n = 0;
    while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
    pclose(p);
  }
  return out;
}

std::string JobBody(uint64_t id) {
  return R"({"id":)" + std::to_string(id) + R"(,"enterprise":)" + std::to_string(kRobotics) +
         R"(,"accelerator":"A800","cards":1,"walltime_s":600,"pool":11})";
}

std::string IdempotencyKey(uint64_t id) {
  return "Idempotency-Key: job-" + std::to_string(id) + "\r\n";
}

// One request with a deadline: a server stalled or waiting on its database
// must not hold a client for ever (status 0 then, as for a refused one).
api::testing::RawResponse Request(uint16_t port, const std::string& method,
                                  const std::string& target, const std::string& token,
                                  const std::string& body, const std::string& headers = "") {
  const int fd = api::testing::SendOnly(
      port, api::testing::RequestBytes(method, target, token, body, "application/json", headers));
  if (fd >= 0) {
    const timeval timeout{.tv_sec = std::chrono::seconds(kRequestTimeout).count(), .tv_usec = 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  }
  return api::testing::ReadAnswer(fd);
}

uint16_t FreePort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  EXPECT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream all;
  all << in.rdbuf();
  return all.str();
}

// One `baygrid serve` on a fixed port, its output in its own log.
struct Server {
  std::string name = {};
  uint16_t port = 0;
  pid_t pid = -1;
  fs::path log = {};
  int starts = 0;
  int exit_status = 0;  // of the last run, once reaped (waitpid's status)
};

class Cluster {
 public:
  Cluster(fs::path dir, std::string url, std::string script, std::string pg_dir)
      : dir_(std::move(dir)),
        url_(std::move(url)),
        script_(std::move(script)),
        pg_dir_(std::move(pg_dir)) {
    servers_[0] = {.name = "baygrid-a", .port = FreePort()};
    servers_[1] = {.name = "baygrid-b", .port = FreePort()};
  }
  ~Cluster() {
    for (Server& s : servers_) Stop(s, SIGKILL);
  }
  Cluster(const Cluster&) = delete;
  Cluster& operator=(const Cluster&) = delete;

  Server& server(int i) { return servers_[i]; }
  std::vector<uint16_t> ports() const { return {servers_[0].port, servers_[1].port}; }

  void Start(Server& s, bool standby) {
    s.log = dir_ / (s.name + "." + std::to_string(++s.starts) + ".log");
    std::vector<std::string> args = {BG_BAYGRID,       "serve",
                                     "--db",           url_,
                                     "--listen",       "127.0.0.1:" + std::to_string(s.port),
                                     "--holder",       s.name,
                                     "--lease-ttl-ms", std::to_string(kLeaseTtlMs),
                                     "--threads",      "4",
                                     "--no-notices"};
    if (standby) args.push_back("--standby");
    s.pid = fork();
    if (s.pid == 0) {
      const int out = open(s.log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      dup2(out, STDOUT_FILENO);
      dup2(out, STDERR_FILENO);
      std::vector<char*> argv;
      for (std::string& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      execv(BG_BAYGRID, argv.data());
      _exit(127);
    }
  }

  // Signals `s` and reaps it (SIGKILL, or SIGTERM and a wait).
  static void Stop(Server& s, int sig) {
    if (s.pid <= 0) return;
    ::kill(s.pid, sig);
    waitpid(s.pid, nullptr, 0);
    s.pid = -1;
  }

  // Whether `s` has exited (reaped if so).
  static bool Exited(Server& s) {
    if (s.pid <= 0) return true;
    if (waitpid(s.pid, &s.exit_status, WNOHANG) != s.pid) return false;
    s.pid = -1;
    return true;
  }

  // Starts every server that is down again, as the standby.
  void Replenish() {
    for (Server& s : servers_) {
      if (Exited(s)) Start(s, true);
    }
  }

  // The servers' logs, for a failure's message.
  std::string Logs() const {
    std::string out;
    for (const fs::directory_entry& f : fs::directory_iterator(dir_)) {
      out += "---- " + f.path().filename().string() + "\n" + ReadFile(f.path());
    }
    return out;
  }

  Server* ByPort(uint16_t port) {
    for (Server& s : servers_) {
      if (s.port == port) return &s;
    }
    return nullptr;
  }

  // scripts/pg-ha-local.sh VERB [NODE] DIR; its last line ("" when it
  // failed, a test failure too unless `may_fail`).
  std::string Script(const std::string& verb, const std::string& node = "", bool may_fail = false) {
    const std::string line =
        script_ + " " + verb + (node.empty() ? "" : " " + node) + " " + pg_dir_;
    const testutil::CommandOutput out = testutil::RunCommand(line);
    if (out.exit_code != 0) {
      EXPECT_TRUE(may_fail) << line << ":\n" << out.output;
      return "";
    }
    // The last line is the answer (a node's name for `primary`).
    std::string last = out.output;
    while (!last.empty() && last.back() == '\n') last.pop_back();
    return last.substr(last.rfind('\n') + 1);
  }

 private:
  fs::path dir_;
  std::string url_;
  std::string script_;
  std::string pg_dir_;
  Server servers_[2];
};

// The clients: threads that submit jobs and their usage to whichever
// server answers, retrying what was not acknowledged.
class Load {
 public:
  Load(std::string token, std::vector<uint16_t> ports)
      : token_(std::move(token)), ports_(std::move(ports)) {}
  // A failed assertion leaves the test early: the clients stop first (a
  // joinable thread's destructor would abort, leaving the servers behind).
  ~Load() { Stop(); }
  Load(const Load&) = delete;
  Load& operator=(const Load&) = delete;

  void Run(int threads) {
    for (int t = 0; t < threads; ++t) threads_.emplace_back([this] { Client(); });
  }
  void Stop() {
    stop_ = true;
    for (std::thread& t : threads_) t.join();
    threads_.clear();
  }

  // The port that acknowledged last, and when.
  uint16_t active() const { return active_.load(); }
  // Waits for an acknowledgement after `since`; its time, or nullopt.
  // `meanwhile` runs every 20 ms (the supervisor restarting servers).
  std::optional<Clock::time_point> AckAfter(Clock::time_point since,
                                            const std::function<void()>& meanwhile) {
    const auto deadline = Clock::now() + kTakeoverLimit;
    while (Clock::now() < deadline) {
      {
        std::lock_guard lock(mu_);
        if (last_ack_sent_ > since) return last_ack_;
      }
      meanwhile();
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return std::nullopt;
  }

  std::set<uint64_t> acked_jobs() const {
    std::lock_guard lock(mu_);
    return acked_jobs_;
  }
  std::set<uint64_t> acked_usage() const {
    std::lock_guard lock(mu_);
    return acked_usage_;
  }
  size_t replays_differing() const { return replays_differing_.load(); }
  // What was not acknowledged, by port and status (0: no answer), and the
  // last refusal's body: for a failure's message.
  std::string Refusals() const {
    std::lock_guard lock(mu_);
    std::string out;
    for (const auto& [key, n] : refused_) {
      out += "port " + std::to_string(key.first) + " status " + std::to_string(key.second) + ": " +
             std::to_string(n) + "\n";
    }
    return out + "last refusal: " + last_refusal_ + "\nfirst 5xx but 503: " + first_failure_;
  }

 private:
  void Refused(uint16_t port, const api::testing::RawResponse& r) {
    std::lock_guard lock(mu_);
    ++refused_[{port, r.status}];
    if (r.status != 0) last_refusal_ = std::to_string(port) + ": " + r.body;
    if (r.status >= 500 && r.status != 503 && first_failure_.empty()) {
      first_failure_ = std::to_string(port) + ": " + r.body;
    }
  }

  // A request sent at `sent` was acknowledged by `port`. A takeover counts
  // from requests sent after the kill, not from answers to earlier ones
  // that were in flight.
  void Acked(uint16_t port, Clock::time_point sent) {
    active_ = port;
    std::lock_guard lock(mu_);
    if (sent > last_ack_sent_) {
      last_ack_sent_ = sent;
      last_ack_ = Clock::now();
    }
  }

  // Sends until a server gives a final answer or the load stops; the
  // answer, or status 0. A 5xx or no answer is tried again, on the next
  // server when this one does not answer at all.
  api::testing::RawResponse Send(const std::string& target, const std::string& body,
                                 const std::string& headers) {
    size_t at = 0;
    for (size_t i = 0; i < ports_.size(); ++i) {
      if (ports_[i] == active_.load()) at = i;
    }
    while (!stop_.load()) {
      const uint16_t port = ports_[at];
      const Clock::time_point sent = Clock::now();
      api::testing::RawResponse r = Request(port, "POST", target, token_, body, headers);
      if (r.status >= 300 || r.status == 0) Refused(port, r);
      if (r.status != 0 && r.status < 500) {
        if (r.status < 300) Acked(port, sent);
        return r;
      }
      if (r.status == 0) at = (at + 1) % ports_.size();
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return {};
  }

  void Client() {
    const auto key = metering::KeyPairFromNumber(kHengqin);
    while (!stop_.load()) {
      const uint64_t id = next_job_++;
      api::testing::RawResponse job = Send("/v1/jobs", JobBody(id), IdempotencyKey(id));
      if (job.status != 201) continue;
      {
        std::lock_guard lock(mu_);
        acked_jobs_.insert(id);
      }
      // A retry after a failover must get the first answer back.
      if (job.headers.count("idempotent-replayed") == 0 && id % 7 == 0) {
        const api::testing::RawResponse again = Send("/v1/jobs", JobBody(id), IdempotencyKey(id));
        if (again.status != 0 && again.body != job.body) ++replays_differing_;
      }
      const Json j = Json::parse(job.body, nullptr, false);
      const uint64_t start = j.value("start_unix_s", uint64_t{0});
      metering::UsageRecord rec{.id = id,
                                .provider = ProviderId(kHengqin),
                                .order = OrderId(id),
                                .start_s = start,
                                .end_s = start + 1,
                                .cards = 1};
      metering::SignRecord(&rec, key.secret_key);
      const std::string usage = R"({"records":[{"id":)" + std::to_string(id) + R"(,"provider":)" +
                                std::to_string(kHengqin) + R"(,"order":)" + std::to_string(id) +
                                R"(,"start_unix_s":)" + std::to_string(start) +
                                R"(,"end_unix_s":)" + std::to_string(start + 1) +
                                R"(,"cards":1,"signature_hex":")" + ToHex(rec.signature) + "\"}]}";
      const api::testing::RawResponse u = Send("/v1/usage", usage, "");
      const Json uj = Json::parse(u.body, nullptr, false);
      // "exists": an earlier try landed though its answer was lost.
      if (u.status == 200 && uj.contains("results") &&
          (uj["results"][0]["result"] == "ok" || uj["results"][0]["result"] == "exists")) {
        std::lock_guard lock(mu_);
        acked_usage_.insert(id);
      }
      // Its cards free again for the next jobs.
      Send("/v1/jobs/" + std::to_string(id) + "/finish", "{}", "");
    }
  }

  const std::string token_;
  const std::vector<uint16_t> ports_;
  std::atomic<bool> stop_{false};
  std::atomic<uint64_t> next_job_{1};
  std::atomic<uint16_t> active_{0};
  std::atomic<size_t> replays_differing_{0};
  mutable std::mutex mu_;
  Clock::time_point last_ack_{};       // when the latest-sent acknowledged request was answered
  Clock::time_point last_ack_sent_{};  // and when it was sent
  std::set<uint64_t> acked_jobs_;
  std::set<uint64_t> acked_usage_;
  std::map<std::pair<uint16_t, int>, size_t> refused_;
  std::string last_refusal_;
  std::string first_failure_;
  std::vector<std::thread> threads_;
};

enum class Round { kPostgres, kBaygrid, kBoth, kPause };

const char* RoundName(Round r) {
  switch (r) {
    case Round::kPostgres:
      return "postgres";
    case Round::kBaygrid:
      return "baygrid";
    case Round::kBoth:
      return "both";
    case Round::kPause:
      return "pause";
  }
  return "?";
}

TEST(FailoverTest, NothingAcknowledgedIsLostWhenThePrimaryTheWriterOrBothDie) {
  const std::string pg_dir = Env("BG_PG_HA_DIR");
  const std::string script = Env("BG_PG_HA_SCRIPT");
  ASSERT_FALSE(pg_dir.empty() || script.empty())
      << "BG_PG_HA_DIR and BG_PG_HA_SCRIPT name the cluster (tests/integration/failover_test.sh)";
  const std::string url = ReadFile(fs::path(pg_dir) / "url");
  const std::string db = url.substr(0, url.find_last_not_of(" \n") + 1);
  const int repeats = std::max(1, std::atoi(Env("BG_FAILOVER_ROUNDS").c_str()));

  std::string pattern = (fs::temp_directory_path() / "bg_failover_XXXXXX").string();
  ASSERT_NE(mkdtemp(pattern.data()), nullptr);
  const fs::path dir = pattern;
  const std::vector<std::string> tokens = testutil::MakeWorldDb(
      BG_SOURCE_DIR, db, {{1, access::TokenRole::kAdmin, 0, "failover"}}, [](engine::Engine& e) {
        EXPECT_TRUE(
            e.Execute(state::RegisterProviderKey{ProviderId(kHengqin),
                                                 metering::KeyPairFromNumber(kHengqin).public_key})
                .ok());
      });
  ASSERT_EQ(tokens.size(), 1u);

  // The writer first, then the standby once the writer serves.
  Cluster cluster(dir, db, script, pg_dir);
  cluster.Start(cluster.server(0), false);
  Load load(tokens[0], cluster.ports());
  load.Run(4);
  ASSERT_TRUE(load.AckAfter(Clock::time_point{}, [] {}).has_value()) << "nothing was acknowledged";
  cluster.Start(cluster.server(1), true);
  // As a supervisor (systemd) would: whichever server stops is started
  // again, as the standby.
  const auto supervise = [&cluster] { cluster.Replenish(); };

  int kills = 0;
  int fenced = 0;
  double takeover_max = 0;
  int warm_takeovers = 0;
  for (uint64_t repeat = 0; repeat < static_cast<uint64_t>(repeats); ++repeat) {
    for (const Round round : {Round::kPostgres, Round::kBaygrid, Round::kBoth, Round::kPause}) {
      cluster.Replenish();
      // Patroni promotes only a synchronous standby (maximum_lag_on_failover
      // 0, strict mode): the node killed last round must be one again.
      cluster.Script("wait-sync");
      std::this_thread::sleep_for(std::chrono::seconds(2));  // load before the kill
      Server* active = cluster.ByPort(load.active());
      ASSERT_NE(active, nullptr);
      const std::string primary =
          round == Round::kPostgres || round == Round::kBoth ? cluster.Script("primary") : "";
      if (!primary.empty()) cluster.Script("kill", primary);
      if (round == Round::kBaygrid || round == Round::kBoth) Cluster::Stop(*active, SIGKILL);
      if (round == Round::kPause) ::kill(active->pid, SIGSTOP);
      // From when all is dead: what was sent before may still be answered.
      const Clock::time_point killed = Clock::now();
      kills += round == Round::kPause ? 0 : 1;
      if (!primary.empty()) {
        // Once the other node is promoted, the killed one comes back as its
        // replica (with strict synchronous replication and two nodes,
        // commits wait until a standby is there).
        std::string now;
        for (int i = 0; i < 600 && (now.empty() || now == primary); ++i) {
          std::this_thread::sleep_for(std::chrono::milliseconds(100));
          now = cluster.Script("primary", "", true);
        }
        EXPECT_FALSE(now.empty() || now == primary) << "no other node was promoted";
        cluster.Script("start", primary);
      }
      const std::optional<Clock::time_point> back = load.AckAfter(killed, supervise);
      ASSERT_TRUE(back.has_value())
          << RoundName(round) << ": no write acknowledged for " << kTakeoverLimit.count() << " s\n"
          << load.Refusals() << "\n"
          << cluster.Logs();
      const double takeover = std::chrono::duration<double>(*back - killed).count();
      takeover_max = std::max(takeover_max, takeover);
      std::printf("round %s: a write acknowledged again after %.1f s (by port %u)\n",
                  RoundName(round), takeover, load.active());
      // With the database up all along, the standby that took over had
      // followed the journal, and started from that state.
      if (Server* now = cluster.ByPort(load.active());
          now != active && (round == Round::kBaygrid || round == Round::kPause)) {
        const std::string said = ReadFile(now->log);
        EXPECT_NE(said.find("took over from the journal followed to entry"), std::string::npos)
            << said;
        if (said.find("its state used") != std::string::npos) ++warm_takeovers;
      }
      if (round == Round::kPause) {
        ASSERT_NE(load.active(), active->port) << "the stalled writer was not replaced";
        ::kill(active->pid, SIGCONT);
        const Clock::time_point resumed = Clock::now();
        // Its late append: refused by the fence (or it has already seen it
        // lost the lease, and takes no more commands).
        const api::testing::RawResponse late =
            Request(active->port, "POST", "/v1/jobs", tokens[0], JobBody(900'000'000 + repeat),
                    IdempotencyKey(900'000'000 + repeat));
        EXPECT_NE(late.status, 201) << late.body;
        // Seconds, not minutes; but a loaded CI machine (Chromium, Slurm
        // and PostgreSQL beside this) can stall a process for a while.
        for (int i = 0; i < 300 && !Cluster::Exited(*active); ++i) {
          std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
        std::printf(
            "round pause: the late request answered %d; the deposed writer %s after %.1f s\n",
            late.status, Cluster::Exited(*active) ? "stopped" : "was still running",
            std::chrono::duration<double>(Clock::now() - resumed).count());
        ASSERT_TRUE(Cluster::Exited(*active))
            << "the deposed writer did not stop; the late request had " << late.status << "\n"
            << Stacks(active->pid) << cluster.Logs();
        // It stopped writing, and said so, exiting non-zero: deposed (the
        // fence refused its renewal or its append), or its commit's outcome
        // unknown (the server ended its stalled session, and the head
        // shows its successor's entry).
        const std::string said = ReadFile(active->log);
        std::printf("---- the deposed writer's log:\n%s----\n", said.c_str());
        const bool stopped = late.status != 201 && WIFEXITED(active->exit_status) &&
                             WEXITSTATUS(active->exit_status) != 0 &&
                             said.find("the engine stopped writing") != std::string::npos;
        EXPECT_TRUE(stopped) << "exit status " << active->exit_status << ":\n" << said;
        if (stopped) ++fenced;
      }
    }
  }
  load.Stop();
  // The routes that read the database themselves do so on PostgreSQL too:
  // the journal verified through the API, an entry and a job's trail.
  const uint16_t active = load.active();
  const api::testing::RawResponse verified =
      Request(active, "POST", "/v1/audit/verify", tokens[0], "{}");
  EXPECT_EQ(verified.status, 200) << verified.body;
  EXPECT_EQ(Json::parse(verified.body, nullptr, false).value("ok", false), true) << verified.body;
  const api::testing::RawResponse entry = Request(active, "GET", "/v1/journal/1", tokens[0], "");
  EXPECT_EQ(entry.status, 200) << entry.body;
  const uint64_t some_job = *load.acked_usage().begin();
  const api::testing::RawResponse trail =
      Request(active, "GET", "/v1/jobs/" + std::to_string(some_job) + "/trail", tokens[0], "");
  EXPECT_EQ(trail.status, 200) << trail.body;
  EXPECT_EQ(Json::parse(trail.body, nullptr, false)["totals"].value("reconciles", false), true)
      << trail.body;
  // What an operator watches: the epoch (one more per takeover) and the
  // synchronous standby.
  const api::testing::RawResponse metrics = Request(active, "GET", "/metrics", tokens[0], "");
  EXPECT_NE(metrics.body.find("\nbaygrid_store_lease_epoch "), std::string::npos) << metrics.body;
  EXPECT_NE(metrics.body.find("\nbaygrid_store_sync_standbys 1\n"), std::string::npos)
      << metrics.body;
  for (int i = 0; i < 2; ++i) Cluster::Stop(cluster.server(i), SIGTERM);

  // Opened as the next writer would, everything acknowledged is there.
  auto store = storage::OpenWriter(db);
  ASSERT_TRUE(store.ok()) << store.status();
  SystemClock clock;
  engine::EngineOptions options;
  options.idle_tick = std::chrono::milliseconds(0);
  auto e = engine::Engine::Open(store->get(), &clock, options);
  ASSERT_TRUE(e.ok()) << e.status();
  const std::set<uint64_t> jobs = load.acked_jobs();
  const std::set<uint64_t> usage = load.acked_usage();
  size_t lost = 0, double_charged = 0;
  (*e)->Read([&](const state::State& st) {
    Money one{};  // what one card-second on pool 11 costs, from the first job
    for (uint64_t id : jobs) {
      const scheduler::Job* job = st.scheduler().FindJob(OrderId(id));
      auto kept = (*e)->FindAnswer("admin/0/failover POST /v1/jobs", "job-" + std::to_string(id));
      if (job == nullptr || !kept.ok() || !kept->has_value()) {
        ++lost;
        ADD_FAILURE() << "acknowledged job " << id << " (or its kept answer) lost";
        continue;
      }
      if (usage.count(id) == 0) continue;
      const metering::OrderMeter* m = st.metering().MeterOf(OrderId(id));
      if (m == nullptr || m->by_id().count(id) != 1) {
        ++lost;
        ADD_FAILURE() << "acknowledged usage " << id << " lost";
        continue;
      }
      const Money charged = job->voucher_charged.Add(job->copay_charged).value_or(Money{});
      if (one.is_zero()) one = charged;
      if (m->by_id().size() != 1 || charged != one) {
        ++double_charged;
        ADD_FAILURE() << "job " << id << " charged " << charged << " yuan for " << m->by_id().size()
                      << " records; one record costs " << one;
      }
    }
    EXPECT_EQ(st.ledger().CheckInvariants(), "");
    EXPECT_EQ(programme::CheckReconciled(st.book(), st.registry(), st.ledger()), "");
    EXPECT_EQ(settlement::CheckStatements(st.settlement(), st.registry(), st.ledger()), "");
    return 0;
  });
  Result<engine::AuditReport> audit = engine::AuditStore(**store);
  ASSERT_TRUE(audit.ok()) << audit.status();
  EXPECT_TRUE(audit->ok()) << audit->problem;
  ASSERT_TRUE((*e)->Shutdown().ok());
  EXPECT_EQ(load.replays_differing(), 0u) << "a retried job got another answer than its first";
  EXPECT_GT(jobs.size(), 50u) << "the load did not run";
  EXPECT_GT(usage.size(), 50u);
  EXPECT_EQ(fenced, repeats);
  std::printf("acknowledged: %zu jobs, %zu usage records; %d takeovers from a followed state\n",
              jobs.size(), usage.size(), warm_takeovers);
  std::printf(
      "RESULT failover kills=%d acked_lost=%zu double_charged=%zu takeover_s_max=%.1f "
      "fenced_appends_refused=%d\n",
      kills, lost, double_charged, takeover_max, fenced);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace bg
