#include "cmd/agent.h"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <memory>
#include <thread>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <pthread.h>
#include <signal.h>

#include "agent/agent.h"
#include "agent/local.h"
#include "agent/slurm.h"
#include "api/http.h"
#include "cli/provider_keys.h"
#include "common/paced_clock.h"

namespace bg::cmd {
namespace {

struct AgentOptions {
  std::string config;
  uint64_t cycles = 0;  // 0: until SIGTERM
};

void LogLine(const Clock& clock, const std::string& event, const std::string& fields) {
  nlohmann::json line = nlohmann::json::parse(fields, nullptr, false);
  if (!line.is_object()) line = nlohmann::json::object();
  line["at"] = FormatUtcTime(clock.Now());
  line["event"] = event;
  std::fprintf(stderr, "%s\n", line.dump().c_str());
  std::fflush(stderr);
}

std::string Metrics(const agent::Counters& c) {
  std::string out;
  auto add = [&](const char* name, const char* help, const std::atomic<uint64_t>& v) {
    out += std::string("# HELP baygrid_agent_") + name + " " + help + "\n# TYPE baygrid_agent_" +
           name + " counter\nbaygrid_agent_" + name + " " + std::to_string(v.load()) + "\n";
  };
  add("cycles_total", "Cycles run", c.cycles);
  add("cycle_errors_total", "Cycles that met an error", c.cycle_errors);
  add("submitted_total", "Runs submitted to the scheduler", c.submitted);
  add("adopted_total", "Runs found by name after a restart", c.adopted);
  add("usage_records_sent_total", "Usage records sent", c.records_sent);
  add("usage_records_accepted_total", "Usage records the platform counted", c.records_accepted);
  add("usage_records_refused_total", "Usage records the platform refused", c.records_refused);
  add("usage_card_seconds_total", "Card-seconds the platform counted", c.card_seconds_accepted);
  add("finished_total", "Jobs reported finished", c.finished);
  add("cancelled_total", "Runs the agent asked the scheduler to end", c.cancelled);
  add("extended_total", "Run limits raised after an extension", c.extended);
  add("offers_total", "Changes of the cards offered", c.offers);
  return out;
}

Result<std::unique_ptr<api::HttpServer>> ServeMetrics(const agent::Config& config,
                                                      const agent::Counters* counters) {
  api::HttpOptions options{
      .address = config.metrics_host, .port = config.metrics_port, .threads = 1};
  return api::HttpServer::Start(
      options,
      [counters](const api::HttpRequest& r) {
        api::HttpResponse out;
        if (r.path != "/metrics") {
          out.status = 404;
          out.body = R"({"title":"not_found","detail":"only /metrics here"})";
          return out;
        }
        out.content_type = "text/plain; version=0.0.4";
        out.body = Metrics(*counters);
        return out;
      },
      [](int status, const std::string& detail) {
        api::HttpResponse out;
        out.status = status;
        out.body = nlohmann::json{{"title", "refused"}, {"detail", detail}}.dump();
        return out;
      });
}

Status RunAgent(const AgentOptions& o) {
  BG_ASSIGN_OR_RETURN(agent::Config config, agent::LoadConfig(o.config));
  BG_ASSIGN_OR_RETURN(metering::KeyPair key, cli::ReadKeyFile(config.key_file));
  BG_ASSIGN_OR_RETURN(std::unique_ptr<storage::AgentStore> store,
                      storage::AgentStore::Open(config.state));
  const PacedClock clock = PacedClock::Wall();  // the local executor's processes keep the wall's
  std::unique_ptr<agent::Executor> executor;
  if (config.executor == "local") {
    std::map<std::string, uint32_t> cards;
    for (const agent::PoolMap& p : config.pools) cards[p.gres] = p.local_cards;
    executor = std::make_unique<agent::LocalExecutor>(config.local_dir, cards, &clock);
  } else {
    executor = std::make_unique<agent::SlurmExecutor>();
  }
  agent::Platform platform(config.server, config.token, key);
  auto log = [&clock](const std::string& event, const std::string& fields) {
    LogLine(clock, event, fields);
  };
  agent::Agent a(config, executor.get(), store.get(), &platform, &clock, log);

  // SIGTERM and SIGINT end the loop between cycles.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  std::unique_ptr<api::HttpServer> metrics;
  if (!config.metrics_listen.empty()) {
    BG_ASSIGN_OR_RETURN(metrics, ServeMetrics(config, &a.counters()));
    log("metrics", nlohmann::json{{"url", "http://" + config.metrics_host + ":" +
                                              std::to_string(metrics->port()) + "/metrics"}}
                       .dump());
  }
  // The key is registered once at start (the same key again is fine); a
  // platform that is down now is tried again next start.
  if (Status s = platform.RegisterKey(); !s.ok()) {
    log("register_key_failed", nlohmann::json{{"error", s.ToString()}}.dump());
  }
  log("started", nlohmann::json{{"cluster", config.cluster},
                                {"executor", config.executor},
                                {"pools", config.pools.size()},
                                {"server", config.server}}
                     .dump());
  // Backoff after errors: the poll interval doubled per failed cycle, up to
  // a minute, so a platform that is down is not hammered.
  uint64_t wait_ms = config.poll_ms;
  for (uint64_t n = 0; o.cycles == 0 || n < o.cycles; ++n) {
    const Status s = a.Cycle();
    if (!s.ok()) {
      log("cycle_failed", nlohmann::json{{"error", s.ToString()}, {"retry_ms", wait_ms}}.dump());
      wait_ms = std::min<uint64_t>(wait_ms * 2, std::max<uint64_t>(60'000, config.poll_ms));
    } else {
      wait_ms = config.poll_ms;
    }
    if (o.cycles != 0 && n + 1 == o.cycles) break;
    const timespec timeout{
        .tv_sec = static_cast<time_t>(wait_ms / 1000),
        .tv_nsec = static_cast<decltype(timespec::tv_nsec)>((wait_ms % 1000) * 1'000'000)};
    if (sigtimedwait(&signals, nullptr, &timeout) > 0) {
      log("stopping", "{}");
      break;
    }
  }
  if (metrics) metrics->Stop();
  return Status::Ok();
}

}  // namespace

void RegisterAgent(Registry& registry) {
  auto o = std::make_shared<AgentOptions>();
  CLI::App* agent = registry.app().add_subcommand(
      "agent", "The provider agent: runs the platform's placements on Slurm (or local processes)");
  agent->add_option("--config", o->config, "The agent's TOML file (docs/agent.md)")->required();
  agent->add_option("--cycles", o->cycles, "Stop after this many cycles (0: until SIGTERM)")
      ->capture_default_str();
  agent->footer("Example:\n  baygrid agent --config /etc/baygrid/agent.toml");
  registry.OnRun(agent, [o] { return RunAgent(*o); });
}

}  // namespace bg::cmd
