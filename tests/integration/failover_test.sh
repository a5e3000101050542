#!/bin/sh
# Runs failover_test against a throw-away replicated PostgreSQL: etcd and
# two Patroni nodes (scripts/pg-ha-local.sh up in a fresh directory), then
# down and the directory removed, whatever the outcome; on a failure the
# cluster's logs are shown first. Exits with the test's status.
#
#   tests/integration/failover_test.sh SOURCE_DIR FAILOVER_TEST [gtest args...]
set -u
src=$1
bin=$2
shift 2
dir=$(mktemp -d /tmp/bg-pgha.XXXXXX) || exit 1
# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
  "$src/scripts/pg-ha-local.sh" down "$dir" >/dev/null || echo "failover_test: down failed" >&2
  rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
if ! "$src/scripts/pg-ha-local.sh" up "$dir" >/dev/null; then
  echo "failover_test: FAILED to start the cluster"
  exit 1
fi
echo "failover_test: PostgreSQL at $(cat "$dir/url")"
BG_PG_HA_DIR=$dir BG_PG_HA_SCRIPT=$src/scripts/pg-ha-local.sh "$bin" "$@"
rc=$?
if [ $rc -ne 0 ]; then
  echo "failover_test: FAILED (exit $rc)"
  for log in "$dir"/log/*.log; do
    echo "---- last lines of $log ----"
    tail -n 30 "$log"
  done
fi
exit $rc
