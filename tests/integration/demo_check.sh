#!/bin/sh
# The demo as a newcomer runs it: headless, from a directory with no
# scenarios/ beside it (the Greater Bay Area scenario is built in), then
# again with --scenario naming the file. Checks what it prints:
#   - both runs end with the same two RESULT lines (built in = the file; the
#     same seed gives the same numbers), the ledger balances, every
#     programme grants money and some orders are paid by two levels;
#   - one progress line per day; each day's utilisation is that day's, so
#     their mean is the run's utilisation; the subsidy is what was charged
#     so far: it never falls and ends no higher than the RESULT's;
#   - the enterprise whose token is printed still has money to spend.
# Prints "demo_check: ok" last when every check passes (ctest looks for it).
#   tests/integration/demo_check.sh <baygrid> <scenarios/gba.toml> [days] [jobs]
set -eu
B=$1
file=$2
days=${3:-30}
jobs=${4:-600}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cd "$dir"

fail() {
  echo "demo_check: $*"
  # The output, with its RESULT lines defused for ctest's pattern.
  sed 's/^RESULT/(result)/' "$dir/builtin.txt" "$dir/file.txt" 2>/dev/null || true
  exit 1
}

"$B" demo --days "$days" --jobs "$jobs" --seed 7 --headless >builtin.txt 2>&1 ||
  fail "the demo failed from a directory without scenarios/"
"$B" demo --days "$days" --jobs "$jobs" --seed 7 --headless --scenario "$file" >file.txt 2>&1 ||
  fail "the demo failed with --scenario $file"

tail -2 builtin.txt >results.txt
[ "$(tail -2 file.txt)" = "$(cat results.txt)" ] ||
  fail "the built-in scenario and $file give different results"
grep -Eq '^RESULT programmes total=[0-9]+ granting=[0-9]+ stacked_orders=[0-9]+$' results.txt ||
  fail "no RESULT programmes line before the last"
tail -1 results.txt | grep -Eq '^RESULT demo jobs=[0-9]+ subsidy_yuan=[0-9.]+ utilisation=[0-9.]+ ledger_balanced=true$' ||
  fail "the last line is not a balanced RESULT demo line"

awk -v days="$days" '
  function value(line, key,    m) {
    match(line, key "=[0-9.]+")
    return substr(line, RSTART + length(key) + 1, RLENGTH - length(key) - 1)
  }
  /^RESULT programmes/ {
    total = value($0, "total"); granting = value($0, "granting"); stacked = value($0, "stacked_orders")
  }
  /^RESULT demo/ { result_util = value($0, "utilisation"); result_yuan = value($0, "subsidy_yuan") }
  /^day +[0-9]+\// {
    n++
    split($2, d, "/")
    if (d[1] != n) { print "day " n " missing or out of order"; bad = 1 }
    util = $NF; sub("%", "", util); sum += util
    for (i = 1; i < NF; i++) if ($(i + 1) == "yuan") { yuan = $i; gsub(",", "", yuan) }
    if (yuan + 0 < last + 0) { print "the subsidy fell on day " n ": " last " -> " yuan; bad = 1 }
    last = yuan
  }
  /has [0-9,.]+ yuan left on its vouchers/ {
    for (i = 1; i < NF; i++) if ($(i + 1) == "yuan") { left = $i; gsub(",", "", left) }
  }
  END {
    if (total == "" || total != granting) { print "programmes granting " granting " of " total; bad = 1 }
    if (stacked + 0 <= 0) { print "no order was paid by two levels"; bad = 1 }
    if (n != days) { print n " progress lines for " days " days"; bad = 1 }
    mean = n == 0 ? 0 : sum / n / 100
    if (mean - result_util > 0.002 || result_util - mean > 0.002) {
      printf "the days average %.4f, the run %s: not each day'"'"'s own utilisation\n", mean, result_util
      bad = 1
    }
    if (last + 0 > result_yuan + 0.005) { print "charged " last " on the last day, " result_yuan " in all"; bad = 1 }
    if (left + 0 <= 0) { print "the enterprise token has no money left (" left ")"; bad = 1 }
    exit bad
  }' builtin.txt >checks.txt || fail "$(cat checks.txt)"

cat results.txt
echo "demo_check: ok"
