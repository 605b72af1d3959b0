#!/usr/bin/env bash
# The one place that provisions what Faultline's tests and demo run against, on Debian or Ubuntu:
# installs the missing packages (Debian's), configures them for loopback-only test use and starts
# them, waiting for each to answer. Used by .ci/run, `npm run demo` and developers' machines.
#
#   scripts/provision.sh            install what is missing, start what is down (idempotent)
#   scripts/provision.sh --check    say what is missing or down, change nothing (exit 1 if any)
#   scripts/provision.sh --command  print the one command that provisions this machine
#
# What it starts, all on 127.0.0.1 at the default ports:
#   PostgreSQL 5432 (trust auth for local TCP, as the tests expect), Redis 6379,
#   RabbitMQ 5672 (Prometheus plugin on 15692), MariaDB 3306 (user/database `faultline`,
#   password `faultline`: a local test fixture, never a deployed secret), NATS 4222 with
#   JetStream (monitoring 8222), Mosquitto 1883. Prometheus, Alertmanager, HAProxy and Chromium
#   are installed, not started: tests and the demo run their own instances.
# Only a service that does not answer is (re)started, so a second run reuses what is there.
set -euo pipefail

MODE=${1:-provision}
case "$MODE" in provision | --check | --command) ;; *)
  echo "usage: scripts/provision.sh [--check | --command]" >&2
  exit 2
  ;;
esac

HERE=$(cd "$(dirname "$0")" && pwd)
STATE=${FAULTLINE_PROVISION_STATE:-/var/lib/faultline-provision}
LOGS=/var/log/faultline-provision

# binary that must exist → Debian package that provides it
declare -A PACKAGES=(
  [/usr/lib/postgresql/15/bin/postgres]=postgresql
  [/usr/bin/pg_dump]=postgresql-client
  [/usr/bin/redis-server]=redis-server
  [/usr/bin/redis-sentinel]=redis-sentinel
  [/usr/sbin/rabbitmq-server]=rabbitmq-server
  [/usr/sbin/mariadbd]=mariadb-server
  [/usr/sbin/nats-server]=nats-server
  [/usr/sbin/mosquitto]=mosquitto
  [/usr/bin/prometheus]=prometheus
  [/usr/bin/promtool]=prometheus
  [/usr/bin/prometheus-alertmanager]=prometheus-alertmanager
  [/usr/sbin/haproxy]=haproxy
  [/usr/bin/chromium]=chromium
  # what backends/ builds and fetches with (Go is the machine's own)
  [/usr/bin/mvn]=maven
  [/usr/bin/unzip]=unzip
)

say() { echo "provision: $*"; }

# Whether something accepts TCP connections on 127.0.0.1:$1.
listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Waits up to $3 seconds for `$2` (a command) to succeed; names $1 when it does not.
wait_for() {
  local name=$1 check=$2 deadline=$((SECONDS + $3))
  until eval "$check" >/dev/null 2>&1; do
    if [ $SECONDS -ge $deadline ]; then
      say "$name did not become ready within $3 s (logs: $LOGS, /var/log)"
      return 1
    fi
    sleep 0.5
  done
}

