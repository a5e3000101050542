# shellcheck shell=bash
# What the scripts that run throw-away servers share (pg-local.sh,
# pg-ha-local.sh, pg-backup-test.sh, slurm-local.sh): sourced, not run. The
# script sets LOG_PREFIX before sourcing it.

# log MESSAGE...: one line on stderr, named after the script.
log() { echo "${LOG_PREFIX:-scripts}: $*" >&2; }

# now_ms: milliseconds since the epoch, for the "up in N ms" lines.
now_ms() { echo $(($(date +%s%N) / 1000000)); }

# fail MESSAGE [LOGFILE...]: print the reason and the logs' tails, exit 1.
fail() {
  log "FAILED: $1"
  shift
  local f
  for f in "$@"; do
    [ -r "$f" ] || continue
    echo "---- last lines of $f ----" >&2
    tail -n 30 "$f" >&2
  done
  [ $# -eq 0 ] || echo "----" >&2
  exit 1
}

# as_pg CMD...: runs CMD as PostgreSQL's user (postgres when we are root:
# PostgreSQL refuses to run as root). setpriv execs in place.
as_pg() {
  if [ "$(id -u)" -eq 0 ]; then
    HOME=/var/lib/postgresql setpriv --reuid=postgres --regid=postgres --init-groups -- "$@"
  else
    "$@"
  fi
}

# port_free PORT: nothing listens on it.
port_free() { [ -z "$(ss -Htln "sport = :$1" 2>/dev/null)" ]; }
