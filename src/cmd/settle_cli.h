// What the HTTP CLI's verbs do on a database file with no server, given
// --db (cmd/offline.h):
//
//   baygrid audit verify --db <db>                  journal chain, replay, signatures
//   baygrid statements get --db F --programme N --period 2025-03 [--format csv|json]
//   baygrid flows list --db F [--from 2025-03] [--to 2025-06] [--format csv|json]
//   baygrid statements close --db F --programme N --period 2025-03 --by NAME
//
// The settle commands open the engine on the file (replaying its journal),
// so they must not run while a server has the file open.
#pragma once

#include <string>

#include "cmd/registry.h"
#include "common/status.h"

namespace bg::cmd {

Status RunAuditVerify(const std::string& db);

struct SettleOptions {
  std::string db;
  uint64_t programme = 0;
  std::string period;    // YYYY-MM or YYYY-Qn
  std::string from, to;  // flows: periods, inclusive; empty = everything
  std::string format = "csv";
  std::string by = "operator";
};

Status RunStatements(const SettleOptions& o);
Status RunFlows(const SettleOptions& o);
Status RunClose(const SettleOptions& o);

}  // namespace bg::cmd