missing_packages() {
  local want=()
  for binary in "${!PACKAGES[@]}"; do
    [ -x "$binary" ] || want+=("${PACKAGES[$binary]}")
  done
  [ ${#want[@]} -eq 0 ] || printf '%s\n' "${want[@]}" | sort -u | tr '\n' ' '
}

# name|port the service answers on
SERVICES=(postgresql:5432 redis:6379 rabbitmq:5672 rabbitmq-prometheus:15692 mariadb:3306 nats:4222 mosquitto:1883)

down_services() {
  for entry in "${SERVICES[@]}"; do listening "${entry#*:}" || printf '%s ' "${entry%%:*}"; done
}

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; else sudo -n "$@"; fi
}

can_be_root() { [ "$(id -u)" = 0 ] || sudo -n true 2>/dev/null; }

install_packages() {
  local want
  want=$(missing_packages)
  [ -n "$want" ] || return 0
  say "installing from Debian's packages: $want"
  as_root apt-get update -qq
  # shellcheck disable=SC2086 # word splitting of the package list is intended
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends $want >/dev/null
}

start_postgresql() {
  listening 5432 && return 0
  local hba=/etc/postgresql/15/main/pg_hba.conf
  if ! grep -q 'faultline-provision' "$hba"; then
    # Loopback TCP trusted, ahead of Debian's scram rules: the tests and demo connect as postgres.
    as_root sed -i '1i # faultline-provision: loopback is trusted (test and demo machine)\nhost all all 127.0.0.1/32 trust\nhost all all ::1/128 trust' "$hba"
  fi
  say "starting PostgreSQL 15 on 127.0.0.1:5432"
  as_root pg_ctlcluster 15 main start
  wait_for PostgreSQL 'pg_isready -q -h 127.0.0.1 -p 5432' 60
}

start_redis() {
  listening 6379 && return 0
  say "starting Redis on 127.0.0.1:6379"
  as_root /etc/init.d/redis-server start >/dev/null 2>&1
  wait_for Redis 'redis-cli -h 127.0.0.1 ping | grep -q PONG' 30
}

start_rabbitmq() {
  if listening 5672 && listening 15692; then return 0; fi
  as_root rabbitmq-plugins enable --offline --quiet rabbitmq_prometheus >/dev/null
  if ! listening 5672; then
    say "starting RabbitMQ on 127.0.0.1:5672 (Prometheus plugin on 15692)"
    as_root /etc/init.d/rabbitmq-server start >/dev/null
  else
    as_root rabbitmq-plugins enable --quiet rabbitmq_prometheus >/dev/null
  fi
  wait_for RabbitMQ 'listening 5672 && listening 15692' 120
}

start_mariadb() {
  if ! listening 3306; then
    say "starting MariaDB on 127.0.0.1:3306"
    as_root /etc/init.d/mariadb start >/dev/null
    wait_for MariaDB 'mariadb-admin --protocol=tcp -h 127.0.0.1 ping' 60
  fi
  [ -f "$STATE/mariadb-user" ] && return 0
  as_root mariadb -e "CREATE DATABASE IF NOT EXISTS faultline;
    CREATE USER IF NOT EXISTS 'faultline'@'127.0.0.1' IDENTIFIED BY 'faultline';
    CREATE USER IF NOT EXISTS 'faultline'@'localhost' IDENTIFIED BY 'faultline';
    GRANT ALL ON *.* TO 'faultline'@'127.0.0.1'; GRANT ALL ON *.* TO 'faultline'@'localhost';"
  as_root touch "$STATE/mariadb-user"
}

# Runs `$2...` detached as a daemon with its output in $LOGS/$1.log.
daemon() {
  local name=$1
  shift
  as_root setsid nohup "$@" >>"$LOGS/$name.log" 2>&1 </dev/null &
}

start_nats() {
  listening 4222 && return 0
  say "starting NATS with JetStream on 127.0.0.1:4222 (monitoring 8222)"
  as_root mkdir -p "$STATE/nats"
  daemon nats nats-server -a 127.0.0.1 -p 4222 -m 8222 -js -sd "$STATE/nats"
  wait_for NATS 'listening 4222 && listening 8222' 30
}

start_mosquitto() {
  listening 1883 && return 0
  say "starting Mosquitto on 127.0.0.1:1883"
  daemon mosquitto mosquitto -c "$HERE/provision/mosquitto.conf"
  wait_for Mosquitto 'listening 1883' 30
}

if [ "$MODE" = --command ]; then
  echo "sudo bash $HERE/provision.sh"
  exit 0
fi

if [ "$MODE" = --check ]; then
  want=$(missing_packages || true)
  down=$(down_services || true)
  [ -z "$want" ] || echo "missing packages: $want"
  [ -z "$down" ] || echo "not running: $down"
  [ -z "$want$down" ] || exit 1
  exit 0
fi

if ! can_be_root; then
  say "needs root or password-less sudo to install and start services; run: sudo bash $0"
  exit 1
fi
as_root mkdir -p "$STATE" "$LOGS"
install_packages
start_postgresql
start_redis
start_rabbitmq
start_mariadb
start_nats
start_mosquitto
say "ready: PostgreSQL, Redis, RabbitMQ, MariaDB, NATS, Mosquitto on 127.0.0.1"
