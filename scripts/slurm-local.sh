#!/usr/bin/env bash
# A real single-machine Slurm cluster with fake GPUs and working accounting
# (sacct), for end-to-end tests of the provider agent.
#
#   scripts/slurm-local.sh up DIR     start it (idempotent); prints on stdout
#                                     the shell lines to use it, e.g.
#                                     eval "$(scripts/slurm-local.sh up /tmp/s)"
#   scripts/slurm-local.sh down DIR   stop every daemon `up` started; DIR stays
#
# Everything lives under DIR: configuration, munge key and socket, MariaDB
# data directory, Slurm state, pid files and logs (DIR/log). Nothing is
# written to /etc; the only thing done outside DIR is installing the Debian
# packages slurm-wlm, slurmdbd, munge and mariadb-server when a command is
# missing.
#
# The cluster: ClusterName=bgtest, one node (hostname -s) claiming 16 CPUs,
# GRES 4 x gpu:a800 and 4 x gpu:910b backed by fake device files (symlinks
# to /dev/null), partitions `gpu` (default) and `npu`, both over that one
# node (so each shows the node's full GRES). Accounting goes through
# slurmdbd to a private MariaDB, associations are enforced, and root may
# submit with `-A bg`. Ended jobs stay in squeue for a day (MinJobAge).
#
# Ports: SLURM_LOCAL_PORT (default 26817) for slurmctld, +1 slurmd,
# +2 slurmdbd, +3 MariaDB (bound to 127.0.0.1 only). Two clusters, each with
# its own DIR and SLURM_LOCAL_PORT, run side by side.
#
# `up` rewrites the config files but leaves a daemon that is already running
# as it is: a changed config (or port) takes effect after `down` and `up`.
# Time limits are whole minutes (`-t 0:20` is one minute), and slurmctld
# checks them every 30 s or so: a job ends 0-30 s past its limit.
#
# `down` cancels the jobs still queued or running (so no job step outlives
# its slurmd), then stops slurmd, slurmctld, slurmdbd, MariaDB and munged by
# pid, waiting for each to exit. Progress goes to stderr.
set -euo pipefail
LOG_PREFIX="slurm-local"
# shellcheck source=scripts/lib/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

# Daemons live in /usr/sbin, which a non-root PATH may lack.
export PATH="$PATH:/usr/sbin:/sbin"

CLUSTER=bgtest
ACCOUNT="bg"
BASE_PORT=${SLURM_LOCAL_PORT:-26817}

usage() {
  echo "usage: $0 up|down DIR" >&2
  exit 2
}

