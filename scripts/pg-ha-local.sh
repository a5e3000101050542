#!/usr/bin/env bash
# A throw-away, replicated PostgreSQL 15 for failover tests: one etcd member
# and PG_HA_NODES (default 2) PostgreSQL 15 nodes managed by Patroni, all on
# 127.0.0.1, with strict synchronous replication, so that a commit that was
# acknowledged survives the loss of the primary.
#
#   scripts/pg-ha-local.sh up DIR          start what is not running yet, wait
#                                          for a leader and a synchronous standby;
#                                          the last line on stdout is a URL that
#                                          always reaches the current primary,
#                                          also written to DIR/url
#   scripts/pg-ha-local.sh primary DIR     print the leader's node name, or fail
#   scripts/pg-ha-local.sh kill NODE DIR   crash a node: SIGKILL its Patroni, its
#                                          postmaster and their children at once
#   scripts/pg-ha-local.sh start NODE DIR  start a node's Patroni again; wait until
#                                          the leader sees it streaming (a crashed
#                                          old primary rejoins by pg_rewind)
#   scripts/pg-ha-local.sh wait-sync DIR   wait for a leader and a synchronous standby
#   scripts/pg-ha-local.sh down DIR        stop everything by pid; DIR stays
#
# The URL is libpq's multi-host form with target_session_attrs=read-write and
# connect_timeout=2. DIR/nodes has one line per node: name, PostgreSQL port,
# REST port, data directory. Nodes are named pg1, pg2, ...
#
# Everything lives under DIR: etcd's data (DIR/etcd), the nodes' data
# (DIR/data/<node>), their Unix sockets (DIR/run), one Patroni config per
# node (DIR/<node>.yml), pids (DIR/<name>.pid), logs (DIR/log/etcd.log, and
# DIR/log/<node>.log for Patroni and its PostgreSQL). Nothing is written to
# /etc; the system etcd and patroni services of the Debian packages are
# neither used nor touched. Ports are picked once, free and below 32768 (the
# ephemeral range above it is where other tests' client sockets land), and
# kept for DIR's life.
#
# Patroni settings: synchronous_mode and synchronous_mode_strict (with no
# standby left, every COMMIT waits until one is back: it hangs, it does not
# fail), maximum_lag_on_failover 0, use_pg_rewind; trust on 127.0.0.1 and
# the socket; no watchdog. Measured with 2 nodes: after `kill` of the
# leader the other node leads in 8.5-10.5 s; its first COMMIT completes once
# the killed node, after `start`, has rewound and streams (7-10 s). PG_HA_TTL, PG_HA_LOOP_WAIT and
# PG_HA_RETRY_TIMEOUT (default 10, 2, 3; loop_wait + 2 * retry_timeout <= ttl)
# set how fast a dead leader is replaced; they count only at DIR's first `up`.
# PG_HA_WAIT (default 60) is how many seconds the waits last.
#
# PostgreSQL refuses to run as root: when this script runs as root, Patroni
# (and with it PostgreSQL) runs as the `postgres` user via setpriv, which
# execs in place so that the recorded pid is Patroni's; DIR/data, DIR/run and
# DIR/log belong to postgres and DIR is made traversable (chmod o+x). etcd
# runs as the caller. Daemons start in their own session (setsid), with no
# terminal and no pipe of the caller's.
#
# `down` sends TERM to every Patroni (each stops its PostgreSQL), then
# SIGQUIT, and SIGKILL if needed, to a postmaster that outlived its Patroni,
# then stops etcd. Only pids whose command line names DIR are signalled.
set -euo pipefail
LOG_PREFIX="pg-ha-local"
# shellcheck source=scripts/lib/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

BIN=/usr/lib/postgresql/15/bin
PATRONI=/usr/bin/patroni
ETCD=/usr/bin/etcd
WAIT=${PG_HA_WAIT:-60}
TTL=${PG_HA_TTL:-10}
LOOP_WAIT=${PG_HA_LOOP_WAIT:-2}
RETRY_TIMEOUT=${PG_HA_RETRY_TIMEOUT:-3}

