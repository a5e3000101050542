#!/usr/bin/env bash
# A tested backup and restore of a baygrid PostgreSQL database (issue 18):
# a base backup taken with pg_basebackup while baygrid writes, WAL archiving
# for what follows it, and a point-in-time recovery to the end of the
# archive on a fresh data directory, checked against what baygrid had
# acknowledged before the primary was lost.
#
#   scripts/pg-backup-test.sh [BAYGRID]   BAYGRID defaults to build/dev/baygrid
#
# The steps, all under one temp dir (removed on exit, servers stopped by pid):
#  1. a throw-away PostgreSQL 15 (scripts/pg-local.sh) with wal_level replica,
#     archive_mode on and an archive_command that copies each finished WAL
#     segment into DIR/archive (ALTER SYSTEM, then a restart: archive_mode
#     counts only at server start);
#  2. an admin token, `baygrid serve --scenario gba` on it, jobs over HTTP;
#  3. pg_basebackup, while serve runs, checked by pg_verifybackup;
#  4. more jobs, which only the archived WAL holds; serve is stopped
#     (SIGTERM), then pg_switch_wal() sends the last segment to the archive,
#     and the journal's head (max seq, last hash) is noted: with the writer
#     gone, nothing commits after the note, so the restore must match it
#     exactly;
#  5. the primary is stopped and its data directory deleted;
#  6. the backup is copied to a new data directory with a restore_command
#     reading the archive and a recovery.signal, and started by pg-local.sh
#     (pg_ctl, as postgres, a new free port below 32768); it replays the
#     archive, promotes itself at its end, and leaves recovery;
#  7. checks: the same journal head; `baygrid audit verify --db URL` (hash
#     chain, replay, snapshot, projection); the segment of the last commits
#     read from the archive (the server's log says so); every acknowledged
#     job readable (GET /v1/jobs/ID, 200) from a `baygrid serve --standby`
#     on the restored database.
#
# The last line on stdout is
#   RESULT pg_restore entries=<max seq> jobs_acked=<n> jobs_restored=<n> audit_ok=<true|false>
# printed on failure too; the exit status is 0 only when everything matched.
# PG_BACKUP_TEST_KEEP=1 keeps the temp dir (servers stopped) for a look.
#
# Run as root, PostgreSQL's programs run as `postgres` (setpriv, as in
# pg-local.sh), and the dirs they write (backup, archive, data) belong to
# postgres; the temp dir is made traversable for it. Nothing is written to
# /etc, and Debian's own cluster is neither used nor touched.
set -euo pipefail
LOG_PREFIX="pg-backup-test"
# shellcheck source=scripts/lib/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

PGBIN=/usr/lib/postgresql/15/bin
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PG_LOCAL=$ROOT/scripts/pg-local.sh
BAYGRID=$(realpath -m "${1:-$ROOT/build/dev/baygrid}") # absolute: setup changes directory
JOBS_BEFORE=(1001 1002 1003) # acknowledged before the base backup: in it
JOBS_AFTER=(1004 1005 1006)  # after it: only the archived WAL holds them
WAIT=120                     # seconds for any one wait (the ASan build is slow)

T=""
SERVE_PID="" SERVE_OUT="" SERVE_PORT=""
# What the RESULT line says; filled in as the steps go.
ENTRIES=0 AUDIT_OK=false JOBS_RESTORED=0
ACKED=()

# pg_dir DIR: a directory only the server's user may enter (0700), as
# PostgreSQL wants its data directory (and as the backup and archive should be).
pg_dir() {
  mkdir -p "$1"
  [ "$(id -u)" -ne 0 ] || chown postgres:postgres "$1"
  chmod 700 "$1"
}

# sql URL QUERY: one value, unaligned.
sql() { "$PGBIN/psql" "$1" -v ON_ERROR_STOP=1 -XAtqc "$2"; }

# ---- baygrid serve ------------------------------------------------------

