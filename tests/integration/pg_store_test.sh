#!/bin/sh
# Runs a test binary that needs a PostgreSQL server (storage_pg_test: the
# Store tests; engine_pg_test: the engine's tests) against a throw-away
# server: scripts/pg-local.sh up in a fresh directory, BG_PG_URL set to its
# URL, the test binary with any further arguments, then down and the
# directory removed, whatever the outcome; on a failure the server's log
# is shown first. Exits with the test's status.
#
#   tests/integration/pg_store_test.sh SOURCE_DIR TEST_BINARY [gtest args...]
set -u
src=$1
bin=$2
shift 2
dir=$(mktemp -d /tmp/bg-pg.XXXXXX) || exit 1
# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
  "$src/scripts/pg-local.sh" down "$dir" >/dev/null || echo "pg_store_test: down failed" >&2
  rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
url=$("$src/scripts/pg-local.sh" up "$dir" | tail -n 1) || exit 1
echo "pg_store_test: PostgreSQL at $url"
BG_PG_URL=$url "$bin" "$@"
rc=$?
if [ $rc -ne 0 ]; then
  echo "---- last lines of the server's log ($dir/log/postgres.log) ----"
  tail -n 40 "$dir/log/postgres.log"
fi
exit $rc
