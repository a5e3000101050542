#!/usr/bin/env bash
# The ledger and HTTP benchmarks on PostgreSQL (issue 18, docs/benchmarks.md),
# on a throw-away PostgreSQL 15 (scripts/pg-local.sh: fsync on, synchronous
# commit, one local server, no replica):
#   1. `baygrid bench ledger --store postgres`: the engine committing to
#      PostgreSQL against a conventional PostgreSQL ledger (one transaction per
#      transfer, balance-checked UPDATE: the pgledger style), each in a scratch
#      database of its own; ends with
#        RESULT ledger_pg pg_tps=<n> baseline_tps=<n> ratio=<x>
#   2. unless BENCH_HTTP=0: scripts/bench_http.sh with DB= a fresh database
#      on the same server (its two RESULT lines: http, http_writes).
# LEDGER_FLAGS: more flags for step 1 (e.g. --transfers 200000).
# BAYGRID=<binary> runs another build; the default is the release build,
# made first.
set -euo pipefail
LOG_PREFIX="bench-postgres"
# shellcheck source=scripts/lib/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
cd "$(dirname "$0")/.."
scripts/deps.sh
if [ -z "${BAYGRID:-}" ]; then
  cmake --workflow --preset release >/dev/null
fi
bin=$(realpath "${BAYGRID:-build/release/baygrid}")
dir=$(mktemp -d /tmp/bg-bench-pg.XXXXXX)
trap 'scripts/pg-local.sh down "$dir" >/dev/null 2>&1 || true; rm -rf "$dir"' EXIT
url=$(scripts/pg-local.sh up "$dir" | tail -n 1)
log "PostgreSQL at $url"

# shellcheck disable=SC2086 # LEDGER_FLAGS is a list of flags
"$bin" bench ledger --store postgres --pg "$url" ${LEDGER_FLAGS:-}

if [ "${BENCH_HTTP:-1}" != 0 ]; then
  /usr/lib/postgresql/15/bin/psql "$url" -v ON_ERROR_STOP=1 -Xq -c "CREATE DATABASE bench_http"
  DB=$(echo "$url" | sed 's|/postgres$|/bench_http|') BAYGRID=$bin scripts/bench_http.sh
fi