# serve_start NAME URL [ARGS...]: start `baygrid serve` on the database at
# URL on a free port; SERVE_PID and SERVE_PORT once it says where it listens
# (its first line, or the one after a standby's waiting lines).
serve_start() {
  local name=$1 url=$2 i line
  shift 2
  SERVE_OUT=$T/$name.out
  "$BAYGRID" serve --db "$url" --listen 127.0.0.1:0 "$@" >"$SERVE_OUT" 2>"$T/$name.err" &
  SERVE_PID=$!
  for ((i = 0; i < WAIT * 10; i++)); do
    line=$(grep -m 1 '^baygrid serving ' "$SERVE_OUT" || true)
    if [[ "$line" =~ ^baygrid\ serving\ http://127\.0\.0\.1:([0-9]+)\  ]]; then
      SERVE_PORT=${BASH_REMATCH[1]}
      log "$name: $line"
      return 0
    fi
    kill -0 "$SERVE_PID" 2>/dev/null || fail "baygrid serve ($name) exited" "$T/$name.err"
    sleep 0.1
  done
  fail "baygrid serve ($name) did not say where it listens in $WAIT s" "$SERVE_OUT" "$T/$name.err"
}

# serve_stop: SIGTERM (it closes its store, which gives the writer lease
# up), then SIGKILL if it is still there after WAIT seconds. SERVE_PID is
# our own child, so the pid cannot have been reused before `wait`.
serve_stop() {
  local pid=$SERVE_PID i rc=0
  [ -n "$pid" ] || return 0
  SERVE_PID=""
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < WAIT * 10; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    log "baygrid serve ($pid) still runs after SIGTERM: SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || rc=$?
  return "$rc"
}

# http METHOD PATH [BODY]: the status code; the body is in $T/http.body.
http() {
  local args=(-sS -o "$T/http.body" -w '%{http_code}' --max-time 60 -X "$1"
    -H "Authorization: Bearer $TOKEN")
  [ -z "${3:-}" ] || args+=(-H 'Content-Type: application/json' --data "$3")
  curl "${args[@]}" "http://127.0.0.1:$SERVE_PORT$2" 2>>"$T/curl.err" || echo 000
}

# post_jobs ID...: POST /v1/jobs for each; each must be acknowledged (201),
# and its id goes into ACKED.
post_jobs() {
  local id code
  for id in "$@"; do
    code=$(http POST /v1/jobs \
      "{\"id\":$id,\"enterprise\":3,\"accelerator\":\"A800\",\"cards\":1,\"walltime_s\":600,\"pool\":11}")
    [ "$code" = 201 ] || fail "POST /v1/jobs id $id: HTTP $code: $(head -c 300 "$T/http.body")"
    ACKED+=("$id")
  done
  log "jobs ${*} acknowledged (201)"
}

# ---- the steps ----------------------------------------------------------

setup() {
  [ -x "$BAYGRID" ] || fail "no baygrid binary at $BAYGRID (build it, or name it: $0 BAYGRID)"
  T=$(mktemp -d /tmp/pg-backup-test.XXXXXX)
  chmod 711 "$T" # the postgres user goes through it, reads nothing in it
  cd "$T"        # a working directory postgres can reach too
  pg_dir "$T/archive"
  [ -x "$PGBIN/pg_basebackup" ] || fail "$PGBIN/pg_basebackup is missing (apt-get install postgresql-15)"
}

# 1. the primary, with WAL archiving.
primary_up() {
  URL=$("$PG_LOCAL" up "$T/primary" | tail -n 1) || fail "pg-local.sh up" "$T/primary/log/postgres.log"
  # The segment is copied under a temporary name and renamed, so that a
  # restore never reads half a file; an existing name is never overwritten
  # (PostgreSQL's documented rule). A production archive would also fsync
  # the copy, and live on another machine (pgBackRest, WAL-G, barman).
  "$PGBIN/psql" "$URL" -v ON_ERROR_STOP=1 -Xq >/dev/null \
    -c "ALTER SYSTEM SET wal_level = 'replica'" \
    -c "ALTER SYSTEM SET archive_mode = 'on'" \
    -c "ALTER SYSTEM SET archive_command = \
'test ! -f $T/archive/%f && cp %p $T/archive/%f.tmp && mv $T/archive/%f.tmp $T/archive/%f'"
  # A second `up` of a running server does nothing: down, then up (the
  # settings in postgresql.auto.conf are read at start; the same port is
  # taken again when it is still free).
  "$PG_LOCAL" down "$T/primary"
  URL=$("$PG_LOCAL" up "$T/primary" | tail -n 1) || fail "pg-local.sh up (restart)" "$T/primary/log/postgres.log"
  [ "$(sql "$URL" 'SHOW archive_mode')" = on ] || fail "archive_mode is not on after the restart"
  log "primary $URL archives into $T/archive"
}

# 2. baygrid data: a token, the GBA scenario, jobs.
load_data() {
  local out
  out=$("$BAYGRID" tokens create --db "$URL" --role admin --name ops 2>"$T/tokens.err") ||
    fail "baygrid tokens create --db $URL" "$T/tokens.err"
  TOKEN=${out##* }
  [ -n "$TOKEN" ] || fail "no token secret in: $out"
  serve_start serve-primary "$URL" --scenario gba
  post_jobs "${JOBS_BEFORE[@]}"
}

# 3. the base backup, while serve runs.
base_backup() {
  local t0 seq
  t0=$(now_ms)
  pg_dir "$T/base"
  # -X stream: the WAL written during the backup comes with it (a second
  # replication connection), so the backup is consistent on its own and
  # restorable to its end point even if the archive lost a segment;
  # -X none would depend on the archive for that too (and the backup would
  # wait for archive_command, hanging while it fails). The archive is still
  # what carries the database past the backup's end. -c fast: an immediate
  # checkpoint, not a spread one that can take minutes.
  # (as_pg ...) in a subshell, here and wherever a function's output is
  # redirected: bash would run the EXIT trap of a signal that came meanwhile
  # with the function's redirections, and the RESULT line would be lost.
  (as_pg "$PGBIN/pg_basebackup" -d "$URL" -D "$T/base" -F plain -X stream -c fast \
    --label baygrid-backup-test) >"$T/basebackup.log" 2>&1 ||
    fail "pg_basebackup" "$T/basebackup.log"
  (as_pg "$PGBIN/pg_verifybackup" "$T/base") >>"$T/basebackup.log" 2>&1 ||
    fail "pg_verifybackup" "$T/basebackup.log"
  seq=$(sql "$URL" 'SELECT coalesce(max(seq), 0) FROM journal')
  BACKUP_SEQ=$seq
  log "base backup in $(($(now_ms) - t0)) ms ($(du -sh "$T/base" | cut -f1)), verified; journal at entry $seq"
}

# 4. writes only the archive holds; the journal's head once nothing writes.
after_backup() {
  local i
  post_jobs "${JOBS_AFTER[@]}"
  # Stop the writer first, so that no batch commits after the head is noted.
  serve_stop || log "baygrid serve (primary) exited with status $?"
  # The segment that holds the last commits; the restore must read it from
  # the archive (the base backup ends in an earlier one).
  LAST_SEG=$(sql "$URL" 'SELECT pg_walfile_name(pg_switch_wal())')
  NOTED_SEQ=$(sql "$URL" 'SELECT max(seq) FROM journal')
  NOTED_HASH=$(sql "$URL" "SELECT encode(hash, 'hex') FROM journal ORDER BY seq DESC LIMIT 1")
  if [ -z "$NOTED_SEQ" ] || [ "$NOTED_SEQ" -le "$BACKUP_SEQ" ]; then
    fail "the journal did not grow after the backup (entry $BACKUP_SEQ, then ${NOTED_SEQ:-none})"
  fi
  log "journal head: entry $NOTED_SEQ, hash $NOTED_HASH; waiting for $LAST_SEG in the archive"
  for ((i = 0; i < WAIT * 10; i++)); do
    [ -f "$T/archive/$LAST_SEG" ] && break
    sleep 0.1
  done
  [ -f "$T/archive/$LAST_SEG" ] ||
    fail "$LAST_SEG was not archived in $WAIT s: $(sql "$URL" 'SELECT failed_count, last_failed_wal FROM pg_stat_archiver')" \
      "$T/primary/log/postgres.log"
}

# 5. the primary is lost.
lose_primary() {
  "$PG_LOCAL" down "$T/primary"
  rm -rf "$T/primary/data"
  log "primary stopped and its data directory deleted"
}

# 6. the restore: base backup + archive, to the end of the archive.
restore() {
  local t0 i state=""
  t0=$(now_ms)
  mkdir -p "$T/restored"
  cp -a "$T/base" "$T/restored/data"
  pg_dir "$T/restored/data"
  [ "$(id -u)" -ne 0 ] || chown -R postgres:postgres "$T/restored/data"
  # No recovery_target: recovery runs to the end of the archive (the first
  # segment restore_command cannot find: cp's "cannot stat" in the log is
  # that probe, not an error), then promotes to a new timeline, whose WAL
  # and history file the restored server archives in turn (archive_mode and
  # archive_command came with the backup's postgresql.auto.conf).
  cat >>"$T/restored/data/postgresql.auto.conf" <<EOF
# Added for the restore by scripts/pg-backup-test.sh
restore_command = 'cp $T/archive/%f %p'
recovery_target_timeline = 'latest'
EOF
  as_pg touch "$T/restored/data/recovery.signal"
  RURL=$("$PG_LOCAL" up "$T/restored" | tail -n 1) || fail "pg-local.sh up (restored)" "$T/restored/log/postgres.log"
  for ((i = 0; i < WAIT * 10; i++)); do
    state=$(sql "$RURL" 'SELECT pg_is_in_recovery()' 2>/dev/null || true)
    [ "$state" = f ] && break
    sleep 0.1
  done
  [ "$state" = f ] || fail "the restored server is still in recovery after $WAIT s" "$T/restored/log/postgres.log"
  RESTORED_SEGMENTS=$(grep -c 'restored log file' "$T/restored/log/postgres.log" || true)
  log "restored $RURL in $(($(now_ms) - t0)) ms: $RESTORED_SEGMENTS WAL segment(s) from the archive," \
    "timeline $(sql "$RURL" 'SELECT timeline_id FROM pg_control_checkpoint()')"
}

# 7. the checks; each failure is counted, all are run.
check() {
  local bad=0 seq hash id code out rc=0 lines=()
  seq=$(sql "$RURL" 'SELECT max(seq) FROM journal')
  hash=$(sql "$RURL" "SELECT encode(hash, 'hex') FROM journal ORDER BY seq DESC LIMIT 1")
  ENTRIES=$seq
  if [ "$seq" = "$NOTED_SEQ" ] && [ "$hash" = "$NOTED_HASH" ]; then
    log "check: journal head matches (entry $seq, hash $hash)"
  else
    log "check FAILED: journal head is entry $seq hash $hash, not entry $NOTED_SEQ hash $NOTED_HASH"
    bad=1
  fi
  if grep -qF "restored log file \"$LAST_SEG\" from archive" "$T/restored/log/postgres.log"; then
    log "check: the recovery read $LAST_SEG, past the backup's end, from the archive"
  else
    log "check FAILED: the recovery did not read $LAST_SEG from the archive"
    bad=1
  fi

  out=$("$BAYGRID" audit verify --db "$RURL" 2>"$T/audit.err") || rc=$?
  echo "$out" >"$T/audit.out"
  mapfile -t lines <<<"$out"
  if [ "$rc" -eq 0 ] && grep -q '^RESULT audit ok=true' "$T/audit.out"; then
    AUDIT_OK=true
    log "check: audit verify: ${lines[-1]}"
  else
    log "check FAILED: baygrid audit verify --db $RURL exited $rc"
    tail -n 15 "$T/audit.out" "$T/audit.err" >&2
    bad=1
  fi

  # Through baygrid: a server on the restored database reads each job.
  # --standby: the restored writer_lease row is the one the lost writer left;
  # here it was given up at SIGTERM, but a writer that died holding it would
  # keep a plain `serve` out (FAILED_PRECONDITION) until its TTL ran out,
  # while a standby waits for it.
  serve_start serve-restored "$RURL" --standby
  for id in "${ACKED[@]}"; do
    code=$(http GET "/v1/jobs/$id")
    if [ "$code" = 200 ] && grep -Eq "\"id\": ?${id}[,}]" "$T/http.body"; then
      JOBS_RESTORED=$((JOBS_RESTORED + 1))
    else
      log "check FAILED: GET /v1/jobs/$id: HTTP $code: $(head -c 300 "$T/http.body")"
    fi
  done
  [ "$JOBS_RESTORED" -eq ${#ACKED[@]} ] || bad=1
  log "check: $JOBS_RESTORED of ${#ACKED[@]} acknowledged jobs read back from the restored database"
  serve_stop || log "baygrid serve (restored) exited with status $?"
  return "$bad"
}

# Stops what runs, removes the temp dir, prints the RESULT line last.
cleanup() {
  local rc=$? d
  trap - EXIT
  set +e
  serve_stop >/dev/null 2>&1
  if [ -n "$T" ]; then
    for d in "$T/restored" "$T/primary"; do
      [ -d "$d/data" ] && "$PG_LOCAL" down "$d" 2>/dev/null
    done
    cd /
    if [ "${PG_BACKUP_TEST_KEEP:-0}" = 1 ]; then
      log "kept $T"
    else
      rm -rf "$T"
    fi
  fi
  echo "RESULT pg_restore entries=$ENTRIES jobs_acked=${#ACKED[@]} jobs_restored=$JOBS_RESTORED audit_ok=$AUDIT_OK"
  exit "$rc"
}

main() {
  local t0
  t0=$(now_ms)
  trap cleanup EXIT
  trap 'exit 130' INT TERM
  setup
  primary_up
  load_data
  base_backup
  after_backup
  lose_primary
  restore
  if check; then
    log "passed in $(($(now_ms) - t0)) ms"
  else
    log "FAILED in $(($(now_ms) - t0)) ms"
    exit 1
  fi
}

main
