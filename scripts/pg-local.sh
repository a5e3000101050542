#!/usr/bin/env bash
# A throw-away PostgreSQL 15 for tests and benchmarks (issue 18).
#
#   scripts/pg-local.sh up DIR     start it (idempotent); the last line on
#                                  stdout is its URL, also written to DIR/url:
#                                  export BG_PG_URL=$(scripts/pg-local.sh up /tmp/pg | tail -n 1)
#   scripts/pg-local.sh down DIR   stop it by pid; DIR stays
#
# Everything lives under DIR: the data directory (DIR/data, made by initdb),
# the Unix socket (DIR/run), the server's log (DIR/log/postgres.log), the
# port (DIR/port) and the URL (DIR/url). Nothing is written to /etc, and
# Debian's own cluster (pg_ctlcluster) is neither used nor touched.
#
# The server: PostgreSQL 15 from /usr/lib/postgresql/15/bin, superuser
# `postgres`, trust authentication (initdb --auth=trust: the Unix socket and
# 127.0.0.1 only), listening on 127.0.0.1 at a free port below 32768 (the
# ephemeral range above it is where other tests' client sockets land) and on
# a socket in DIR/run; fsync on, as in production. PG_LOCAL_PORT picks the
# port instead.
#
# PostgreSQL refuses to run as root: when this script runs as root, the
# server and its tools run as the `postgres` user (setpriv, which execs in
# place), DIR/data belongs to postgres, and DIR itself is made traversable
# (chmod o+x) so that postgres reaches it. As any other user they run as
# that user.
#
# `up` fails loudly, with the tail of the server's log, when the server does
# not start. `down` stops the postmaster by pid (pg_ctl stop -m fast), then
# kills it if it is still there.
set -euo pipefail
LOG_PREFIX="pg-local"
# shellcheck source=scripts/lib/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

BIN=/usr/lib/postgresql/15/bin

usage() {
  echo "usage: $0 up|down DIR" >&2
  exit 2
}

