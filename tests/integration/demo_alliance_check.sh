#!/bin/sh
# The alliance's quarter as a newcomer runs it: headless, from a directory
# with no scenarios/ beside it (the world is built in: --world alliance),
# then again with --world naming the file. Both must end with the same
# RESULT line (the same seed gives the same numbers), nothing double-booked
# and the ledger, the programmes and the statements balanced; the round
# must allocate and place hours, users must use some, vouchers must pay, and
# some of their money must cross the city border (通用通兑).
# Prints "demo_alliance_check: ok" last when every check passes.
#   tests/integration/demo_alliance_check.sh <baygrid> <scenarios/alliance.toml>
set -eu
B=$1
file=$2
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cd "$dir"

fail() {
  echo "demo_alliance_check: $*"
  sed 's/^RESULT/(result)/' "$dir/builtin.txt" "$dir/file.txt" 2>/dev/null || true
  exit 1
}

"$B" demo --world alliance --seed 7 --headless --db "$dir/a.db" >builtin.txt 2>&1 ||
  fail "the built-in world's quarter failed"
"$B" demo --world "$file" --seed 7 --headless --db "$dir/b.db" >file.txt 2>&1 ||
  fail "the file's quarter failed"
a=$(grep '^RESULT facilities' builtin.txt) || fail "no RESULT line"
b=$(grep '^RESULT facilities' file.txt) || fail "no RESULT line from the file"
[ "$a" = "$b" ] || fail "the built-in world and the file differ: $a / $b"
echo "$a" | grep -Eq 'double_booked=0 ledger_balanced=true$' || fail "not balanced: $a"
field() { echo "$a" | sed -n "s/.* $1=\([0-9.]*\).*/\1/p"; }
[ "$(field allocated_hours)" -gt 0 ] || fail "the round allocated nothing"
[ "$(field used_hours)" -gt 0 ] || fail "nothing was used"
awk "BEGIN { exit !($(field voucher_yuan) > 0) }" || fail "no voucher paid"
awk "BEGIN { exit !($(field cross_city_share) > 0) }" || fail "no voucher money crossed a city border"
grep -q 'across the city border' builtin.txt || fail "the flows do not show the border"
grep -Eq '^proposal round: [0-9]+ proposals .*excluded for a conflict of interest' builtin.txt ||
  fail "no round line"
[ "$(grep -c '^week ' builtin.txt)" -eq 13 ] || fail "not 13 weekly lines"
echo "$a"
echo "demo_alliance_check: ok"
