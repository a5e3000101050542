#!/usr/bin/env bash
# An operator's reads under wrk (docs/benchmarks.md, issue 15): the review
# inbox and the budget pacing report of the Dongguan programme, at 64
# connections for 10 s each, against `baygrid serve --threads 2` on the
# demo month's database (`baygrid demo --headless --days 30 --seed 7`).
# The same run first measures GET /v1/pools (the cached read of issue 6)
# as the machine's baseline, so the figures can be read as ratios:
#   RESULT operator pools_per_s=<n> inbox_per_s=<n> inbox_p99_ms=<x>
#     pacing_per_s=<n> pacing_p99_ms=<x> pacing_csv_per_s=<n>
#     inbox_first_ms=<x> pacing_first_ms=<x>
# (the last two: the first request of each, before its answer is kept:
# what one request costs after every change of state).
# BAYGRID=<binary> runs another build (an A/B against a baseline).
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

"$bin" demo --headless --days 30 --seed 7 --db "$dir/b.db" >"$dir/demo.log"
sync
operator=$("$bin" tokens create --db "$dir/b.db" --role operator --scope 1 --name bench-ops | awk '{print $NF}')
"$bin" serve --db "$dir/b.db" --listen 127.0.0.1:0 --threads 2 >"$dir/serve.log" 2>&1 &
echo $! >"$dir/pid"
for _ in $(seq 300); do grep -q serving "$dir/serve.log" 2>/dev/null && break; sleep 0.1; done
port=$(sed -n 's|.*serving http://127.0.0.1:\([0-9]*\).*|\1|p' "$dir/serve.log")
[ -n "$port" ] || { cat "$dir/serve.log"; exit 1; }
url="http://127.0.0.1:$port"
auth="Authorization: Bearer $operator"
# The first request of each reads the state (no cached answer yet): its time.
first() { curl -s -o "$dir/first.out" -w '%{time_total}' -H "$auth" "$1" | awk '{printf "%.2f", $1 * 1000}'; }
inbox_first=$(first "$url/v1/applications?sort=-amount&limit=50")
head -c 400 "$dir/first.out" >&2; echo >&2
pacing_first=$(first "$url/v1/programmes/1/pacing")
curl -s -H "$auth" "$url/v1/programmes/1/pacing?format=csv" >&2

run() {
  local out
  out=$(wrk -t2 -c64 -d"$duration" --latency -H "$auth" "$@")
  echo "$out" >&2
  if echo "$out" | grep -q "Non-2xx"; then echo "  (some answers were not 2xx: see above)" >&2; fi
  REPORT=$out
}
rps() { echo "$1" | awk '/Requests\/sec/ {printf "%d", $2}'; }
p99() { echo "$1" | awk '$1=="99%" {v=$2; if (v ~ /us$/) {sub(/us/,"",v); v/=1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v*=1000}; printf "%.2f", v}'; }

run "$url/v1/pools"; pools=$REPORT
run "$url/v1/applications?sort=-amount&limit=50"; inbox=$REPORT
run "$url/v1/programmes/1/pacing"; pacing=$REPORT
run "$url/v1/programmes/1/pacing?format=csv"; csv=$REPORT
echo "RESULT operator pools_per_s=$(rps "$pools") inbox_per_s=$(rps "$inbox") inbox_p99_ms=$(p99 "$inbox") pacing_per_s=$(rps "$pacing") pacing_p99_ms=$(p99 "$pacing") pacing_csv_per_s=$(rps "$csv") inbox_first_ms=$inbox_first pacing_first_ms=$pacing_first"
