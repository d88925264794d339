#!/usr/bin/env bash
# Makes sure the servers the integration tests use are installed and running on this machine:
# RabbitMQ (with its management API, used to create a fresh vhost per test run) and PostgreSQL.
# Where AMQP_URI / TEST_POSTGRES_URL point elsewhere, nothing local is touched.
set -euo pipefail

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else "$@"; fi; }
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
wait_port() { for _ in $(seq 1 90); do port_open "$1" && return 0; sleep 1; done; echo "port $1 did not open" >&2; return 1; }
apt_install() {
  if ! command -v apt-get >/dev/null; then echo "Install $* with your package manager." >&2; exit 1; fi
  [ -n "${APT_UPDATED:-}" ] || { as_root apt-get update -qq; APT_UPDATED=1; }
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

if [ -z "${TEST_AMQP_URI:-}" ]; then
  if ! port_open 5672; then
    command -v rabbitmq-server >/dev/null || [ -x /usr/sbin/rabbitmq-server ] || apt_install rabbitmq-server
    as_root rabbitmq-server -detached || true
    wait_port 5672
  fi
  if ! port_open 15672; then
    as_root rabbitmq-plugins enable rabbitmq_management >/dev/null
    wait_port 15672
  fi
fi

if [ -z "${TEST_POSTGRES_URL:-}" ]; then
  if ! port_open 5432; then
    if ! ls /etc/postgresql/*/main >/dev/null 2>&1; then apt_install postgresql; fi
    version=$(ls /etc/postgresql | sort -n | tail -1)
    if command -v pg_ctlcluster >/dev/null; then
      as_root pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
    fi
    wait_port 5432
  fi
fi