usage() {
  echo "usage: $0 up|primary|wait-sync|down DIR" >&2
  echo "       $0 kill|start NODE DIR" >&2
  exit 2
}

# The prefix that runs a daemon as the server's user (postgres when we are
# root). Only exec-ing programs, so that `$!` is the daemon's own pid.
AS_PG=()
if [ "$(id -u)" -eq 0 ]; then
  AS_PG=(env HOME=/var/lib/postgresql setpriv --reuid=postgres --regid=postgres --init-groups --)
fi

# runs PID TEXT: PID is a live (not zombie) process whose command line holds
# TEXT, so that a reused pid is never mistaken for ours, let alone killed.
runs() {
  local stat
  [ -n "$1" ] || return 1
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  stat=${stat##*) }
  [ "${stat%% *}" != Z ] || return 1
  tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null | grep -qF -- "$2"
}

read_pid() { if [ -r "$1" ]; then head -n 1 "$1" | tr -dc '0-9'; fi; }

etcd_pid() {
  local pid
  pid=$(read_pid "$D/etcd.pid")
  if runs "$pid" "--data-dir $D/etcd "; then echo "$pid"; fi
}
patroni_pid() {
  local pid
  pid=$(read_pid "$D/$1.pid")
  if runs "$pid" " $D/$1.yml "; then echo "$pid"; fi
}
postmaster_pid() {
  local pid
  pid=$(read_pid "${DATA[$1]}/postmaster.pid")
  if runs "$pid" "-D ${DATA[$1]} "; then echo "$pid"; fi
}

# pick_ports N: PORTS = N distinct random free ports in 20000-32767.
pick_ports() {
  local p i
  PORTS=()
  for ((i = 0; i < 100 * $1 && ${#PORTS[@]} < $1; i++)); do
    p=$((20000 + RANDOM % 12768))
    if [[ " ${PORTS[*]} " != *" $p "* ]] && port_free "$p"; then PORTS+=("$p"); fi
  done
  [ ${#PORTS[@]} -eq "$1" ] || fail "not $1 free ports in 20000-32767"
}

# load_nodes: NODES (names), PGPORT, RESTPORT, DATA, ETCD_CLIENT, ETCD_PEER
# from DIR/nodes and DIR/etcd.ports; on DIR's first `up`, picks them.
declare -a NODES=()
declare -A PGPORT=() RESTPORT=() DATA=()
load_nodes() {
  local name pg rest data i n=${PG_HA_NODES:-2}
  if [ ! -s "$D/nodes" ]; then
    [ "${1:-}" = create ] || fail "no cluster in $D (run: $0 up $D)"
    [[ "$n" =~ ^[2-9]$ ]] || fail "PG_HA_NODES must be 2 to 9: $n"
    pick_ports $((2 * n + 2))
    echo "${PORTS[0]} ${PORTS[1]}" >"$D/etcd.ports"
    for ((i = 1; i <= n; i++)); do
      echo "pg$i ${PORTS[2 * i]} ${PORTS[2 * i + 1]} $D/data/pg$i"
    done >"$D/nodes"
  fi
  while read -r name pg rest data; do
    NODES+=("$name")
    PGPORT[$name]=$pg RESTPORT[$name]=$rest DATA[$name]=$data
  done <"$D/nodes"
  read -r ETCD_CLIENT ETCD_PEER <"$D/etcd.ports"
  [ -z "${PG_HA_NODES:-}" ] || [ "$PG_HA_NODES" -eq ${#NODES[@]} ] ||
    fail "$D was made with ${#NODES[@]} nodes, not PG_HA_NODES=$PG_HA_NODES"
}

known_node() { [ -n "${PGPORT[$1]:-}" ] || fail "no node $1 in $D/nodes (${NODES[*]})"; }

# rest NODE PATH: the HTTP status of Patroni's REST API (000 when it is down).
rest() {
  curl -s -o /dev/null -w '%{http_code}' --max-time 1 \
    "http://127.0.0.1:${RESTPORT[$1]}/$2" 2>/dev/null || true
}

leader() {
  local n
  for n in "${NODES[@]}"; do
    [ "$(rest "$n" primary)" = 200 ] && { echo "$n"; return 0; }
  done
  return 1
}

# synced: true when a node leads and another one is its synchronous standby.
synced() {
  local l n
  l=$(leader) || return 1
  for n in "${NODES[@]}"; do
    [ "$n" != "$l" ] && [ "$(rest "$n" sync)" = 200 ] && return 0
  done
  return 1
}

# streaming NODE: the leader's REST API lists NODE as a streaming standby.
# (Not /replica on NODE: after a crash it is 200 already while Patroni runs
# crash recovery, before the pg_rewind and the new timeline.)
streaming() {
  local l
  l=$(leader) || return 1
  curl -s --max-time 1 "http://127.0.0.1:${RESTPORT[$l]}/patroni" 2>/dev/null |
    python3 -c 'import json, sys
r = json.load(sys.stdin).get("replication", [])
sys.exit(not any(x["application_name"] == sys.argv[1] and x["state"] == "streaming" for x in r))' "$1" \
      2>/dev/null
}

# check_alive NODE...: fails, with its log, when a node's Patroni has died.
check_alive() {
  local n
  for n in "$@"; do
    [ -n "$(patroni_pid "$n")" ] || fail "patroni of $n died" "$D/log/$n.log"
  done
}

wait_sync() {
  local t0 i
  t0=$(now_ms)
  for ((i = 0; i < WAIT * 4; i++)); do
    synced && { log "leader $(leader) has a synchronous standby ($(($(now_ms) - t0)) ms)"; return 0; }
    sleep 0.25
  done
  fail "no leader with a synchronous standby after $WAIT s" "$D/log/"pg*.log
}

write_yaml() {
  local n=$1
  cat >"$D/$n.yml" <<EOF
# Written by scripts/pg-ha-local.sh; rewritten by each \`up\`.
scope: baygrid-ha
name: $n
restapi: {listen: "127.0.0.1:${RESTPORT[$n]}", connect_address: "127.0.0.1:${RESTPORT[$n]}"}
etcd3: {hosts: "127.0.0.1:$ETCD_CLIENT"}
bootstrap:
  dcs:
    ttl: $TTL
    loop_wait: $LOOP_WAIT
    retry_timeout: $RETRY_TIMEOUT
    maximum_lag_on_failover: 0
    synchronous_mode: true
    synchronous_mode_strict: true
    postgresql:
      use_pg_rewind: true
      parameters:
        wal_level: replica
        hot_standby: "on"
        max_wal_senders: 10
        max_replication_slots: 10
        wal_log_hints: "on"
        max_connections: 200
  initdb: [{encoding: UTF8}, no-locale]
postgresql:
  listen: 127.0.0.1:${PGPORT[$n]}
  connect_address: 127.0.0.1:${PGPORT[$n]}
  data_dir: ${DATA[$n]}
  bin_dir: $BIN
  pgpass: $D/run/$n.pgpass
  authentication:
    superuser: {username: postgres}
    replication: {username: replicator}
    rewind: {username: rewinder}
  parameters: {unix_socket_directories: $D/run}
  pg_hba:
    - local all all trust
    - host all all 127.0.0.1/32 trust
    - host replication all 127.0.0.1/32 trust
watchdog: {mode: "off"}
EOF
}

prepare() {
  local f
  for f in "$PATRONI" "$ETCD" "$BIN/postgres"; do
    [ -x "$f" ] || fail "$f is missing (scripts/deps.sh installs patroni, etcd-server, postgresql-15)"
  done
  ((LOOP_WAIT + 2 * RETRY_TIMEOUT <= TTL)) ||
    fail "PG_HA_LOOP_WAIT + 2 * PG_HA_RETRY_TIMEOUT must be <= PG_HA_TTL"
  mkdir -p "$D/log" "$D/run" "$D/data"
  if [ "$(id -u)" -eq 0 ]; then
    chmod o+x "$D"
    chown postgres:postgres "$D/log" "$D/run" "$D/data"
    "${AS_PG[@]}" test -x "$D" || fail "the postgres user cannot reach $D (a parent directory is private)"
  fi
  cd "$D" # the daemons' working directory, reachable by postgres
}

start_etcd() {
  [ -z "$(etcd_pid)" ] || return 0
  local i url=http://127.0.0.1:$ETCD_CLIENT peer=http://127.0.0.1:$ETCD_PEER
  { port_free "$ETCD_CLIENT" && port_free "$ETCD_PEER"; } ||
    fail "etcd's port $ETCD_CLIENT or $ETCD_PEER is taken (run down, or use a new DIR)"
  log "starting etcd on 127.0.0.1:$ETCD_CLIENT"
  mkdir -p "$D/etcd"
  chmod 700 "$D/etcd"
  setsid "$ETCD" --name ha --data-dir "$D/etcd" \
    --listen-client-urls "$url" --advertise-client-urls "$url" \
    --listen-peer-urls "$peer" --initial-advertise-peer-urls "$peer" \
    --initial-cluster "ha=$peer" --initial-cluster-token baygrid-ha \
    </dev/null >>"$D/log/etcd.log" 2>&1 &
  echo $! >"$D/etcd.pid"
  for ((i = 0; i < 100; i++)); do
    curl -s --max-time 1 "$url/health" 2>/dev/null | grep -q '"health":"true"' && return 0
    [ -n "$(etcd_pid)" ] || break
    sleep 0.1
  done
  fail "etcd did not start" "$D/log/etcd.log"
}

start_patroni() {
  local n=$1
  if [ -n "$(patroni_pid "$n")" ]; then
    log "$n already running (patroni $(patroni_pid "$n"))"
    return 0
  fi
  # A postmaster that outlived its Patroni (killed alone) is adopted by the
  # new Patroni, which rewinds and restarts it if another node leads.
  if [ -n "$(postmaster_pid "$n")" ]; then
    log "$n: its postmaster $(postmaster_pid "$n") runs without Patroni; Patroni adopts it"
  elif ! { port_free "${PGPORT[$n]}" && port_free "${RESTPORT[$n]}"; }; then
    fail "$n's port ${PGPORT[$n]} or ${RESTPORT[$n]} is taken (run down, or use a new DIR)"
  fi
  write_yaml "$n"
  log "starting $n: postgres 127.0.0.1:${PGPORT[$n]}, REST 127.0.0.1:${RESTPORT[$n]}"
  setsid "${AS_PG[@]}" "$PATRONI" "$D/$n.yml" </dev/null >>"$D/log/$n.log" 2>&1 &
  echo $! >"$D/$n.pid"
  sleep 0.2
  check_alive "$n"
}

up() {
  local t0 n url=""
  t0=$(now_ms)
  mkdir -p "$D"
  prepare
  load_nodes create
  start_etcd
  for n in "${NODES[@]}"; do start_patroni "$n"; done
  wait_sync
  for n in "${NODES[@]}"; do url+=${url:+,}127.0.0.1:${PGPORT[$n]}; done
  url="postgresql://postgres@$url/postgres?target_session_attrs=read-write&connect_timeout=2"
  echo "$url" >"$D/url"
  log "up in $(($(now_ms) - t0)) ms; logs in $D/log"
  echo "$url"
}

start_node() {
  local n=$1 t0 i
  t0=$(now_ms)
  prepare
  start_etcd
  start_patroni "$n"
  for ((i = 0; i < WAIT * 4; i++)); do
    if streaming "$n"; then
      log "$n streams from $(leader) ($(($(now_ms) - t0)) ms)"
      return 0
    fi
    [ "$(rest "$n" primary)" = 200 ] && { log "$n is the leader"; return 0; }
    ((i % 20)) || check_alive "$n"
    sleep 0.25
  done
  fail "$n is no replica after $WAIT s" "$D/log/$n.log"
}

kill_node() {
  local n=$1 i p pids=() kids=()
  for p in "$(patroni_pid "$n")" "$(postmaster_pid "$n")"; do
    [ -z "$p" ] || pids+=("$p")
  done
  [ ${#pids[@]} -gt 0 ] || { log "$n is not running"; return 0; }
  # Their children too, all in one kill(2) each, no signal handler runs: a
  # crash leaves no process to say goodbye (a walsender, a pg_basebackup).
  mapfile -t kids < <(pgrep -P "$(IFS=,; echo "${pids[*]}")" || true)
  pids+=("${kids[@]}")
  log "SIGKILL $n: ${pids[*]}"
  kill -KILL "${pids[@]}" 2>/dev/null || true
  for ((i = 0; i < 50; i++)); do
    [ -z "$(patroni_pid "$n")$(postmaster_pid "$n")" ] && return 0
    sleep 0.1
  done
  fail "$n still runs after SIGKILL"
}

# stop PID TEXT SIGNAL SECONDS: send SIGNAL to PID if it still `runs`
# TEXT; true when it is gone in time.
stop() {
  local i
  runs "$1" "$2" || return 0
  kill -"$3" "$1" 2>/dev/null || true
  for ((i = 0; i < $4 * 10; i++)); do
    runs "$1" "$2" || return 0
    sleep 0.1
  done
  return 1
}

down() {
  local n pid
  local -A patroni=()
  [ -s "$D/nodes" ] || { log "no cluster in $D: nothing to stop"; return 0; }
  load_nodes
  # All at once: Patroni stops its PostgreSQL (fast) and releases its keys.
  for n in "${NODES[@]}"; do
    pid=$(patroni_pid "$n")
    patroni[$n]=$pid
    [ -z "$pid" ] || { log "stopping $n (patroni $pid)"; kill -TERM "$pid"; }
  done
  for n in "${NODES[@]}"; do
    pid=${patroni[$n]}
    stop "$pid" " $D/$n.yml " TERM 60 || stop "$pid" " $D/$n.yml " KILL 5 ||
      fail "patroni of $n ($pid) survives SIGKILL"
    pid=$(postmaster_pid "$n")
    [ -z "$pid" ] && continue
    log "$n: orphaned postmaster $pid: SIGQUIT"
    stop "$pid" "-D ${DATA[$n]} " QUIT 10 || stop "$pid" "-D ${DATA[$n]} " KILL 5 ||
      fail "postmaster of $n ($pid) survives SIGKILL"
  done
  pid=$(etcd_pid)
  if [ -n "$pid" ]; then
    log "stopping etcd ($pid)"
    stop "$pid" "--data-dir $D/etcd " TERM 10 || stop "$pid" "--data-dir $D/etcd " KILL 5 ||
      fail "etcd ($pid) survives SIGKILL"
  fi
  rm -f "$D/"*.pid
  log "down; $D kept"
}

[ $# -ge 2 ] || usage
case "${*: -1}" in
  /*) D=${*: -1} ;;
  *) D=$PWD/${*: -1} ;;
esac
D=${D%/}
[[ "$D" =~ ^[A-Za-z0-9/._+-]+$ ]] || fail "DIR must be a plain path (letters, digits, / . _ + -): $D"
# Sockets are DIR/run/.s.PGSQL.<port>; Unix socket paths are limited to 107 bytes.
[ ${#D} -lt 80 ] || fail "DIR is too long for a Unix socket path: $D"
for v in WAIT TTL LOOP_WAIT RETRY_TIMEOUT; do
  [[ "${!v}" =~ ^[1-9][0-9]{0,3}$ ]] || fail "PG_HA_$v must be a whole number of seconds: ${!v}"
done

case "$1:$#" in
  up:2) up ;;
  primary:2)
    load_nodes
    leader || fail "no leader"
    ;;
  wait-sync:2)
    load_nodes
    wait_sync
    ;;
  down:2) down ;;
  kill:3 | start:3)
    load_nodes
    known_node "$2"
    if [ "$1" = kill ]; then kill_node "$2"; else start_node "$2"; fi
    ;;
  *) usage ;;
esac
