// The HTTP CLI's verbs that also run on a database file with no server
// (cli/commands.h, HttpCli::AddOffline), given `--db FILE`:
//
//   baygrid tokens create --db F --role admin --name ops     the first token
//   baygrid audit verify --db F                              the offline audit
//   baygrid statements get --db F --programme 1 --period 2025-03 [--format csv]
//   baygrid statements close --db F --programme 1 --period 2025-03 --by li
//   baygrid flows list --db F [--from 2025-01 --to 2025-Q2] [--format csv]
//
// One noun per thing, whichever way it is reached.
#pragma once

#include "cli/commands.h"

namespace bg::cmd {

void AddOfflineVerbs(cli::HttpCli& http);

}  // namespace bg::cmd
