#!/usr/bin/env bash
# The HTTP API under wrk (docs/benchmarks.md), at 64 connections for 10 s
# each, against `baygrid serve --threads 2` on the demo month's database
# (`baygrid demo --headless --days 30`: 6,000 jobs of history):
#   reads         GET /v1/pools
#   quotes        POST /v1/quotes, then again with a fresh Idempotency-Key each
#   jobs          POST /v1/jobs with unique ids, then again with a fresh
#                 Idempotency-Key each (the answer kept with the batch)
#   usage         POST /v1/usage, 100 signed records per body (one batch
#                 signature), prepared by `baygrid bench usage-requests`
# Beside each write figure, the engine's mean batch size over that run
# (from /metrics). Ends with:
#   RESULT http reads_per_s=<n> read_p99_ms=<x> quotes_per_s=<n> quote_p99_ms=<x>
#     keyed_quotes_per_s=<n> keyed_quote_p99_ms=<x>
#   RESULT http_writes jobs_per_s=<n> jobs_p99_ms=<x> keyed_jobs_per_s=<n>
#     usage_records_per_s=<n> batch_mean=<x>
# BAYGRID=<binary> runs another build (an A/B against a baseline);
# SERVE_FLAGS=--no-notices runs the server without notices; DB=postgresql://...
# (an empty database) runs it all on PostgreSQL instead of a SQLite file
# (scripts/bench_postgres.sh does, on a throw-away server).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
if [ -z "${BAYGRID:-}" ]; then
  cmake --workflow --preset release >/dev/null
fi
bin=$(realpath "${BAYGRID:-build/release/baygrid}")
dir=$(mktemp -d)
trap 'kill $(cat "$dir/pid" 2>/dev/null) 2>/dev/null || true; rm -rf "$dir"' EXIT
duration=${DURATION:-10s}

db=${DB:-$dir/b.db}
"$bin" demo --headless --days 30 --seed 7 --db "$db" >"$dir/demo.log"
# A baseline binary from before `bench usage-requests` runs without the usage figure.
usage_ok=1
"$bin" bench usage-requests --db "$db" --out "$dir/usage.bodies" --records 1200000 \
  --jobs 500 --batch 100 >&2 || usage_ok=0
# The preparation leaves hundreds of MB of dirty pages, which the kernel
# writes back 30 s later (dirty_expire_centisecs), in the middle of a run:
# that alone put job p99 at 49-169 ms (10-14 ms after a sync).
sync
token=$("$bin" tokens create --db "$db" --role enterprise --scope 3 --name bench | awk '{print $NF}')
admin=$("$bin" tokens create --db "$db" --role admin --name bench-admin | awk '{print $NF}')
# SERVE_FLAGS: more flags for the server (--no-notices: the A/B of notices).
# shellcheck disable=SC2086
"$bin" serve --db "$db" --listen 127.0.0.1:0 --threads 2 ${SERVE_FLAGS:-} >"$dir/serve.log" 2>&1 &
echo $! >"$dir/pid"
for _ in $(seq 300); do grep -q serving "$dir/serve.log" 2>/dev/null && break; sleep 0.1; done
port=$(sed -n 's|.*serving http://127.0.0.1:\([0-9]*\).*|\1|p' "$dir/serve.log")
[ -n "$port" ] || { cat "$dir/serve.log"; exit 1; }
url="http://127.0.0.1:$port"

