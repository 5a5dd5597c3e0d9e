#!/usr/bin/env bash
# Run a command against a throwaway PostgreSQL, started the way scripts/test.sh starts its
# own: a fresh cluster in a temp dir, on a free loopback port, password auth over TCP,
# durability off. Migrates it, exports DATABASE_URL, runs the command, then stops the
# server and removes the temp dir however the command ends.
# Usage: bench/run-with-postgres.sh .venv/bin/python bench/dashboard.py [--recruiters 500 ...]
# Needs PostgreSQL's server binaries (Debian: apt-get install postgresql).
set -euo pipefail
cd "$(dirname "$0")/.."
(($#)) || { sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }

tmp="" pgbin=""
as_pg() {  # PostgreSQL refuses to run as root
  if [[ $EUID -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}
cleanup() {
  local rc=$?
  set +e
  [[ -f $tmp/data/postmaster.pid ]] && as_pg "$pgbin/pg_ctl" -D "$tmp/data" -m fast -w stop >/dev/null
  [[ -n $tmp ]] && rm -rf "$tmp"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

pgbin=$(compgen -G '/usr/lib/postgresql/*/bin' | sort -V | tail -n1) \
  || { echo "No PostgreSQL server binaries: apt-get install postgresql" >&2; exit 1; }
pgport=$(python3 -c '
import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

tmp=$(mktemp -d /tmp/callback-bench.XXXXXX)
[[ $EUID -ne 0 ]] || chown postgres: "$tmp"
echo callback > "$tmp/pwfile"
as_pg "$pgbin/initdb" -D "$tmp/data" -U callback --pwfile="$tmp/pwfile" -E UTF8 --no-locale \
  --auth-local=trust --auth-host=scram-sha-256 >"$tmp/initdb.log" || { cat "$tmp/initdb.log"; exit 1; }
cat >>"$tmp/data/postgresql.conf" <<EOF
port = $pgport
listen_addresses = '127.0.0.1'
unix_socket_directories = '$tmp'
fsync = off
synchronous_commit = off
full_page_writes = off
EOF
as_pg "$pgbin/pg_ctl" -D "$tmp/data" -l "$tmp/postgresql.log" -w start >/dev/null \
  || { cat "$tmp/postgresql.log"; exit 1; }
as_pg "$pgbin/createdb" -h "$tmp" -p "$pgport" -U callback callback
export DATABASE_URL="postgres://callback:callback@127.0.0.1:$pgport/callback"
echo "PostgreSQL $("$pgbin/postgres" --version | awk '{print $3}') on 127.0.0.1:$pgport (throwaway)" >&2
.venv/bin/python manage.py migrate --noinput -v 0

"$@"
