#!/usr/bin/env bash
# Fuzzes the HTTP request decoder (src/api/api_fuzz.cc) for a bounded time:
#   scripts/fuzz.sh [seconds]      (default 60)
# Builds the `fuzz` preset (clang, libFuzzer, ASan+UBSan) and runs api_fuzz
# on a corpus seeded with a few valid requests. A crash, a sanitizer report
# or a 5xx answer fails the run.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz
corpus=$(mktemp -d)
trap 'rm -rf "$corpus"' EXIT
printf '\x00\n\n' >"$corpus/health"
printf '\x10\n\n{"id":1,"enterprise":3,"accelerator":"A800","cards":4,"walltime_s":3600}' >"$corpus/job"
printf '\x0e\n\n{"accelerator":"A800","cards":4,"walltime_s":3600,"enterprise":3}' >"$corpus/quote"
printf '\x05\n\nlimit=2&after=1' >"$corpus/page"
printf '\x0b1\n\n{"step":"submit"}' >"$corpus/review"
build/fuzz/src/api/api_fuzz -max_total_time="$seconds" -max_len=4096 -print_final_stats=1 "$corpus" 2>&1 |
  tail -15