# is_proc PID NAME: true when PID is a live process (not a zombie) named
# NAME, so that a reused pid is not mistaken for the daemon.
is_proc() {
  local stat
  [ "$(cat "/proc/$1/comm" 2>/dev/null)" = "$2" ] || return 1
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  stat=${stat##*) } # the fields after "(comm) "; the first is the state
  [ "${stat%% *}" != Z ]
}

# running PIDFILE NAME: true when the pid in PIDFILE is a live NAME.
running() {
  local pid
  [ -r "$1" ] || return 1
  pid=$(tr -dc '0-9' <"$1")
  [ -n "$pid" ] && is_proc "$pid" "$2"
}

# wait_for SECONDS PIDFILE NAME LOGFILE WHAT CMD...: poll CMD every 0.2 s
# until it succeeds; fail as soon as PIDFILE names a dead daemon, or after
# SECONDS. Each start removes a stale PIDFILE first, so one that exists
# was written for this start.
wait_for() {
  local secs=$1 pidfile=$2 name=$3 logfile=$4 what=$5
  shift 5
  local deadline=$(($(now_ms) + secs * 1000))
  until "$@" >/dev/null 2>&1; do
    if [ "$(now_ms)" -gt "$deadline" ]; then
      fail "$what not ready after ${secs}s" "$logfile"
    fi
    if [ -e "$pidfile" ] && ! running "$pidfile" "$name"; then
      sleep 0.5 # the pid may be between fork and exec, or be rewritten
      running "$pidfile" "$name" || fail "$name exited while starting" "$logfile"
    fi
    sleep 0.2
  done
}

# ---------------------------------------------------------------- install

install_missing() {
  local -A pkg_of=(
    [munged]=munge [munge]=munge
    [slurmctld]=slurm-wlm [slurmd]=slurm-wlm [sinfo]=slurm-wlm
    [slurmdbd]=slurmdbd [sacctmgr]=slurm-wlm
    [mariadbd]=mariadb-server [mariadb-install-db]=mariadb-server [mariadb]=mariadb-server
  )
  local -A want=()
  local cmd
  for cmd in "${!pkg_of[@]}"; do
    command -v "$cmd" >/dev/null 2>&1 || want[${pkg_of[$cmd]}]=1
  done
  [ ${#want[@]} -eq 0 ] && return 0
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  log "installing ${!want[*]}"
  mkdir -p "$D/log"
  # Debian's policy-rc.d (where present) keeps the packages' own services
  # from starting; either way this cluster uses none of them.
  if ! { DEBIAN_FRONTEND=noninteractive $sudo apt-get update -qq &&
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq \
      --no-install-recommends "${!want[@]}"; } >>"$D/log/apt.log" 2>&1; then
    fail "apt-get install ${!want[*]}" "$D/log/apt.log"
  fi
}

# ---------------------------------------------------------------- config

# write_if_changed FILE MODE: write stdin to FILE only when it differs, so a
# repeated `up` leaves running daemons' files untouched.
write_if_changed() {
  local tmp
  tmp=$(mktemp "$1.XXXXXX")
  cat >"$tmp"
  chmod "$2" "$tmp"
  if cmp -s "$tmp" "$1"; then rm -f "$tmp"; else mv -f "$tmp" "$1"; fi
}

write_config() {
  mkdir -p "$D"/{log,run,state,dev,db,munge} "$D/spool/$HOST"
  chmod 755 "$D/munge" # munged refuses a socket dir writable by others
  chmod 700 "$D/db"

  # Fake GPUs: slurmd wants character devices, and a symlink to /dev/null
  # is one (a plain file is refused and jobs get no CUDA_VISIBLE_DEVICES).
  local i
  for i in 0 1 2 3 4 5 6 7; do ln -sfn /dev/null "$D/dev/gpu$i"; done

  # The munge key, once; munged wants it private to its user.
  if [ ! -s "$D/munge/munge.key" ]; then
    (umask 077 && head -c 1024 /dev/urandom >"$D/munge/munge.key")
  fi
  # The database password of slurmdbd's MariaDB user, once.
  if [ ! -s "$D/db/slurm.pass" ]; then
    (umask 077 && head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$D/db/slurm.pass")
  fi

  write_if_changed "$D/gres.conf" 644 <<EOF
# Fake devices: links to /dev/null (see slurm-local.sh).
NodeName=$HOST Name=gpu Type=a800 File=$D/dev/gpu[0-3]
NodeName=$HOST Name=gpu Type=910b File=$D/dev/gpu[4-7]
EOF

  write_if_changed "$D/slurm.conf" 644 <<EOF
# Written by scripts/slurm-local.sh; rewritten by each \`up\`.
ClusterName=$CLUSTER
SlurmctldHost=$HOST(127.0.0.1)
SlurmUser=root
SlurmdUser=root
SlurmctldPort=$PORT_CTLD
SlurmdPort=$PORT_SLURMD
AuthType=auth/munge
AuthInfo=socket=$MUNGE_SOCK
CredType=cred/munge
StateSaveLocation=$D/state
SlurmdSpoolDir=$D/spool/%n
SlurmctldPidFile=$D/run/slurmctld.pid
SlurmdPidFile=$D/run/slurmd.pid
SlurmctldLogFile=$D/log/slurmctld.log
SlurmdLogFile=$D/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
MpiDefault=none
# No mail transport here; the default MailProg is missing and logs errors.
MailProg=/bin/true
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
# Without it each job takes the node's whole RealMemory.
DefMemPerCPU=100
# Let the node claim more CPUs (and memory) than the machine has.
SlurmdParameters=config_overrides
ReturnToService=2
# Ended jobs stay visible to squeue -t all for a day.
MinJobAge=86400
# A job past its limit gets SIGTERM, then SIGKILL after KillWait seconds.
KillWait=5
OverTimeLimit=0
InactiveLimit=0
GresTypes=gpu
JobAcctGatherType=jobacct_gather/linux
JobAcctGatherFrequency=30
AccountingStorageType=accounting_storage/slurmdbd
AccountingStorageHost=127.0.0.1
AccountingStoragePort=$PORT_DBD
# slurmctld's connection to slurmdbd ignores AuthInfo: the socket goes here.
AccountingStoragePass=$MUNGE_SOCK
AccountingStorageTRES=gres/gpu,gres/gpu:a800,gres/gpu:910b
AccountingStorageEnforce=associations
NodeName=$HOST NodeAddr=127.0.0.1 CPUs=16 RealMemory=16000 Gres=gpu:a800:4,gpu:910b:4 State=UNKNOWN
PartitionName=gpu Nodes=$HOST Default=YES MaxTime=INFINITE State=UP
PartitionName=npu Nodes=$HOST Default=NO MaxTime=INFINITE State=UP
EOF

  # Read from the folder of SLURM_CONF; must be private to SlurmUser.
  write_if_changed "$D/slurmdbd.conf" 600 <<EOF
# Written by scripts/slurm-local.sh; rewritten by each \`up\`.
AuthType=auth/munge
AuthInfo=socket=$MUNGE_SOCK
DbdHost=localhost
DbdAddr=127.0.0.1
DbdPort=$PORT_DBD
SlurmUser=root
PidFile=$D/run/slurmdbd.pid
LogFile=$D/log/slurmdbd.log
StorageType=accounting_storage/mysql
StorageHost=127.0.0.1
StoragePort=$PORT_DB
StorageUser=slurm
StoragePass=$(cat "$D/db/slurm.pass")
StorageLoc=slurm_acct_db
EOF
}

# ---------------------------------------------------------------- daemons

start_munged() {
  local pidfile=$D/run/munged.pid logfile=$D/log/munged.log
  if running "$pidfile" munged; then return 0; fi
  rm -f "$pidfile" # stale: its daemon is gone
  log "starting munged"
  # --force: munged otherwise refuses to run as root.
  munged --force --socket="$MUNGE_SOCK" --key-file="$D/munge/munge.key" \
    --pid-file="$pidfile" --log-file="$logfile" --seed-file="$D/munge/munge.seed" \
    </dev/null >>"$logfile" 2>&1 || fail "munged did not start" "$logfile"
  wait_for 10 "$pidfile" munged "$logfile" munged munge_ok
}
munge_ok() { munge -S "$MUNGE_SOCK" -n | unmunge -S "$MUNGE_SOCK"; }

start_mariadb() {
  local pidfile=$D/run/mariadbd.pid logfile=$D/log/mariadb.log
  if ! running "$pidfile" mariadbd; then
    if [ ! -d "$D/db/data/mysql" ]; then
      log "creating the MariaDB data directory"
      mariadb-install-db --no-defaults --user=root --datadir="$D/db/data" \
        --auth-root-authentication-method=socket --skip-test-db \
        >>"$logfile" 2>&1 || fail "mariadb-install-db" "$logfile"
    fi
    rm -f "$pidfile" # stale: its daemon is gone
    log "starting mariadbd"
    # No defaults files: nothing from /etc/mysql. TCP on 127.0.0.1 only, at a
    # port of its own; root logs in through the private socket. slurmdbd
    # logs an error below half its recommended 1 GiB buffer pool.
    setsid mariadbd --no-defaults --user=root --datadir="$D/db/data" \
      --socket="$DB_SOCK" --pid-file="$pidfile" --log-error="$logfile" \
      --port="$PORT_DB" --bind-address=127.0.0.1 --skip-name-resolve \
      --innodb-buffer-pool-size=512M --innodb-log-file-size=64M \
      --innodb-lock-wait-timeout=900 --innodb-use-native-aio=0 \
      </dev/null >>"$logfile" 2>&1 &
    # Its pid at once (setsid execs in place: a script's background child
    # leads no process group), so that an early death is seen at once.
    echo $! >"$pidfile"
    wait_for 60 "$pidfile" mariadbd "$logfile" mariadbd \
      mariadb-admin --no-defaults -S "$DB_SOCK" -u root ping
  fi
  # slurmdbd's user; idempotent.
  local pass
  pass=$(cat "$D/db/slurm.pass")
  mariadb --no-defaults -S "$DB_SOCK" -u root >>"$logfile" 2>&1 <<EOF || fail "creating the slurm database user" "$logfile"
CREATE USER IF NOT EXISTS 'slurm'@'127.0.0.1' IDENTIFIED BY '$pass';
ALTER USER 'slurm'@'127.0.0.1' IDENTIFIED BY '$pass';
GRANT ALL ON slurm_acct_db.* TO 'slurm'@'127.0.0.1';
EOF
}

start_slurmdbd() {
  local pidfile=$D/run/slurmdbd.pid logfile=$D/log/slurmdbd.log
  if running "$pidfile" slurmdbd; then return 0; fi
  rm -f "$pidfile" # stale: its daemon is gone
  log "starting slurmdbd"
  slurmdbd </dev/null >>"$logfile" 2>&1 || fail "slurmdbd did not start" "$logfile"
  # The first start creates the tables: give it time.
  wait_for 90 "$pidfile" slurmdbd "$logfile" slurmdbd \
    timeout 10 sacctmgr -n -P list cluster format=cluster
}

# The cluster, account `bg` and root's association with it; idempotent.
register_accounting() {
  local logfile=$D/log/sacctmgr.log
  if [ -z "$(sacctmgr -n -P list cluster "$CLUSTER" format=cluster 2>>"$logfile")" ]; then
    log "registering cluster $CLUSTER"
    sacctmgr -i add cluster "$CLUSTER" >>"$logfile" 2>&1 || fail "sacctmgr add cluster" "$logfile"
  fi
  if [ -z "$(sacctmgr -n -P list account "$ACCOUNT" format=account 2>>"$logfile")" ]; then
    sacctmgr -i add account "$ACCOUNT" cluster="$CLUSTER" \
      description=baygrid organization=baygrid >>"$logfile" 2>&1 ||
      fail "sacctmgr add account" "$logfile"
  fi
  if [ -z "$(sacctmgr -n -P list assoc cluster="$CLUSTER" account="$ACCOUNT" user=root format=user 2>>"$logfile")" ]; then
    sacctmgr -i add user root account="$ACCOUNT" cluster="$CLUSTER" >>"$logfile" 2>&1 ||
      fail "sacctmgr add user root" "$logfile"
  fi
}

start_slurmctld() {
  local pidfile=$D/run/slurmctld.pid logfile=$D/log/slurmctld.log
  if running "$pidfile" slurmctld; then return 0; fi
  rm -f "$pidfile" # stale: its daemon is gone
  log "starting slurmctld"
  slurmctld </dev/null >>"$logfile" 2>&1 || fail "slurmctld did not start" "$logfile"
  wait_for 30 "$pidfile" slurmctld "$logfile" slurmctld timeout 5 scontrol ping
}

start_slurmd() {
  local pidfile=$D/run/slurmd.pid logfile=$D/log/slurmd.log
  if running "$pidfile" slurmd; then return 0; fi
  rm -f "$pidfile" # stale: its daemon is gone
  log "starting slurmd"
  slurmd </dev/null >>"$logfile" 2>&1 || fail "slurmd did not start" "$logfile"
}

# Until sinfo shows the node idle (or mixed/allocated: already running jobs).
wait_node_up() {
  local deadline=$(($(now_ms) + 60000)) state
  while :; do
    state=$(timeout 10 sinfo -h -N -n "$HOST" -p gpu -o %T 2>/dev/null || true)
    case "$state" in
      idle | mixed | allocated | completing) return 0 ;;
      *invalid* | *drain* | *fail*)
        timeout 5 scontrol show node "$HOST" >&2 || true
        fail "node $HOST is $state" "$D/log/slurmd.log"
        ;;
    esac
    running "$D/run/slurmd.pid" slurmd || [ ! -e "$D/run/slurmd.pid" ] ||
      fail "slurmd exited" "$D/log/slurmd.log"
    [ "$(now_ms)" -gt "$deadline" ] &&
      fail "node $HOST is '${state:-unknown}' after 60s" "$D/log/slurmd.log"
    sleep 0.3
  done
}

up() {
  local t0
  t0=$(now_ms)
  mkdir -p "$D"
  install_missing
  write_config
  start_munged
  start_mariadb
  start_slurmdbd
  register_accounting
  start_slurmctld
  start_slurmd
  wait_node_up
  log "up in $(($(now_ms) - t0)) ms: cluster $CLUSTER, node $HOST, ports $PORT_CTLD-$PORT_DB, logs in $D/log"
  echo "export SLURM_CONF=$D/slurm.conf"
}

# ---------------------------------------------------------------- stop

# stop PIDFILE NAME: SIGTERM, wait up to 30 s for the exit, then SIGKILL.
stop() {
  local pidfile=$1 name=$2 pid i
  running "$pidfile" "$name" || return 0
  pid=$(tr -dc '0-9' <"$pidfile")
  log "stopping $name ($pid)"
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 150; i++)); do
    is_proc "$pid" "$name" || return 0
    sleep 0.2
  done
  log "$name ($pid) ignored SIGTERM for 30s: SIGKILL"
  kill -KILL "$pid" 2>/dev/null || true
  for ((i = 0; i < 50; i++)); do
    is_proc "$pid" "$name" || return 0
    sleep 0.2
  done
  fail "$name ($pid) still alive after SIGKILL"
}