# is_postgres PID: true when PID is a live (not zombie) postmaster of
# DIR/data, so that a reused pid (another program, or another cluster's
# postgres) is never mistaken for this server, let alone killed.
is_postgres() {
  local stat
  [ "$(cat "/proc/$1/comm" 2>/dev/null)" = postgres ] || return 1
  tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null | grep -qF -- "-D $D/data " || return 1
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  stat=${stat##*) }
  [ "${stat%% *}" != Z ]
}

# postmaster_pid: the pid in DIR/data/postmaster.pid (its first line), or
# the one `up` recorded in DIR/pid when the server removed its own file.
postmaster_pid() {
  local pid=""
  [ -r "$D/data/postmaster.pid" ] && pid=$(head -n 1 "$D/data/postmaster.pid" | tr -dc '0-9')
  [ -z "$pid" ] && [ -r "$D/pid" ] && pid=$(tr -dc '0-9' <"$D/pid")
  echo "$pid"
}

running() {
  local pid
  pid=$(postmaster_pid)
  [ -n "$pid" ] && is_postgres "$pid"
}

# pick_port: PG_LOCAL_PORT, the port of an earlier `up` of DIR, or a random
# free port in 20000-32767.
pick_port() {
  if [ -n "${PG_LOCAL_PORT:-}" ]; then
    echo "$PG_LOCAL_PORT"
    return 0
  fi
  if [ -r "$D/port" ] && port_free "$(cat "$D/port")"; then
    cat "$D/port"
    return 0
  fi
  local p i
  for ((i = 0; i < 50; i++)); do
    p=$((20000 + RANDOM % 12768))
    if port_free "$p"; then
      echo "$p"
      return 0
    fi
  done
  fail "no free port found in 20000-32767"
}

init_data() {
  [ -s "$D/data/PG_VERSION" ] && return 0
  log "initdb $D/data"
  mkdir -p "$D/data"
  chmod 700 "$D/data"
  [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$D/data"
  # --no-sync: initdb's own final fsync; the server itself runs with fsync
  # on. A crash of the machine during initdb costs a throw-away directory.
  as_pg "$BIN/initdb" -D "$D/data" -U postgres --auth=trust -E UTF8 --no-locale --no-sync \
    >>"$D/log/initdb.log" 2>&1 || fail "initdb" "$D/log/initdb.log"
}

# start PORT: true when the server came up on PORT; false when the port was
# taken meanwhile; fails on any other error.
start() {
  local port=$1 logfile=$D/log/postgres.log
  # Options on the command line, not in postgresql.conf: a later `up` at
  # another port needs no rewrite.
  local opts="-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$D/run"
  opts+=" -c fsync=on -c synchronous_commit=on -c max_connections=200"
  log "starting postgres on 127.0.0.1:$port"
  : >"$logfile.start"
  # Only this start's lines of the log tell why it failed.
  local offset=0
  [ -e "$logfile" ] && offset=$(stat -c %s "$logfile")
  if ! as_pg "$BIN/pg_ctl" start -D "$D/data" -l "$logfile" -w -t 60 -o "$opts" \
    >>"$logfile.start" 2>&1; then
    if tail -c +$((offset + 1)) "$logfile" 2>/dev/null | grep -q "Address already in use" &&
      [ -z "${PG_LOCAL_PORT:-}" ]; then
      log "port $port was taken meanwhile"
      return 1
    fi
    cat "$logfile.start" >&2
    fail "postgres did not start" "$logfile"
  fi
  echo "$port" >"$D/port"
  postmaster_pid >"$D/pid"
}

up() {
  local t0 port url i
  t0=$(now_ms)
  [ -x "$BIN/postgres" ] || fail "$BIN/postgres is missing (apt-get install postgresql-15)"
  mkdir -p "$D/log" "$D/run"
  if [ "$(id -u)" -eq 0 ]; then
    chmod o+x "$D"
    chown postgres:postgres "$D/run" "$D/log"
    as_pg test -x "$D" || fail "the postgres user cannot reach $D (a parent directory is private)"
  fi
  init_data
  if running; then
    port=$(cat "$D/port")
    log "already running (pid $(postmaster_pid)) on port $port"
  else
    rm -f "$D/pid"
    for ((i = 0; i < 5; i++)); do
      port=$(pick_port)
      start "$port" && break
      port=""
    done
    [ -n "$port" ] || fail "postgres did not find a free port" "$D/log/postgres.log"
  fi
  as_pg "$BIN/pg_isready" -q -h 127.0.0.1 -p "$port" -t 10 ||
    fail "postgres does not answer on 127.0.0.1:$port" "$D/log/postgres.log"
  url="postgresql://postgres@127.0.0.1:$port/postgres"
  echo "$url" >"$D/url"
  log "up in $(($(now_ms) - t0)) ms: pid $(postmaster_pid), log in $D/log/postgres.log"
  echo "$url"
}

down() {
  [ -d "$D/data" ] || {
    log "no $D/data: nothing to stop"
    return 0
  }
  local pid i
  pid=$(postmaster_pid)
  if [ -z "$pid" ] || ! is_postgres "$pid"; then
    log "not running"
    rm -f "$D/pid"
    return 0
  fi
  log "stopping postgres ($pid)"
  as_pg "$BIN/pg_ctl" stop -D "$D/data" -m fast -w -t 30 >>"$D/log/postgres.log" 2>&1 || true
  for ((i = 0; i < 50; i++)); do
    is_postgres "$pid" || break
    sleep 0.2
  done
  if is_postgres "$pid"; then
    log "postgres ($pid) still alive after pg_ctl stop: SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    for ((i = 0; i < 50; i++)); do
      is_postgres "$pid" || break
      sleep 0.2
    done
    is_postgres "$pid" && fail "postgres ($pid) still alive after SIGKILL"
  fi
  rm -f "$D/pid"
  log "down; $D kept"
}

[ $# -eq 2 ] || usage
case "$2" in
  /*) D=$2 ;;
  *) D=$PWD/$2 ;;
esac
D=${D%/}
[[ "$D" =~ ^[A-Za-z0-9/._+-]+$ ]] || fail "DIR must be a plain path (letters, digits, / . _ + -): $D"
# The socket is DIR/run/.s.PGSQL.<port>; Unix socket paths are limited to 107 bytes.
[ ${#D} -lt 80 ] || fail "DIR is too long for a Unix socket path: $D"
if [ -n "${PG_LOCAL_PORT:-}" ]; then
  if ! [[ "$PG_LOCAL_PORT" =~ ^[0-9]{4,5}$ ]] || [ "$PG_LOCAL_PORT" -lt 1024 ] ||
    [ "$PG_LOCAL_PORT" -gt 65535 ]; then
    fail "PG_LOCAL_PORT must be a port from 1024 to 65535: $PG_LOCAL_PORT"
  fi
fi

case "$1" in
  up) up ;;
  down) down ;;
  *) usage ;;
esac
