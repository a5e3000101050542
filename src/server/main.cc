// baygrid: one binary, many subcommands. This file parses the flags (CLI11
// is included here and in cli/commands.cc, which adds the HTTP CLI's nouns)
// and hands over to the subcommand's module.
#include <cstdio>

#include <CLI/CLI.hpp>

#include "cli/commands.h"
#include "server/bench_ledger.h"
#include "server/bench_schedule.h"
#include "server/bench_usage.h"
#include "server/demo.h"
#include "server/scenario_check.h"
#include "server/serve.h"
#include "server/settle_cli.h"
#include "server/sim_compare.h"

// CLI11 throws only on programming errors (e.g. an option added twice), and
// CLI11_PARSE handles parse errors; anything else escaping should terminate.
int main(int argc, char** argv) {  // NOLINT(bugprone-exception-escape)
  CLI::App app{"baygrid: compute vouchers (算力券) and the compute network that spends them"};
  app.require_subcommand(1);

  CLI::App* bench = app.add_subcommand("bench", "Load generators that print throughput figures");
  bench->require_subcommand(1);
  bg::server::LedgerBenchOptions ledger_options;
  CLI::App* ledger = bench->add_subcommand(
      "ledger", "In-memory ledger vs engine on SQLite vs one-SQL-transaction-per-transfer");
  ledger->add_option("--accounts", ledger_options.accounts, "Accounts to create")
      ->capture_default_str();
  ledger->add_option("--transfers", ledger_options.transfers, "Transfers to apply")
      ->capture_default_str();
  ledger->add_option("--batch", ledger_options.batch, "Transfers per command (and per commit)")
      ->capture_default_str();
  ledger
      ->add_option("--baseline-transfers", ledger_options.baseline_transfers,
                   "Transfers for the one-transaction-per-transfer baseline")
      ->capture_default_str();
  ledger
      ->add_option("--in-flight", ledger_options.in_flight,
                   "Commands the client keeps queued in the engine run")
      ->capture_default_str();
  ledger->add_option("--seed", ledger_options.seed, "Workload seed")->capture_default_str();
  ledger
      ->add_option("--baseline-page-size", ledger_options.baseline_page_size,
                   "SQLite page size of the baseline's file (the engine's uses 32768)")
      ->capture_default_str();
  ledger->add_option("--dir", ledger_options.dir, "Directory for the SQLite files (default: temp)");
  ledger->footer("Example:\n  baygrid bench ledger --transfers 1000000 --batch 8190");

  bg::server::ScheduleBenchOptions schedule_options;
  CLI::App* schedule = bench->add_subcommand(
      "schedule", "Placement decisions/s and latency, quote latency, against a naive scan");
  schedule->add_option("--pools", schedule_options.pools, "Pools in the network")
      ->capture_default_str();
  schedule->add_option("--cards", schedule_options.cards_per_pool, "Cards per pool")
      ->capture_default_str();
  schedule->add_option("--jobs", schedule_options.jobs, "Queued jobs")->capture_default_str();
  schedule->add_option("--enterprises", schedule_options.enterprises, "Enterprises")
      ->capture_default_str();
  schedule->add_option("--quotes", schedule_options.quotes, "Quotes to time")
      ->capture_default_str();
  schedule
      ->add_option("--naive-decisions", schedule_options.naive_decisions,
                   "Decisions of the naive yardstick")
      ->capture_default_str();
  schedule->add_option("--seed", schedule_options.seed, "Workload seed")->capture_default_str();
  schedule->footer("Example:\n  baygrid bench schedule --pools 1000 --jobs 100000");

  bg::server::UsageBenchOptions usage_options;
  CLI::App* usage = bench->add_subcommand(
      "usage", "Signed usage records/s through the engine on SQLite, against verification alone");
  usage->add_option("--scenario", usage_options.scenario, "gba (built in) or a scenario file")
      ->capture_default_str();
  usage->add_option("--records", usage_options.records, "Usage records")->capture_default_str();
  usage->add_option("--jobs", usage_options.jobs, "Running jobs the records are spread over")
      ->capture_default_str();
  usage->add_option("--batch", usage_options.batch, "Records per submission")
      ->capture_default_str();
  usage->add_option("--threads", usage_options.threads, "Submitting threads")
      ->capture_default_str();
  usage->add_option("--in-flight", usage_options.in_flight, "Submissions in flight per thread")
      ->capture_default_str();
  usage->add_option("--dir", usage_options.dir, "Directory for the SQLite file (default: temp)");
  usage
      ->add_option("--signing", usage_options.signing,
                   "record: a signature per record; batch: one per submission")
      ->capture_default_str();
  usage->footer(
      "Examples:\n  baygrid bench usage --records 400000 --batch 1000 --threads 2\n"
      "  baygrid bench usage --signing record");

  CLI::App* scenario = app.add_subcommand("scenario", "Scenario files (docs/programmes.md)");
  scenario->require_subcommand(1);
  std::string scenario_path;
  CLI::App* check = scenario->add_subcommand(
      "check", "Read a scenario file; report the first error with its line, or what it defines");
  check->add_option("file", scenario_path, "The scenario file, or gba (the built-in one)")
      ->required();
  check->footer(
      "Examples:\n  baygrid scenario check scenarios/gba.toml\n  baygrid scenario check gba");

  CLI::App* sim = app.add_subcommand("sim", "The simulator: policies on a synthetic workload");
  sim->require_subcommand(1);
  bg::server::SimCompareOptions sim_options;
  CLI::App* compare = sim->add_subcommand(
      "compare", "The voucher-aware policy against first-fit and cheapest-list on one workload");
  compare->add_option("--scenario", sim_options.scenario, "gba (built in) or a scenario file")
      ->capture_default_str();
  compare->add_option("--days", sim_options.days, "Simulated days")->capture_default_str();
  compare->add_option("--seed", sim_options.seed, "Workload seed")->capture_default_str();
  compare->add_option("--jobs", sim_options.jobs, "Jobs over the whole run")->capture_default_str();
  compare->add_option("--enterprises", sim_options.enterprises, "Synthetic enterprises")
      ->capture_default_str();
  compare->add_option("--load", sim_options.load_percent, "Demand as % of the offered cards")
      ->capture_default_str();
  compare->footer("Example:\n  baygrid sim compare --days 30 --seed 1");

  CLI::App* audit = app.add_subcommand("audit", "Audits of a database file");
  audit->require_subcommand(1);
  std::string audit_db;
  CLI::App* verify = audit->add_subcommand(
      "verify",
      "Recompute the journal's hash chain, replay it, re-check usage signatures, "
      "compare the snapshot and the projection; report the first bad batch");
  verify->add_option("db", audit_db, "The SQLite database file (a copy is fine)")->required();
  verify->footer("Example:\n  baygrid audit verify /var/lib/baygrid/baygrid.db");

  CLI::App* settle = app.add_subcommand(
      "settle",
      "Settlement statements, cross-region flows and closing periods (docs/settlement.md)");
  settle->require_subcommand(1);
  bg::server::SettleOptions settle_options;
  CLI::App* statements = settle->add_subcommand(
      "statements", "One programme's statements for a period, one per payee, as CSV or JSON");
  CLI::App* flows = settle->add_subcommand(
      "flows", "Issuing jurisdiction -> city of the compute: card-hours, yuan");
  CLI::App* close = settle->add_subcommand(
      "close", "Close a programme's period: pay every payee its statement (ledger transfers)");
  for (CLI::App* c : {statements, flows, close}) {
    c->add_option("--db", settle_options.db, "The SQLite database file")->required();
  }
  for (CLI::App* c : {statements, close}) {
    c->add_option("--programme", settle_options.programme, "Programme id")->required();
    c->add_option("--period", settle_options.period, "YYYY-MM or YYYY-Qn (China Standard Time)")
        ->required();
  }
  for (CLI::App* c : {statements, flows}) {
    c->add_option("--format", settle_options.format, "csv or json")->capture_default_str();
  }
  flows->add_option("--from", settle_options.from, "First period (YYYY-MM or YYYY-Qn)");
  flows->add_option("--to", settle_options.to, "Last period, inclusive");
  close->add_option("--by", settle_options.by, "Who closes it (kept with the period)")
      ->capture_default_str();
  statements->footer(
      "Example:\n  baygrid settle statements --db baygrid.db --programme 1 --period 2025-03");
  flows->footer("Example:\n  baygrid settle flows --db baygrid.db --from 2025-01 --to 2025-Q2");
  close->footer(
      "Example:\n  baygrid settle close --db baygrid.db --programme 1 --period 2025-03 --by li");

  bg::server::ServeOptions serve_options;
  CLI::App* serve = app.add_subcommand("serve", "The HTTP API (JSON under /v1) on a SQLite file");
  serve->add_option("--config", serve_options.config,
                    "TOML file with db, listen, scenario, threads");
  serve->add_option("--db", serve_options.db, "SQLite database file")->capture_default_str();
  serve->add_option("--listen", serve_options.listen, "host:port (port 0: any free port)")
      ->capture_default_str();
  serve->add_option("--scenario", serve_options.scenario,
                    "Scenario to load into an empty database: gba (the built-in Greater Bay "
                    "Area one) or a file");
  serve->add_option("--threads", serve_options.threads, "I/O threads")->capture_default_str();
  serve->add_flag("--log-requests", serve_options.log_requests,
                  "One line per request on stderr, with its request id");
  serve->footer(
      "Examples:\n  baygrid token create --db baygrid.db --role admin --name ops\n"
      "  baygrid serve --db baygrid.db --scenario gba --listen 127.0.0.1:8080");

  CLI::App* token = app.add_subcommand("token", "API tokens (offline, on the database file)");
  token->require_subcommand(1);
  bg::server::TokenOptions token_options;
  CLI::App* token_create =
      token->add_subcommand("create", "Create a token and print its secret once");
  token_create->add_option("--db", token_options.db, "SQLite database file")->required();
  token_create
      ->add_option("--role", token_options.role, "admin, operator, enterprise, provider or auditor")
      ->capture_default_str();
  token_create->add_option("--scope", token_options.scope,
                           "The programme (operator), enterprise or provider it acts for");
  token_create->add_option("--name", token_options.name, "Who holds it")->capture_default_str();
  token_create->add_option("--id", token_options.id, "Token id (default: the next free one)");
  token_create->footer(
      "Example:\n  baygrid token create --db baygrid.db --role enterprise --scope 3 --name "
      "robotics");

  bg::server::DemoOptions demo_options;
  CLI::App* demo = app.add_subcommand(
      "demo", "The main job: a server on SQLite with gba.toml, simulated demand and providers");
  demo->add_option("--scenario", demo_options.scenario, "gba (built in) or a scenario file")
      ->capture_default_str();
  demo->add_option("--db", demo_options.db, "SQLite file to create (default: a temp dir)");
  demo->add_option("--listen", demo_options.listen, "host:port of the API")->capture_default_str();
  demo->add_option("--days", demo_options.days, "Simulated days")->capture_default_str();
  demo->add_option("--seed", demo_options.seed, "Workload seed")->capture_default_str();
  demo->add_option("--jobs", demo_options.jobs, "Jobs over the whole run")->capture_default_str();
  demo->add_option("--speed", demo_options.speed, "Virtual seconds per real second")
      ->capture_default_str();
  demo->add_flag("--headless", demo_options.headless,
                 "As fast as it can, no server, no waiting for Ctrl-C");
  demo->footer("Examples:\n  baygrid demo\n  baygrid demo --days 30 --seed 7 --headless");

  // The HTTP CLI: baygrid <noun> <verb> against a running server.
  bg::cli::HttpCli http_cli(app);

  CLI11_PARSE(app, argc, argv);
  if (http_cli.chosen()) return http_cli.Run();

  bg::Status status;
  if (ledger->parsed()) status = bg::server::RunLedgerBench(ledger_options);
  if (schedule->parsed()) status = bg::server::RunScheduleBench(schedule_options);
  if (usage->parsed()) status = bg::server::RunUsageBench(usage_options);
  if (verify->parsed()) status = bg::server::RunAuditVerify(audit_db);
  if (statements->parsed()) status = bg::server::RunStatements(settle_options);
  if (flows->parsed()) status = bg::server::RunFlows(settle_options);
  if (close->parsed()) status = bg::server::RunClose(settle_options);
  if (serve->parsed()) status = bg::server::RunServe(serve_options);
  if (demo->parsed()) status = bg::server::RunDemo(demo_options);
  if (token_create->parsed()) status = bg::server::RunTokenCreate(token_options);
  if (check->parsed()) status = bg::server::RunScenarioCheck(scenario_path);
  if (compare->parsed()) status = bg::server::RunSimCompare(sim_options);
  if (!status.ok()) {
    std::fprintf(stderr, "baygrid: %s\n", status.ToString().c_str());
    return 1;
  }
  return 0;
}
