#!/usr/bin/env bash
# Run a command against a throwaway PostgreSQL, started the way scripts/test.sh starts its
# own (scripts/throwaway-postgres.sh). Migrates it, exports DATABASE_URL, runs the command,
# then stops the server and removes the temp dir however the command ends.
# Usage: bench/run-with-postgres.sh .venv/bin/python bench/dashboard.py [--size M ...]
# Needs PostgreSQL's server binaries (Debian: apt-get install postgresql).
set -euo pipefail
cd "$(dirname "$0")/.."
(($#)) || { sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
source scripts/throwaway-postgres.sh

tmp=""
load() {  # the machine's load, to read the figures against (others may be running tests)
  echo "$(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) ($1)" >&2
}
cleanup() {
  local rc=$?
  set +e
  load "at the end"
  [[ -n $tmp ]] && stop_postgres "$tmp" && rm -rf "$tmp"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

port=$(python3 -c '
import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
tmp=$(mktemp -d /tmp/callback-bench.XXXXXX)
start_postgres "$tmp" "$port"
echo "PostgreSQL $("$(postgres_bin)/postgres" --version | awk '{print $3}') on 127.0.0.1:$port (throwaway)" >&2
.venv/bin/python manage.py migrate --noinput -v 0
load "at the start"

"$@"