# Every script: a POST as `token`, each wrk thread numbered (tid).
preamble() {  # token
  cat <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $1"
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end
LUA
}
# A POST of a body made in Lua; keyed=1: a fresh Idempotency-Key each time.
# Job ids: unique per request (base + thread * 1e8 + n).
post_lua() {  # file token body-lua keyed [id-base]
  { preamble "$2"; cat <<LUA
local n = 0
function request()
  n = n + 1
  local id = ${5:-0} + tid * 100000000 + n
  if $4 == 1 then wrk.headers["Idempotency-Key"] = "bench-" .. tid .. "-" .. n end
  return wrk.format(nil, nil, nil, $3)
end
LUA
  } >"$1"
}
quote_body="'{\"accelerator\":\"A800\",\"cards\":4,\"walltime_s\":7200}'"
job_body="'{\"id\":' .. id .. ',\"accelerator\":\"A800\",\"cards\":1,\"walltime_s\":3600}'"
post_lua "$dir/quote.lua" "$token" "$quote_body" 0
post_lua "$dir/keyed_quote.lua" "$token" "$quote_body" 1
post_lua "$dir/job.lua" "$token" "$job_body" 0 2000000000
post_lua "$dir/keyed_job.lua" "$token" "$job_body" 1 3000000000
# The usage bodies, each thread its own stride through them.
{ preamble "$admin"; cat <<LUA
local bodies = {}
function init(args)
  for line in io.lines("$dir/usage.bodies") do bodies[#bodies + 1] = line end
end
local n = 0
function request()
  local k = (n * 2 + tid - 1) % #bodies + 1
  n = n + 1
  return wrk.format(nil, nil, nil, bodies[k])
end
LUA
} >"$dir/usage.lua"

metric() { curl -s "$url/metrics" | awk -v m="$1" '$1==m {print $2}'; }
# Runs wrk; prints its report to stderr and "<report>" on stdout; BATCH is
# the mean engine batch size over the run.
run() {
  local b0 c0 out
  b0=$(metric baygrid_engine_batches_total); c0=$(metric baygrid_engine_commands_total)
  out=$(wrk -t2 -c64 -d"$duration" --latency "$@")
  echo "$out" >&2
  local b1 c1
  b1=$(metric baygrid_engine_batches_total); c1=$(metric baygrid_engine_commands_total)
  BATCH=$(awk -v b="$((b1 - b0))" -v c="$((c1 - c0))" 'BEGIN {printf "%.1f", b ? c / b : 0}')
  echo "  mean batch: $BATCH commands ($((c1 - c0)) commands in $((b1 - b0)) batches)" >&2
  if echo "$out" | grep -q "Non-2xx"; then echo "  (some answers were not 2xx: see above)" >&2; fi
  REPORT=$out
}
rps() { echo "$1" | awk '/Requests\/sec/ {printf "%d", $2}'; }
p99() { echo "$1" | awk '$1=="99%" {v=$2; if (v ~ /us$/) {sub(/us/,"",v); v/=1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v*=1000}; printf "%.2f", v}'; }

run -H "Authorization: Bearer $token" "$url/v1/pools"; reads=$REPORT
run -s "$dir/quote.lua" "$url/v1/quotes"; quotes=$REPORT
run -s "$dir/keyed_quote.lua" "$url/v1/quotes"; keyed=$REPORT
run -s "$dir/job.lua" "$url/v1/jobs"; jobs=$REPORT; jobs_batch=$BATCH
run -s "$dir/keyed_job.lua" "$url/v1/jobs"; keyed_jobs=$REPORT; keyed_batch=$BATCH
usage="" usage_batch=0
if [ $usage_ok = 1 ]; then run -s "$dir/usage.lua" "$url/v1/usage"; usage=$REPORT; usage_batch=$BATCH; fi
usage_rps=0
[ -n "$usage" ] && usage_rps=$(rps "$usage")
echo "batch means: jobs $jobs_batch, keyed jobs $keyed_batch, usage $usage_batch" >&2
echo "RESULT http reads_per_s=$(rps "$reads") read_p99_ms=$(p99 "$reads") quotes_per_s=$(rps "$quotes") quote_p99_ms=$(p99 "$quotes") keyed_quotes_per_s=$(rps "$keyed") keyed_quote_p99_ms=$(p99 "$keyed")"
echo "RESULT http_writes jobs_per_s=$(rps "$jobs") jobs_p99_ms=$(p99 "$jobs") keyed_jobs_per_s=$(rps "$keyed_jobs") usage_records_per_s=$((usage_rps * 100)) batch_mean=$jobs_batch"
