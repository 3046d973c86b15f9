#!/usr/bin/env bash
# Installs the server binaries the integration tests start themselves (test/setup/servers.ts):
# PostgreSQL (initdb, postgres, pg_isready) and redis-server. The system services are never used:
# tests run their own instances on loopback in temporary folders.
set -euo pipefail

have_pg() {
  for d in /usr/lib/postgresql/*/bin; do
    [ -x "$d/initdb" ] && [ -x "$d/postgres" ] && return 0
  done
  return 1
}

if have_pg && command -v redis-server >/dev/null 2>&1; then
  echo "install-servers: PostgreSQL and redis-server already installed"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "install-servers: not root; install postgresql and redis-server yourself (tests skip without them locally)" >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
# Keep the packages' own services from starting (there is no init system on CI anyway).
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
  chmod +x /usr/sbin/policy-rc.d
  trap 'rm -f /usr/sbin/policy-rc.d' EXIT
fi
# One retry: a mirror hiccup should not fail the whole CI run.
apt-get update || { sleep 5; apt-get update; }
apt-get install -y --no-install-recommends postgresql redis-server || {
  sleep 5
  apt-get install -y --no-install-recommends postgresql redis-server
}

have_pg || { echo "install-servers: initdb/postgres not found under /usr/lib/postgresql/*/bin" >&2; exit 1; }
command -v redis-server >/dev/null || { echo "install-servers: redis-server missing after install" >&2; exit 1; }
echo "install-servers: $(ls -d /usr/lib/postgresql/*/bin | tail -1), $(redis-server --version | head -1)"
