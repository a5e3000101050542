#include "cmd/settle_cli.h"

#include <cstdio>
#include <filesystem>
#include <limits>
#include <memory>

#include <CLI/CLI.hpp>

#include "engine/audit.h"
#include "engine/engine.h"
#include "settlement/export.h"
#include "storage/sqlite_store.h"

namespace bg::cmd {
namespace {

// Read-only opens take no lock and read one consistent snapshot, so they
// work on a database a server is writing.
Result<std::unique_ptr<storage::SqliteStore>> OpenExisting(const std::string& db, bool read_only) {
  if (!std::filesystem::exists(db)) return NotFound("no database file " + db);
  return storage::SqliteStore::Open({.path = db, .read_only = read_only});
}

Result<settlement::Period> PeriodArg(const std::string& name, const std::string& text) {
  std::optional<settlement::Period> p = settlement::ParsePeriod(text);
  if (!p) return InvalidArgument(name + " '" + text + "': a period is YYYY-MM or YYYY-Qn");
  return *p;
}

Status CheckFormat(const std::string& format) {
  if (format != "csv" && format != "json") {
    return InvalidArgument("--format '" + format + "': csv or json");
  }
  return Status::Ok();
}

// Opens the engine on the file, runs f(engine), shuts it down.
template <typename F>
Status WithEngine(const std::string& db, bool read_only, F f) {
  auto store = OpenExisting(db, read_only);
  if (!store.ok() && !read_only) {
    // The only offline writer here is `settle close`.
    return Status(store.status().code(),
                  store.status().message() +
                      ". `settle close` writes the file offline: stop the server first, or close "
                      "the period over HTTP (`baygrid statements close`, POST "
                      "/v1/statements/close)");
  }
  if (!store.ok()) return store.status();
  SystemClock clock;
  engine::EngineOptions options;
  options.idle_tick = std::chrono::milliseconds(0);
  options.read_only = read_only;
  BG_ASSIGN_OR_RETURN(auto engine, engine::Engine::Open(store->get(), &clock, options));
  Status s = f(*engine);
  Status down = engine->Shutdown();
  return s.ok() ? down : s;
}

}  // namespace

Status RunAuditVerify(const std::string& db) {
  BG_ASSIGN_OR_RETURN(auto store, OpenExisting(db, /*read_only=*/true));
  BG_ASSIGN_OR_RETURN(engine::AuditReport r, engine::AuditStore(*store));
  std::printf("audit of %s\n", db.c_str());
  std::printf("  journal entries verified  %llu (hash chain and content)\n",
              static_cast<unsigned long long>(r.entries));  // NOLINT(google-runtime-int)
  std::printf("  commands replayed         %llu\n",
              static_cast<unsigned long long>(r.commands));  // NOLINT(google-runtime-int)
  std::printf("  usage signatures checked  %llu\n",
              static_cast<unsigned long long>(r.usage_records));  // NOLINT(google-runtime-int)
  std::printf("  snapshot compared         %s\n", r.snapshot_checked ? "yes" : "no snapshot");
  std::printf("  projection accounts       %llu\n",
              static_cast<unsigned long long>(r.accounts_checked));  // NOLINT(google-runtime-int)
  if (!r.ok()) {
    std::printf("  FIRST BAD BATCH           journal entry %llu: %s\n",
                static_cast<unsigned long long>(r.bad_seq),  // NOLINT(google-runtime-int)
                r.problem.c_str());
    std::printf("RESULT audit ok=false bad_seq=%llu\n",
                static_cast<unsigned long long>(r.bad_seq));  // NOLINT(google-runtime-int)
    return DataLoss("the journal of " + db + " does not verify (entry " +
                    std::to_string(r.bad_seq) + ")");
  }
  std::printf("  chain head                %s\n  state hash                %s\n",
              ToHex(r.chain_head).c_str(), ToHex(r.state_hash).c_str());
  std::printf("RESULT audit ok=true entries=%llu\n",
              static_cast<unsigned long long>(r.entries));  // NOLINT(google-runtime-int)
  return Status::Ok();
}

Status RunStatements(const SettleOptions& o) {
  BG_RETURN_IF_ERROR(CheckFormat(o.format));
  BG_ASSIGN_OR_RETURN(settlement::Period period, PeriodArg("--period", o.period));
  return WithEngine(o.db, /*read_only=*/true, [&](engine::Engine& e) {
    return e.Read([&](const state::State& s) -> Status {
      if (s.registry().FindProgramme(ProgrammeId(o.programme)) == nullptr) {
        return NotFound("no programme " + std::to_string(o.programme));
      }
      const auto st = s.settlement().Statements(ProgrammeId(o.programme), period, s.registry());
      const std::string out = o.format == "csv" ? settlement::StatementsCsv(st, s.registry())
                                                : settlement::StatementsJson(st, s.registry());
      std::fwrite(out.data(), 1, out.size(), stdout);
      return Status::Ok();
    });
  });
}

Status RunFlows(const SettleOptions& o) {
  BG_RETURN_IF_ERROR(CheckFormat(o.format));
  Timestamp from = 0;
  Timestamp to = std::numeric_limits<Timestamp>::max();
  if (!o.from.empty()) {
    BG_ASSIGN_OR_RETURN(settlement::Period p, PeriodArg("--from", o.from));
    from = settlement::PeriodStart(p);
  }
  if (!o.to.empty()) {
    BG_ASSIGN_OR_RETURN(settlement::Period p, PeriodArg("--to", o.to));
    to = settlement::PeriodEnd(p);
  }
  return WithEngine(o.db, /*read_only=*/true, [&](engine::Engine& e) {
    return e.Read([&](const state::State& s) -> Status {
      const auto flows = s.settlement().Flows(from, to);
      const std::string out = o.format == "csv" ? settlement::FlowsCsv(flows, s.registry())
                                                : settlement::FlowsJson(flows, s.registry());
      std::fwrite(out.data(), 1, out.size(), stdout);
      return Status::Ok();
    });
  });
}

Status RunClose(const SettleOptions& o) {
  BG_ASSIGN_OR_RETURN(settlement::Period period, PeriodArg("--period", o.period));
  return WithEngine(o.db, /*read_only=*/false, [&](engine::Engine& e) -> Status {
    BG_ASSIGN_OR_RETURN(
        state::CommandResult r,
        e.Execute(state::CloseStatement{
            .programme = ProgrammeId(o.programme), .period = period, .actor = o.by}));
    const auto& out = std::get<settlement::Outcome>(r);
    std::printf("%s: %s (%zu statements, %s yuan held until finance approves and pays them)\n",
                settlement::CodeName(out.code), out.message.c_str(), out.statements,
                out.paid.ToYuanString().c_str());
    if (!out.ok()) return FailedPrecondition(out.message);
    return Status::Ok();
  });
}

void RegisterAudit(Registry& registry) {
  auto db = std::make_shared<std::string>();
  CLI::App* audit = registry.Group("audit", "Audits of a database file");
  CLI::App* verify = audit->add_subcommand(
      "verify",
      "Recompute the journal's hash chain, replay it, re-check usage signatures, "
      "compare the snapshot and the projection; report the first bad batch");
  verify->add_option("db", *db, "The SQLite database file (a copy is fine)")->required();
  verify->footer("Example:\n  baygrid audit verify /var/lib/baygrid/baygrid.db");
  registry.OnRun(verify, [db] { return RunAuditVerify(*db); });
}

void RegisterSettle(Registry& registry) {
  auto o = std::make_shared<SettleOptions>();
  CLI::App* settle = registry.Group(
      "settle",
      "Settlement statements, cross-region flows and closing periods (docs/settlement.md)");
  CLI::App* statements = settle->add_subcommand(
      "statements", "One programme's statements for a period, one per payee, as CSV or JSON");
  CLI::App* flows = settle->add_subcommand(
      "flows", "Issuing jurisdiction -> city of the compute: card-hours, yuan");
  CLI::App* close = settle->add_subcommand(
      "close",
      "Close a programme's period: every statement becomes payable, its total held for the payee "
      "(finance then approves and pays over HTTP: `baygrid statements approve|pay`)");
  for (CLI::App* c : {statements, flows, close}) {
    c->add_option("--db", o->db, "The SQLite database file")->required();
  }
  for (CLI::App* c : {statements, close}) {
    c->add_option("--programme", o->programme, "Programme id")->required();
    c->add_option("--period", o->period, "YYYY-MM or YYYY-Qn (China Standard Time)")->required();
  }
  for (CLI::App* c : {statements, flows}) {
    c->add_option("--format", o->format, "csv or json")->capture_default_str();
  }
  flows->add_option("--from", o->from, "First period (YYYY-MM or YYYY-Qn)");
  flows->add_option("--to", o->to, "Last period, inclusive");
  close->add_option("--by", o->by, "Who closes it (kept with the period)")->capture_default_str();
  statements->footer(
      "Example:\n  baygrid settle statements --db baygrid.db --programme 1 --period 2025-03");
  flows->footer("Example:\n  baygrid settle flows --db baygrid.db --from 2025-01 --to 2025-Q2");
  close->footer(
      "Example:\n  baygrid settle close --db baygrid.db --programme 1 --period 2025-03 --by li");
  registry.OnRun(statements, [o] { return RunStatements(*o); });
  registry.OnRun(flows, [o] { return RunFlows(*o); });
  registry.OnRun(close, [o] { return RunClose(*o); });
}

}  // namespace bg::cmd
