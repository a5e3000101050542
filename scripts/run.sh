#!/usr/bin/env bash
# The main job, until the demo exists (issue 6): installs what is missing,
# builds the release preset, runs the ledger benchmark (`baygrid bench
# ledger`; extra arguments go to it), then the policy comparison on the
# Greater Bay Area scenario (`baygrid sim compare`: one synthetic month of
# 20,000 jobs through the engine, the voucher-aware scheduler against two
# baselines).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
cmake --preset release >/dev/null
cmake --build --preset release
build/release/baygrid bench ledger "$@"
echo
exec build/release/baygrid sim compare --scenario scenarios/gba.toml --days 30 --seed 1
