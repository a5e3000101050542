#!/usr/bin/env bash
# The main job: installs what is missing, builds the release preset and runs
# `baygrid demo` — the API on an embedded SQLite database with the Greater
# Bay Area scenario, simulated enterprises and providers in accelerated
# virtual time, a progress line per day and a summary. Extra arguments go
# to the demo: `scripts/run.sh --headless` runs as fast as it can and exits;
# `scripts/run.sh --days 7 --seed 3` changes the run; `scripts/run.sh --live`
# plays a day with real processes run by the providers' agents. From a
# terminal the API stays up after the run until Ctrl-C; from a script the
# demo ends there.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
cmake --preset release >/dev/null
cmake --build --preset release --target baygrid  # the binary only: the tests build in dev
scripts/web.sh  # the web console, served by `baygrid serve` at /
exec build/release/baygrid demo "$@"
