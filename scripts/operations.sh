#!/usr/bin/env bash
# docs/operations.md's walk-through, run as written: the set-up its
# introduction describes, then every ```sh block of the document in order
# (CTest: operations_walkthrough). A block that fails fails the test.
#   scripts/operations.sh [path/to/baygrid]
set -euo pipefail
cd "$(dirname "$0")/.."
B=$(realpath "${1:-build/release/baygrid}")
dir=$(mktemp -d)
trap 'kill "$server" 2>/dev/null || true; rm -rf "$dir"' EXIT
db=$dir/ops.db
baygrid() { "$B" "$@"; }

"$B" demo --days "${TOUR_DAYS:-30}" --jobs "${TOUR_JOBS:-6000}" --seed 7 --headless --db "$db" | tail -1
token() { "$B" tokens create --db "$db" "$@" | awk '{print $NF}'; }
ENT=$(token --role enterprise --scope 1 --name songshan)
REV=$(token --role operator --scope 1 --stage reviewer --name dg-reviewer)
DIR=$(token --role operator --scope 1 --stage approver --name dg-director)
FIN=$(token --role operator --scope 1 --stage finance --name dg-finance)
AUD=$(token --role auditor --name city-audit)

"$B" serve --db "$db" --listen 127.0.0.1:0 >"$dir/serve.log" 2>&1 &
server=$!
for _ in $(seq 600); do
  grep -q serving "$dir/serve.log" 2>/dev/null && break
  kill -0 "$server" 2>/dev/null || { cat "$dir/serve.log"; exit 1; }
  sleep 0.1
done
port=$(sed -n 's|.*serving http://127.0.0.1:\([0-9]*\).*|\1|p' "$dir/serve.log")
[ -n "$port" ] || { echo "serve did not start"; cat "$dir/serve.log"; exit 1; }
export BAYGRID_URL=http://127.0.0.1:$port

# The blocks, in order, each announced before it runs.
awk '/^```sh$/ {inside = 1; n++; printf "printf \"\\n== docs/operations.md, block %d\\n\"\n", n; next}
     /^```$/ {inside = 0; next}
     inside {print}' docs/operations.md >"$dir/blocks.sh"
[ "$(grep -c '== docs/operations.md, block' "$dir/blocks.sh")" -ge 6 ] ||
  { echo "docs/operations.md lost its blocks"; exit 1; }
# shellcheck disable=SC1090
source "$dir/blocks.sh"
echo
echo "operations walk-through: done"
