#!/usr/bin/env bash
# The README's five-minute tour, as a script that CI runs (tests/integration):
# a demo month on a SQLite file, then the API by hand with curl — apply for a
# voucher, approve it, quote a job across the network, submit it, watch it,
# see who paid what, close a settlement period, export the statement, and
# verify the journal offline.
#   scripts/tour.sh [path/to/baygrid]
set -euo pipefail
cd "$(dirname "$0")/.."
baygrid=${1:-build/release/baygrid}
dir=$(mktemp -d)
trap 'kill "$server" 2>/dev/null || true; rm -rf "$dir"' EXIT
db=$dir/tour.db
step() { printf '\n== %s\n' "$*"; }

step "a simulated month of the Greater Bay Area on $db"
"$baygrid" demo --days "${TOUR_DAYS:-30}" --seed 7 --headless --db "$db" | tail -1

step "tokens: an admin, Dongguan's operator, Songshan Lake Precision Moulds (enterprise 1)"
ADMIN=$("$baygrid" token create --db "$db" --role admin --name you | awk '{print $NF}')
OP=$("$baygrid" token create --db "$db" --role operator --scope 1 --name dongguan-ops | awk '{print $NF}')
ENT=$("$baygrid" token create --db "$db" --role enterprise --scope 1 --name songshan | awk '{print $NF}')

step "serve it"
port=$((20000 + RANDOM % 20000))
"$baygrid" serve --db "$db" --listen 127.0.0.1:$port >"$dir/serve.log" 2>&1 &
server=$!
for _ in $(seq 100); do grep -q serving "$dir/serve.log" 2>/dev/null && break; sleep 0.1; done
api=http://127.0.0.1:$port/v1
get() { curl -sS -H "Authorization: Bearer $1" "$api$2"; echo; }
post() { curl -sS -H "Authorization: Bearer $1" -H 'Content-Type: application/json' -d "$3" "$api$2"; echo; }

step "apply for a Dongguan 算力券 of 50,000 yuan, and submit"
post "$ENT" /applications '{"id":9001,"programme":1,"amount_fen":5000000,"note":"model training"}'
post "$ENT" /applications/9001/review '{"step":"submit"}' | grep -o '"status":"submitted"'

step "the operator reviews, approves and issues it"
for s in start_review approve issue; do
  post "$OP" /applications/9001/review "{\"step\":\"$s\"}" | grep -o '"status":"[a-z_]*"' | tail -1
done

step "quote 8 × A800 for 10 hours across the network (best first)"
post "$ENT" /quotes '{"accelerator":"A800","cards":8,"walltime_s":36000,"platform":1}' |
  grep -o '"options":\[{[^}]*}[^]]*' | cut -c1-400

step "submit it, and watch it run"
post "$ENT" /jobs '{"id":900001,"accelerator":"A800","cards":8,"walltime_s":36000,"platform":1}' |
  grep -o '"status":"running"'
get "$ENT" /jobs/900001 | grep -o '"pool":[0-9]*,\|"subsidy":{[^}]*}' | sed -n '1,2p'

step "who paid what: June's statements of the Dongguan programme (subsidy per provider, yuan)"
get "$OP" "/statements?programme=1&period=2025-06&format=csv" |
  awk -F, 'NR > 1 && NF > 10 {s[$4] += $15; n[$4]++} END {for (p in s) printf "  %-44s %6d lines %14.2f\n", p, n[p], s[p]}'

step "close June: each provider is paid its statement from Dongguan's budget"
post "$OP" /statements/close '{"programme":1,"period":"2025-06"}'

step "export the statement as CSV (first lines)"
get "$OP" "/statements?programme=1&period=2025-06&format=csv" | sed -n '1,3p'

step "where the money went: issuer -> city"
get "$ADMIN" "/flows?format=csv" | sed -n '1,5p'

step "stop the server, verify the journal offline"
kill -TERM "$server"; wait "$server" || true
"$baygrid" audit verify "$db" | tail -1
