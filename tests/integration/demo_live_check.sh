#!/bin/sh
# The live demo (src/cmd/demo_live.h) as a user runs it, shorter: 16 jobs
# over a day at 1,440 virtual seconds per real second (about a minute),
# from a folder with no scenarios/. Every placement must have run as a
# process of its own, submitted once by its provider's agent, and the
# demo's own reconciliation (charged = what each process ran within its
# order) must hold: it exits non-zero otherwise.
#   demo_live_check.sh <baygrid>
set -eu
B=$1
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cd "$dir"
if ! "$B" demo --live --headless --jobs 16 --speed 1440 --db live.db \
    --agents-log agents.jsonl >out.txt 2>&1; then
  cat out.txt
  echo "demo_live_check: the live demo failed"
  exit 1
fi
cat out.txt
ran=$(sed -n 's/^RESULT demo_live jobs=\([0-9]*\) .*/\1/p' out.txt)
submitted=$(grep -c '"event":"submitted"' agents.jsonl || true)
ended=$(find live.db.runs -name '*.end' | wc -l)
if [ "$ran" != "$submitted" ] || [ "$ran" != "$ended" ]; then
  echo "demo_live_check: $ran jobs ran, $submitted submissions logged, $ended processes ended"
  exit 1
fi
echo "demo_live_check: ok ($ran processes)"
