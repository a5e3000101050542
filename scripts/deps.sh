#!/usr/bin/env bash
# Installs the Debian packages baygrid needs to build, test and benchmark,
# when any is missing. Idempotent, and silent when everything is there.
set -euo pipefail

packages=(
  cmake ninja-build ccache g++ pkg-config clang clang-format clang-tidy
  libsqlite3-dev sqlite3 libsodium-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libcli11-dev nlohmann-json3-dev libabsl-dev libtomlplusplus-dev libjemalloc-dev
  libboost-dev wrk curl
  # Shared facilities: LEMON's network simplex places a round's slots.
  liblemon-dev
  # The web console's browser tests: Debian's Chromium (never a downloaded
  # browser) and CJK fonts, without which Chinese renders as boxes.
  chromium fonts-noto-cjk
  # The provider agent's end-to-end test: a real Slurm with accounting
  # (scripts/slurm-local.sh starts the daemons itself, in a private folder).
  slurm-wlm slurmdbd munge mariadb-server
  # The PostgreSQL store: libpq to build it, and a PostgreSQL 15 server for
  # its tests (scripts/pg-local.sh starts a throw-away one in a private folder).
  libpq-dev postgresql-15
  # Its failover tests: Patroni and etcd (scripts/pg-ha-local.sh starts a
  # throw-away replicated cluster, etcd included, in a private folder).
  patroni etcd-server etcd-client
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "deps: installing ${missing[*]}" >&2
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq >/dev/null
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null

# Debian's etcd-server enables a system etcd (127.0.0.1:2379, data in
# /var/lib/etcd) and starts it where services may start (not in containers
# whose policy-rc.d forbids it). Nothing of ours uses it: when this run
# installed the package, stop it and keep it from starting at boot.
if [[ " ${missing[*]} " == *" etcd-server "* ]]; then
  if command -v systemctl >/dev/null; then
    # Without systemd as init, this still disables it (and its SysV links).
    $sudo systemctl disable --now etcd.service >/dev/null 2>&1 || true
  else
    $sudo update-rc.d etcd disable >/dev/null 2>&1 || true
  fi
  $sudo /etc/init.d/etcd stop >/dev/null 2>&1 || true
fi
