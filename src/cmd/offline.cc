#include "cmd/offline.h"

#include <charconv>
#include <string>

#include "cmd/serve.h"
#include "cmd/settle_cli.h"
#include "common/result.h"

namespace bg::cmd {
namespace {

using Values = cli::HttpCli::FlagValues;

std::string Get(const Values& v, const std::string& flag, const std::string& fallback = "") {
  auto it = v.find(flag);
  return it == v.end() || it->second.empty() ? fallback : it->second;
}

// A whole number flag, or InvalidArgument naming it.
Result<uint64_t> Number(const Values& v, const std::string& flag, uint64_t fallback) {
  const std::string text = Get(v, flag);
  if (text.empty()) return fallback;
  uint64_t out = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  if (ec != std::errc() || end != text.data() + text.size()) {
    return InvalidArgument(flag + " must be a whole number, not '" + text + "'");
  }
  return out;
}

Status TokensCreate(const Values& v) {
  TokenOptions o;
  o.db = Get(v, "--db");
  o.role = Get(v, "--role", o.role);
  o.name = Get(v, "--name", o.name);
  o.stage = Get(v, "--stage", o.stage);
  BG_ASSIGN_OR_RETURN(o.scope, Number(v, "--scope", 0));
  BG_ASSIGN_OR_RETURN(o.id, Number(v, "--id", 0));
  BG_ASSIGN_OR_RETURN(const uint64_t days, Number(v, "--expires-in-days", o.expires_in_days));
  if (days > 3650) return InvalidArgument("--expires-in-days is 0 (never) to 3650");
  o.expires_in_days = static_cast<uint32_t>(days);
  return RunTokenCreate(o);
}

Result<SettleOptions> Settle(const Values& v, const char* default_format) {
  SettleOptions o;
  o.db = Get(v, "--db");
  BG_ASSIGN_OR_RETURN(o.programme, Number(v, "--programme", 0));
  o.period = Get(v, "--period");
  o.from = Get(v, "--from");
  o.to = Get(v, "--to");
  o.format = Get(v, "--format", default_format);
  o.by = Get(v, "--by", o.by);
  return o;
}

}  // namespace

void AddOfflineVerbs(cli::HttpCli& http) {
  http.AddOffline(
      {.noun = "tokens",
       .verb = "create",
       .db_help =
           "Write the token into this database (a SQLite file or a postgresql:// URL) with no "
           "server: the first admin token; no server may be writing it",
       .extra_flags = {},
       .run = TokensCreate});
  http.AddOffline(
      {.noun = "audit",
       .verb = "verify",
       .db_help =
           "Verify this database (a SQLite file, a copy is fine, or a postgresql:// URL) with no "
           "server: the hash chain, a replay, usage signatures, the snapshot, the projection; "
           "the first bad batch is reported",
       .extra_flags = {},
       .run = [](const Values& v) { return RunAuditVerify(Get(v, "--db")); }});
  http.AddOffline(
      {.noun = "statements",
       .verb = "get",
       .db_help =
           "Read the statements from this database (a file or a postgresql:// URL), with no server",
       .extra_flags = {},
       .run = [](const Values& v) -> Status {
         BG_ASSIGN_OR_RETURN(const SettleOptions o, Settle(v, "json"));
         return RunStatements(o);
       }});
  http.AddOffline(
      {.noun = "statements",
       .verb = "close",
       .db_help =
           "Close the period in this database (a file or a postgresql:// URL), with no server",
       .extra_flags = {{"--by", "Who closes it (kept with the period; with --db)"}},
       .run = [](const Values& v) -> Status {
         BG_ASSIGN_OR_RETURN(const SettleOptions o, Settle(v, "json"));
         return RunClose(o);
       }});
  http.AddOffline(
      {.noun = "flows",
       .verb = "list",
       .db_help =
           "Read the flows from this database (a file or a postgresql:// URL), with no server",
       .extra_flags = {},
       .run = [](const Values& v) -> Status {
         BG_ASSIGN_OR_RETURN(const SettleOptions o, Settle(v, "json"));
         return RunFlows(o);
       }});
}

}  // namespace bg::cmd
