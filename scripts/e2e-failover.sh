#!/usr/bin/env bash
# Failover on a replicated PostgreSQL, alone (issue 18): installs what is
# missing (PostgreSQL 15, Patroni, etcd among them), builds the binary and
# the test, and runs tests/integration/failover_test.cc through
# failover_test.sh, which starts etcd and two Patroni nodes with
# scripts/pg-ha-local.sh, two `baygrid serve` (one --standby) under load,
# and kills the primary, the writer, both, and stalls a writer past its
# lease (docs/postgres.md, "The failover test"). Its last line:
#   RESULT failover kills=<n> acked_lost=<n> double_charged=<n> takeover_s_max=<x>
#          fenced_appends_refused=<n>
# BG_FAILOVER_ROUNDS=n repeats the four rounds.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
cmake --preset dev >/dev/null
cmake --build --preset dev --target baygrid failover_test
sh tests/integration/failover_test.sh "$PWD" build/dev/tests/integration/failover_test
