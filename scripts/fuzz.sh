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
# Seeds name their route on a first line (api_fuzz.cc).
seed() { printf '%s\n%s\n%s\n%s' "$2" "$3" "$4" "$5" >"$corpus/$1"; }
seed health 'GET /healthz' '' '' ''
seed job 'POST /v1/jobs' '' '' '{"id":1,"enterprise":3,"accelerator":"A800","cards":4,"walltime_s":3600}'
seed quote 'POST /v1/quotes' '' '' '{"accelerator":"A800","cards":4,"walltime_s":3600,"enterprise":3}'
seed page 'GET /v1/pools' '' 'limit=2&after=1' ''
seed review 'POST /v1/applications/{id}/review' 1 '' '{"step":"submit"}'
seed programme 'POST /v1/programmes' '' '' "$(tr -d '\n' <scenarios/programme-example.json)"
seed claim 'POST /v1/claims' '' '' '{"id":1,"order":7,"enterprise":1,"provider":1,"amount_fen":1000}'
seed usage 'POST /v1/usage' '' '' '{"records":[{"id":1,"provider":1,"order":1,"start_unix_s":1741000000,"end_unix_s":1741000060,"cards":1,"signature_hex":"00"}]}'
seed statements 'GET /v1/statements' '' 'programme=1&period=2025-03&limit=1&after=p-0000000000000001-0000000000000000' ''
seed link 'POST /v1/links' '' '' '{"a":4,"b":7,"latency_us":1,"bandwidth_mbps":1}'
build/fuzz/src/api/api_fuzz -max_total_time="$seconds" -max_len=4096 -print_final_stats=1 "$corpus" 2>&1 |
  tail -15
