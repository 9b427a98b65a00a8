#!/usr/bin/env bash
# What the tests need from the system, installed from Debian's packages when missing:
#   postgresql  - the service's tests run on a real PostgreSQL server as well as on SQLite
#   chromium    - the dashboard is tested in a real headless browser
# Runs as root, or through sudo; prints what to install otherwise. Idempotent and quick when
# everything is there.
set -euo pipefail

missing=()
compgen -G "/usr/lib/postgresql/*/bin/initdb" > /dev/null || missing+=(postgresql)
command -v chromium > /dev/null || missing+=(chromium)
[ ${#missing[@]} -eq 0 ] && exit 0

echo "installing ${missing[*]} from Debian's packages (needed by make test)..."
if [ "$(id -u)" -eq 0 ]; then
  apt=(apt-get)
elif command -v sudo > /dev/null; then
  apt=(sudo apt-get)
else
  echo "make test needs: ${missing[*]} (Debian: apt-get install ${missing[*]})" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
"${apt[@]}" update -q > /dev/null
"${apt[@]}" install -y -q --no-install-recommends "${missing[@]}" > /dev/null
# Debian's postgresql starts a cluster of its own; the tests start their own throwaway servers
if command -v pg_ctlcluster > /dev/null; then
  for cluster in /etc/postgresql/*/main; do
    [ -d "$cluster" ] && { pg_ctlcluster "$(basename "$(dirname "$cluster")")" main stop 2> /dev/null || true; }
  done
fi
echo "installed ${missing[*]}"
