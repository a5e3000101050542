#!/usr/bin/env bash
# The main job: installs what is missing, builds the release preset and runs
# the ledger benchmark (`baygrid bench ledger`). Extra arguments go to it.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
cmake --preset release >/dev/null
cmake --build --preset release
exec build/release/baygrid bench ledger "$@"
