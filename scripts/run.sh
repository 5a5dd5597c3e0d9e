#!/usr/bin/env bash
# Run Callback locally: demo data, a Celery worker with embedded beat, and the dev server.
# Needs nothing but Python 3.11: the defaults are SQLite, a broker on the local filesystem
# and e-mail printed to this console. Ctrl-C stops everything.
# Usage: scripts/run.sh   (PORT=8001 scripts/run.sh for another port)
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
export SITE_URL=${SITE_URL:-http://127.0.0.1:$port}  # links in e-mails point here
export EMAIL_URL=${EMAIL_URL:-filemail:///$PWD/var/mail}  # digests land in var/mail/
export SWEEP_INTERVAL_SECONDS=${SWEEP_INTERVAL_SECONDS:-60}  # the demo's digest within a minute
py=.venv/bin/python

$py manage.py migrate --noinput
$py manage.py load_demo  # prints the demo login

# The filesystem broker needs its folder; beat keeps its schedule file beside it.
broker_dir=${CELERY_BROKER_DIR:-var/broker}
mkdir -p "$broker_dir/processed" var var/mail
.venv/bin/celery -A tracker worker --beat -l info -s var/celerybeat-schedule &
worker=$!
# A non-interactive shell's background jobs ignore Ctrl-C, so stop the worker ourselves.
trap 'kill "$worker" 2>/dev/null; wait "$worker" 2>/dev/null' EXIT
trap 'exit 130' INT TERM

echo
echo "  Callback: open http://127.0.0.1:$port/   (Ctrl-C to stop)"
echo "  E-mail (digests, password resets) is written to var/mail/"
echo
$py manage.py runserver "127.0.0.1:$port"
