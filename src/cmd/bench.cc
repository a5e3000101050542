#include "cmd/bench.h"

#include <algorithm>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "bench/facilities_load.h"
#include "bench/ledger_load.h"
#include "bench/scaling_load.h"
#include "bench/schedule_load.h"
#include "bench/usage_load.h"
#include "bench/usage_requests.h"

namespace bg::cmd {
namespace {

CLI::App* Group(Registry& registry) {
  return registry.Group("bench", "Load generators that print throughput figures");
}

void RegisterLedger(Registry& registry) {
  auto o = std::make_shared<bench::LedgerBenchOptions>();
  CLI::App* ledger = Group(registry)->add_subcommand(
      "ledger",
      "In-memory ledger vs engine on SQLite (or PostgreSQL) vs one-SQL-transaction-per-transfer");
  ledger->add_option("--accounts", o->accounts, "Accounts to create")->capture_default_str();
  ledger->add_option("--transfers", o->transfers, "Transfers to apply")->capture_default_str();
  ledger->add_option("--batch", o->batch, "Transfers per command (and per commit)")
      ->capture_default_str();
  ledger
      ->add_option("--baseline-transfers", o->baseline_transfers,
                   "Transfers for the one-transaction-per-transfer baseline")
      ->capture_default_str();
  ledger
      ->add_option("--in-flight", o->in_flight,
                   "Commands the client keeps queued in the engine run")
      ->capture_default_str();
  ledger->add_option("--seed", o->seed, "Workload seed")->capture_default_str();
  ledger
      ->add_option("--baseline-page-size", o->baseline_page_size,
                   "SQLite page size of the baseline's file (the engine's uses 32768)")
      ->capture_default_str();
  ledger->add_option("--dir", o->dir, "Directory for the SQLite files (default: temp)");
  ledger->add_option("--store", o->store, "The engine's store and the baseline's database")
      ->check(CLI::IsMember({"sqlite", "postgres"}))
      ->capture_default_str();
  ledger
      ->add_option("--pg", o->pg,
                   "With --store postgres: a server's URL where scratch databases may be "
                   "created (they are dropped afterwards)")
      ->envname("BG_PG_URL");
  ledger->footer(
      "Examples:\n  baygrid bench ledger --transfers 1000000 --batch 8190\n"
      "  baygrid bench ledger --store postgres --pg postgresql://postgres@127.0.0.1:5432/postgres\n"
      "  scripts/bench_postgres.sh   (a throw-away PostgreSQL, then the pair)");
  registry.OnRun(ledger, [o] { return bench::RunLedgerBench(*o); });
}

void RegisterSchedule(Registry& registry) {
  auto o = std::make_shared<bench::ScheduleBenchOptions>();
  CLI::App* schedule = Group(registry)->add_subcommand(
      "schedule", "Placement decisions/s and latency, quote latency, against a naive scan");
  schedule->add_option("--pools", o->pools, "Pools in the network")->capture_default_str();
  schedule->add_option("--cards", o->cards_per_pool, "Cards per pool")->capture_default_str();
  schedule->add_option("--jobs", o->jobs, "Queued jobs")->capture_default_str();
  schedule->add_option("--enterprises", o->enterprises, "Enterprises")->capture_default_str();
  schedule->add_option("--quotes", o->quotes, "Quotes to time")->capture_default_str();
  schedule->add_option("--naive-decisions", o->naive_decisions, "Decisions of the naive yardstick")
      ->capture_default_str();
  schedule->add_option("--seed", o->seed, "Workload seed")->capture_default_str();
  schedule->footer("Example:\n  baygrid bench schedule --pools 1000 --jobs 100000");
  registry.OnRun(schedule, [o] { return bench::RunScheduleBench(*o); });
}

void RegisterUsage(Registry& registry) {
  auto o = std::make_shared<bench::UsageBenchOptions>();
  CLI::App* usage = Group(registry)->add_subcommand(
      "usage", "Signed usage records/s through the engine on SQLite, against verification alone");
  usage->add_option("--scenario", o->scenario, "gba (built in) or a scenario file")
      ->capture_default_str();
  usage->add_option("--records", o->records, "Usage records")->capture_default_str();
  usage->add_option("--jobs", o->jobs, "Running jobs the records are spread over")
      ->capture_default_str();
  usage->add_option("--batch", o->batch, "Records per submission")->capture_default_str();
  usage->add_option("--threads", o->threads, "Submitting threads")->capture_default_str();
  usage->add_option("--in-flight", o->in_flight, "Submissions in flight per thread")
      ->capture_default_str();
  usage->add_option("--dir", o->dir, "Directory for the SQLite file (default: temp)");
  usage
      ->add_option("--signing", o->signing,
                   "record: a signature per record; batch: one per submission")
      ->capture_default_str();
  usage->footer(
      "Examples:\n  baygrid bench usage --records 400000 --batch 1000 --threads 2\n"
      "  baygrid bench usage --signing record");
  registry.OnRun(usage, [o] { return bench::RunUsageBench(*o); });
}

void RegisterUsageRequests(Registry& registry) {
  auto o = std::make_shared<bench::UsageRequestsOptions>();
  CLI::App* cmd = Group(registry)->add_subcommand(
      "usage-requests",
      "Prepares a database and writes signed POST /v1/usage bodies for scripts/bench_http.sh");
  cmd->add_option("--db", o->db, "SQLite file to prepare (the server not running)")->required();
  cmd->add_option("--out", o->out, "File for the bodies, one per line")->required();
  cmd->add_option("--scenario", o->scenario, "Loaded if the database is empty")
      ->capture_default_str();
  cmd->add_option("--records", o->records, "Usage records in all")->capture_default_str();
  cmd->add_option("--jobs", o->jobs, "Running jobs the records are spread over")
      ->capture_default_str();
  cmd->add_option("--batch", o->batch, "Records per body")->capture_default_str();
  cmd->footer(
      "Example:\n  baygrid bench usage-requests --db demo.db --out usage.bodies --records 1000000");
  registry.OnRun(cmd, [o] { return bench::WriteUsageRequests(*o); });
}

// "20000:30,40000:60": sizes as jobs:days pairs.
Status ParseSizes(const std::string& text, std::vector<bench::ScalingSize>* out) {
  size_t at = 0;
  while (at < text.size()) {
    const size_t comma = std::min(text.find(',', at), text.size());
    const std::string item = text.substr(at, comma - at);
    unsigned jobs = 0, days = 0;
    char rest = 0;
    if (std::sscanf(item.c_str(), "%u:%u%c", &jobs, &days, &rest) != 2 || jobs == 0 || days == 0) {
      return InvalidArgument("--sizes: \"" + item + "\" is not jobs:days");
    }
    out->push_back({jobs, days});
    at = comma + 1;
  }
  return Status::Ok();
}

void RegisterScaling(Registry& registry) {
  auto o = std::make_shared<bench::ScalingBenchOptions>();
  auto sizes = std::make_shared<std::string>();
  CLI::App* scaling = Group(registry)->add_subcommand(
      "scaling",
      "The simulator from 20,000 jobs over 30 days to 240,000 over a year: time and "
      "peak memory per size");
  scaling->add_option("--scenario", o->scenario, "gba (built in) or a scenario file")
      ->capture_default_str();
  scaling->add_option("--seed", o->seed, "Workload seed")->capture_default_str();
  scaling->add_option("--policy", o->policy, "voucher_aware, first_fit or cheapest_list")
      ->capture_default_str();
  scaling->add_option("--max-jobs", o->max_jobs, "Leave out the sizes above this many jobs")
      ->capture_default_str();
  scaling->add_option("--sizes", *sizes,
                      "Sizes as jobs:days pairs instead of the standard ones (\"2000:3,4000:6\")");
  scaling->footer("Examples:\n  baygrid bench scaling\n  baygrid bench scaling --max-jobs 40000");
  registry.OnRun(scaling, [o, sizes] {
    o->sizes.clear();
    BG_RETURN_IF_ERROR(ParseSizes(*sizes, &o->sizes));
    return bench::RunScalingBench(*o);
  });
}

void RegisterFacilities(Registry& registry) {
  auto o = std::make_shared<bench::FacilitiesBenchOptions>();
  CLI::App* facilities = Group(registry)->add_subcommand(
      "facilities",
      "A quarter's round of shared-facility proposals placed into shifts: min-cost flow vs "
      "first-come greedy");
  facilities->add_option("--seed", o->seed, "Round seed")->capture_default_str();
  facilities->add_option("--facilities", o->facilities, "Facilities")
      ->capture_default_str()
      ->check(CLI::Range(1u, 100'000u));
  facilities->add_option("--proposals", o->proposals, "Allocated proposals to place")
      ->capture_default_str()
      ->check(CLI::Range(1u, 1'000'000u));
  facilities->add_option("--days", o->days, "Days in the round")
      ->capture_default_str()
      ->check(CLI::Range(7u, 366u));
  facilities->footer(
      "Examples:\n  baygrid bench facilities\n  baygrid bench facilities --proposals 500");
  registry.OnRun(facilities, [o] { return bench::RunFacilitiesBench(*o); });
}

}  // namespace

void RegisterBench(Registry& registry) {
  RegisterLedger(registry);
  RegisterSchedule(registry);
  RegisterUsage(registry);
  RegisterUsageRequests(registry);
  RegisterScaling(registry);
  RegisterFacilities(registry);
}

}  // namespace bg::cmd
