#!/usr/bin/env bash
# The test command: installs what is missing, builds the dev preset (debug,
# ASan+UBSan, warnings as errors) and runs every test not labelled slow.
# `scripts/test.sh slow` runs the slow ones (100-kill crash test, ...).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
cmake --preset dev >/dev/null
cmake --build --preset dev
scripts/web.sh  # the console's files, for its tests (web_unit, web_console)
if [ "${1:-}" = "slow" ]; then
  ctest --preset slow
else
  ctest --preset dev
fi
