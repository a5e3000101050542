#!/usr/bin/env bash
# The README's five-minute tour, as a script that CI runs (tests/integration):
# a demo month on a SQLite file, then the HTTP CLI against the real server —
# apply for a voucher, approve it, quote a job across the network, submit
# it, watch it, see who paid what, close a settlement period, export the
# statement — and the journal verified offline.
#   scripts/tour.sh [path/to/baygrid]
set -euo pipefail
cd "$(dirname "$0")/.."
B=${1:-build/release/baygrid}
dir=$(mktemp -d)
trap 'kill "$server" 2>/dev/null || true; rm -rf "$dir"' EXIT
db=$dir/tour.db
step() { printf '\n== %s\n' "$*"; }

step "a simulated month of the Greater Bay Area"
"$B" demo --days "${TOUR_DAYS:-30}" --jobs "${TOUR_JOBS:-6000}" --seed 7 --headless --db "$db" | tail -1

step "tokens: an admin, Dongguan's operator, Songshan Lake Precision Moulds (enterprise 1)"
ADMIN=$("$B" tokens create --db "$db" --role admin --name you | awk '{print $NF}')
OP=$("$B" tokens create --db "$db" --role operator --scope 1 --name dongguan-ops | awk '{print $NF}')
REV=$("$B" tokens create --db "$db" --role operator --scope 1 --stage reviewer --name dg-reviewer | awk '{print $NF}')
FIN=$("$B" tokens create --db "$db" --role operator --scope 1 --stage finance --name dg-finance | awk '{print $NF}')
ENT=$("$B" tokens create --db "$db" --role enterprise --scope 1 --name songshan | awk '{print $NF}')
PROV=$("$B" tokens create --db "$db" --role provider --scope 1 --name shaoguan-hub | awk '{print $NF}')

step "serve it"
# Port 0: the system picks a free one (a random fixed port can collide
# with other tests' ephemeral ports); the first line says which.
"$B" serve --db "$db" --listen 127.0.0.1:0 >"$dir/serve.log" 2>&1 &
server=$!
for _ in $(seq 600); do
  grep -q serving "$dir/serve.log" 2>/dev/null && break
  kill -0 "$server" 2>/dev/null || { cat "$dir/serve.log"; exit 1; }
  sleep 0.1
done
grep -q serving "$dir/serve.log" || { echo "serve did not start in 60 s"; cat "$dir/serve.log"; exit 1; }
port=$(sed -n 's|.*serving http://127.0.0.1:\([0-9]*\).*|\1|p' "$dir/serve.log")
export BAYGRID_URL=http://127.0.0.1:$port

step "apply for a Dongguan 算力券 of 50,000 yuan, and submit"
"$B" applications file --token "$ENT" --id 9001 --programme 1 --amount 50000 --note "model training"
"$B" applications review 9001 --token "$ENT" --step submit | grep '^status'

step "the operator reviews, approves and issues it"
for s in start_review approve issue; do
  "$B" applications review 9001 --token "$OP" --step $s | grep '^status'
done
"$B" vouchers list --token "$ENT"

step "quote 8 × A800 for 10 hours across the network"
"$B" jobs quote --token "$ENT" --accelerator A800 --cards 8 --hours 10 --purpose training | sed -n '/^options/,$p'

step "submit it, and watch it"
"$B" jobs submit --token "$ENT" --id 900001 --accelerator A800 --cards 8 --hours 10 --purpose training |
  grep -E '^(status|pool|subsidy|out_of_pocket) '
"$B" jobs get 900001 --token "$ENT" | grep -E '^(status|start_at|end_at) '

step "the Shaoguan hub's agent: a key of its own, then the job's first 30 s of usage, signed"
"$B" keys generate --out "$dir/hub.key" | tail -1
"$B" keys register --token "$PROV" --key-file "$dir/hub.key" | grep -E '^(provider|status) '
start=$("$B" jobs get 900001 --token "$ENT" --json | sed -n 's/.*"start_unix_s":\([0-9]*\).*/\1/p')
"$B" usage report --token "$PROV" --key-file "$dir/hub.key" --id 900001 --provider 1 \
  --order 900001 --start "$start" --end $((start + 30)) --cards 8

step "who paid what: June's statements of the Dongguan programme (subsidy per provider, yuan)"
"$B" statements get --token "$OP" --programme 1 --period 2025-06 --format csv |
  awk -F, 'NR > 1 && NF > 10 {s[$4] += $15; n[$4]++} END {for (p in s) printf "  %-44s %6d lines %14.2f\n", p, n[p], s[p]}'

step "close June: each provider's statement is payable, its total held on Dongguan's payable account"
"$B" statements close --token "$REV" --programme 1 --period 2025-06

step "finance approves June's statements (not the one who closed them) and records each bank payment"
"$B" statements approve --token "$FIN" --programme 1 --period 2025-06 | grep -E '^(statements|approved) '
for payee in $("$B" statements get --token "$FIN" --programme 1 --period 2025-06 --lines false --json |
  sed -n 's/.*"payee": *\([0-9]*\).*/\1/p'); do
  "$B" statements pay --token "$FIN" --programme 1 --period 2025-06 --payee "$payee" \
    --bank-reference "DG-2025-07-$payee" --paid-on "$(date -u -d "+8 hours" +%Y-%m-%d)" | grep -E '^(message) '
done
"$B" statements get --token "$FIN" --programme 1 --period 2025-06 --format csv |
  awk -F, 'NR > 1 {print "  " $4 ": " $6}' | sort -u

step "export the statement as CSV"
"$B" statements get --token "$OP" --programme 1 --period 2025-06 --format csv >"$dir/june.csv"
sed -n '1,3p' "$dir/june.csv"

step "where the money went: issuer -> city"
"$B" flows list --token "$ADMIN" --format csv | sed -n '1,5p'

step "a new programme from its definition (JSON: 40%, 60% for start-ups on domestic cards)"
"$B" programmes create --token "$ADMIN" --file scenarios/programme-example.json |
  grep -E '^(id|name|level|ratio_bp|settlement) '

step "stop the server, verify the journal offline"
kill -TERM "$server"
wait "$server" || true
"$B" audit verify --db "$db" | tail -1
