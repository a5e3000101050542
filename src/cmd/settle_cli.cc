#include "cmd/settle_cli.h"

#include <cstdio>
#include <filesystem>
#include <limits>
#include <memory>

#include <CLI/CLI.hpp>

#include "engine/audit.h"
#include "engine/engine.h"
#include "settlement/export.h"
#include "storage/open.h"

namespace bg::cmd {
namespace {

// A SQLite file or a postgresql:// URL (storage/open.h). Read-only opens
// take no lock (or lease) and read one consistent snapshot, so they work on
// a database a server is writing.
Result<std::unique_ptr<storage::Store>> OpenExisting(const std::string& db, bool read_only) {
  if (!storage::IsPostgresUrl(db) && !std::filesystem::exists(db)) {
    return NotFound("no database file " + db);
  }
  return read_only ? storage::OpenReader(db) : storage::OpenWriter(db);
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
    // The only offline writer here is `statements close --db`.
    return Status(
        store.status().code(),
        store.status().message() +
            ". `statements close --db` writes the file offline: stop the server first, or close "
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
  std::printf("audit of %s\n", storage::Shown(db).c_str());
  std::printf("  journal entries verified  %llu (hash chain and content)\n",
              static_cast<unsigned long long>(r.entries));  // NOLINT(google-runtime-int)
  std::printf("  commands replayed         %llu\n",
              static_cast<unsigned long long>(r.commands));  // NOLINT(google-runtime-int)
  std::printf("  usage signatures checked  %llu\n",
              static_cast<unsigned long long>(r.usage_records));  // NOLINT(google-runtime-int)
  std::printf("  snapshot compared         %s\n",
              !r.snapshot_checked     ? "no snapshot"
              : r.snapshot_unreadable ? "its chain head only: its state is in another version's "
                                        "encoding (recovery replays past it)"
                                      : "yes");
  std::printf("  projection accounts       %llu\n",
              static_cast<unsigned long long>(r.accounts_checked));  // NOLINT(google-runtime-int)
  std::printf("  archived jobs             %llu\n",
              static_cast<unsigned long long>(r.archived_checked));  // NOLINT(google-runtime-int)
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
      for (const settlement::Statement& one : st) {
        if (one.lines.size() != one.line_count) {
          return Unavailable("the charge lines of " + settlement::PeriodName(period) +
                             " that left memory could not be read from the archive");
        }
      }
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
      BG_ASSIGN_OR_RETURN(const std::vector<settlement::Flow> flows,
                          s.settlement().Flows(from, to));
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

}  // namespace bg::cmd
