#!/usr/bin/env bash
# Run Callback locally: demo data, a Celery worker with embedded beat, and the dev server.
# Needs nothing but Python 3.11: the defaults are SQLite, a broker on the local filesystem
# and e-mail printed to this console. Ctrl-C stops everything.
# Usage: scripts/run.sh   (PORT=8001 scripts/run.sh for another port; VAR_DIR, DATABASE_URL
# and EMAIL_URL move the files it writes, as tests/test_run_script.py does)
set -euo pipefail
cd "$(dirname "$0")/.."
port=${PORT:-8000}

# Python dependencies: the same rule as `make venv`, so this script runs without make.
if [[ ! -f .venv/.installed || pyproject.toml -nt .venv/.installed ||
      requirements.lock -nt .venv/.installed ]]; then
  if [[ ! -x .venv/bin/pip ]]; then
    # Debian's python3 ships venv without pip (ensurepip) unless python3-venv is installed.
    if ! python3 -c 'import ensurepip' 2>/dev/null; then
      if [[ $EUID -ne 0 ]]; then echo "First: sudo apt-get install python3-venv" >&2; exit 1; fi
      apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q python3-venv
    fi
    rm -rf .venv && python3 -m venv .venv
  fi
  .venv/bin/pip install -q --disable-pip-version-check -c requirements.lock -e '.[dev]'
  touch .venv/.installed
fi

export DEBUG=true
var_dir=${VAR_DIR:-$PWD/var}
export SITE_URL=${SITE_URL:-http://127.0.0.1:$port}  # links in e-mails point here
export EMAIL_URL=${EMAIL_URL:-filemail:///$var_dir/mail}  # digests land in var/mail/
export SWEEP_INTERVAL_SECONDS=${SWEEP_INTERVAL_SECONDS:-60}  # the demo's digest within a minute
# The filesystem broker needs its folder; beat keeps its schedule file beside it.
export CELERY_BROKER_DIR=${CELERY_BROKER_DIR:-$var_dir/broker}
mkdir -p "$CELERY_BROKER_DIR/processed" "$var_dir/mail"
py=.venv/bin/python

$py manage.py migrate --noinput
$py manage.py load_demo  # prints the demo login

# Both servers run in the background so that a signal reaches the traps at once: bash runs
# a trap only after its foreground command ends, so a runserver in the foreground made
# SIGTERM wait for ever. One process, no gossip, mingle or event heartbeats: the laptop has
# one worker, and nothing listens to those.
.venv/bin/celery -A tracker worker --beat --pool solo --without-gossip --without-mingle \
  --without-heartbeat -l info -s "$var_dir/celerybeat-schedule" &
worker=$!
$py manage.py runserver "127.0.0.1:$port" &
server=$!

# SIGTERM to both: runserver's reloader takes its child down with it, the worker finishes the
# task it is running (acks_late: one cut off would run again, so 10 s is its limit).
stop() {
  kill -TERM "$server" "$worker" 2>/dev/null
  for _ in {1..50}; do
    kill -0 "$server" "$worker" 2>/dev/null || return 0
    sleep 0.2
  done
  kill -KILL "$server" "$worker" 2>/dev/null
}
trap stop EXIT
trap 'exit 130' INT TERM

echo
echo "  Callback: open http://127.0.0.1:$port/   (Ctrl-C to stop)"
echo "  E-mail (digests, password resets) is written to $var_dir/mail/"
echo
# Whichever stops first (Ctrl-C, or a crash), the other is stopped too.
wait -n "$server" "$worker"
