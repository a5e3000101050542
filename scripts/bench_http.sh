#!/usr/bin/env bash
# The HTTP API under wrk (docs/benchmarks.md): a read (GET /v1/pools), a
# write-path request (POST /v1/quotes), and the quote again with a fresh
# Idempotency-Key each time, at 64 connections for 10 s each, against
# `baygrid serve` on a fresh SQLite file with the built-in Greater Bay Area
# scenario (`--scenario gba`, scenarios/gba.toml as built).
# Ends with: RESULT http reads_per_s=<n> read_p99_ms=<x> quotes_per_s=<n> quote_p99_ms=<x>
#   keyed_quotes_per_s=<n> keyed_quote_p99_ms=<x>
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
cmake --workflow --preset release >/dev/null
bin=build/release/baygrid
dir=$(mktemp -d)
trap 'kill $(cat "$dir/pid" 2>/dev/null) 2>/dev/null || true; rm -rf "$dir"' EXIT
token=$($bin token create --db "$dir/b.db" --role enterprise --scope 3 --name bench | awk '{print $NF}')
$bin serve --db "$dir/b.db" --scenario gba --listen 127.0.0.1:0 --threads 2 \
  >"$dir/serve.log" 2>&1 &
echo $! >"$dir/pid"
for _ in $(seq 300); do grep -q serving "$dir/serve.log" 2>/dev/null && break; sleep 0.1; done
port=$(sed -n 's|.*serving http://127.0.0.1:\([0-9]*\).*|\1|p' "$dir/serve.log")
[ -n "$port" ] || { cat "$dir/serve.log"; exit 1; }
cat >"$dir/quote.lua" <<LUA
wrk.method = "POST"
wrk.body = '{"accelerator":"A800","cards":4,"walltime_s":7200}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $token"
LUA
# The same quote with a fresh Idempotency-Key each time: every answer is
# kept (fsync'd) in <db>.idempotency before it is sent.
cat >"$dir/keyed.lua" <<LUA
wrk.method = "POST"
wrk.body = '{"accelerator":"A800","cards":4,"walltime_s":7200}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $token"
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end
local n = 0
function request()
  n = n + 1
  wrk.headers["Idempotency-Key"] = "bench-" .. tid .. "-" .. n
  return wrk.format()
end
LUA
run() { wrk -t2 -c64 -d10s --latency "$@" | tee /dev/stderr; }
reads=$(run -H "Authorization: Bearer $token" "http://127.0.0.1:$port/v1/pools")
quotes=$(run -s "$dir/quote.lua" "http://127.0.0.1:$port/v1/quotes")
keyed=$(run -s "$dir/keyed.lua" "http://127.0.0.1:$port/v1/quotes")
rps() { echo "$1" | awk '/Requests\/sec/ {printf "%d", $2}'; }
p99() { echo "$1" | awk '$1=="99%" {v=$2; if (v ~ /us$/) {sub(/us/,"",v); v/=1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v*=1000}; printf "%.2f", v}'; }
echo "RESULT http reads_per_s=$(rps "$reads") read_p99_ms=$(p99 "$reads") quotes_per_s=$(rps "$quotes") quote_p99_ms=$(p99 "$quotes") keyed_quotes_per_s=$(rps "$keyed") keyed_quote_p99_ms=$(p99 "$keyed")"