# Cancel what is queued or running, so no job step outlives slurmd.
cancel_jobs() {
  running "$D/run/slurmctld.pid" slurmctld || return 0
  local jobs i
  jobs=$(timeout 10 squeue -h -t pending,running,suspended,completing -o %i 2>/dev/null || true)
  [ -n "$jobs" ] || return 0
  log "cancelling jobs: $(echo "$jobs" | tr '\n' ' ')"
  # shellcheck disable=SC2086 # one job id per word
  timeout 10 scancel $jobs 2>/dev/null || true
  for ((i = 0; i < 50; i++)); do
    [ -z "$(timeout 10 squeue -h -t running,completing -o %i 2>/dev/null || true)" ] && return 0
    sleep 0.3
  done
}

down() {
  [ -d "$D" ] || {
    log "no $D: nothing to stop"
    return 0
  }
  cancel_jobs
  stop "$D/run/slurmd.pid" slurmd
  stop "$D/run/slurmctld.pid" slurmctld
  stop "$D/run/slurmdbd.pid" slurmdbd
  stop "$D/run/mariadbd.pid" mariadbd
  stop "$D/run/munged.pid" munged
  log "down; $D kept"
}

# ---------------------------------------------------------------- main

[ $# -eq 2 ] || usage
case "$2" in
  /*) D=$2 ;;
  *) D=$PWD/$2 ;;
esac
D=${D%/}
[[ "$D" =~ ^[A-Za-z0-9/._+-]+$ ]] || fail "DIR must be a plain path (letters, digits, / . _ + -): $D"
if ! [[ "$BASE_PORT" =~ ^[0-9]{4,5}$ ]] || [ "$BASE_PORT" -lt 1024 ] || [ "$BASE_PORT" -gt 65530 ]; then
  fail "SLURM_LOCAL_PORT must be a port number from 1024 to 65530: $BASE_PORT"
fi
HOST=$(hostname -s)
PORT_CTLD=$BASE_PORT
PORT_SLURMD=$((BASE_PORT + 1))
PORT_DBD=$((BASE_PORT + 2))
PORT_DB=$((BASE_PORT + 3))
MUNGE_SOCK=$D/munge/munge.sock
DB_SOCK=$D/db/mysqld.sock
# Unix socket paths are limited to 107 bytes.
[ ${#DB_SOCK} -lt 100 ] || fail "DIR is too long for a Unix socket path: $D"
# Every Slurm command here (and the daemons) reads this cluster's config.
export SLURM_CONF=$D/slurm.conf

case "$1" in
  up) up ;;
  down) down ;;
  *) usage ;;
esac
