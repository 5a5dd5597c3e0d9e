#!/usr/bin/env bash
# Lint and the whole test suite on a bare Debian 12 machine, as CI runs it (root, CI=true):
# installs what is missing, starts a throwaway PostgreSQL and Redis on free loopback ports,
# runs ruff and pytest, then stops what it started and removes its temp dir.
# Usage: scripts/test.sh [pytest args...]   e.g. scripts/test.sh -k isolation
set -euo pipefail
cd "$(dirname "$0")/.."

# --- bookkeeping: phase timings, and a cleanup that runs however we exit ---------------
t0=$EPOCHREALTIME lap=$EPOCHREALTIME timings=()
phase_done() {  # record the time since the previous phase under the name $1
  local now=$EPOCHREALTIME
  timings+=("$(awk -v n="$1" -v a="$lap" -v b="$now" 'BEGIN { printf "  %-16s %7.1fs", n, b - a }')")
  lap=$now
}

source scripts/throwaway-postgres.sh
tmp="" redis_pid="" policy_rc=""
cleanup() {
  local rc=$?
  set +e
  [[ -n $policy_rc ]] && rm -f "$policy_rc"
  [[ -n $redis_pid ]] && kill "$redis_pid" 2>/dev/null && wait "$redis_pid" 2>/dev/null
  [[ -n $tmp ]] && stop_postgres "$tmp"
  [[ -n $tmp ]] && rm -rf "$tmp"
  if ((${#timings[@]})); then
    echo "Timings:"
    printf '%s\n' "${timings[@]}"
    awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "  %-16s %7.1fs\n", "total", b - a }'
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- system packages, only those missing -------------------------------------------------
need=()
compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || need+=(postgresql)
command -v redis-server >/dev/null || need+=(redis-server)
[[ -x /usr/bin/chromium ]] || need+=(chromium fonts-liberation)
# Debian's python3 ships venv without pip (ensurepip) unless python3-venv is installed.
[[ -x .venv/bin/pip ]] || python3 -c 'import ensurepip' 2>/dev/null || need+=(python3-venv)
if ((${#need[@]})); then
  sudo=""
  [[ $EUID -eq 0 ]] || sudo=sudo
  # Keep the packages' install scripts from starting the system-wide PostgreSQL and Redis
  # (we run our own below, and nothing would stop those).
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    policy_rc=/usr/sbin/policy-rc.d
    printf '#!/bin/sh\nexit 101\n' | $sudo tee "$policy_rc" >/dev/null && $sudo chmod +x "$policy_rc"
  fi
  echo "Installing ${need[*]}..."
  $sudo apt-get update -q
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${need[@]}"
  [[ -z $policy_rc ]] || $sudo rm -f "$policy_rc"
  policy_rc=""
fi
phase_done "system packages"

# --- Python dependencies: the same rule as `make venv`, so this runs without make ---------
if [[ ! -f .venv/.installed || pyproject.toml -nt .venv/.installed ||
      requirements.lock -nt .venv/.installed ]]; then
  [[ -x .venv/bin/pip ]] || { rm -rf .venv && python3 -m venv .venv; }
  .venv/bin/pip install -q --disable-pip-version-check -c requirements.lock -e '.[dev]'
  touch .venv/.installed
fi
phase_done "python deps"

# --- throwaway PostgreSQL and Redis on free loopback ports -------------------------------
read -r pgport redisport < <(python3 -c '
import socket
socks = [socket.socket() for _ in range(2)]  # both held open, so the two ports differ
for s in socks: s.bind(("127.0.0.1", 0))
print(*(s.getsockname()[1] for s in socks))')

tmp=$(mktemp -d /tmp/callback-test.XXXXXX)
start_postgres "$tmp" "$pgport"
phase_done "postgresql"

redis-server --port "$redisport" --bind 127.0.0.1 --save '' --appendonly no \
  --dir "$tmp" --logfile "$tmp/redis.log" &
redis_pid=$!
for _ in {1..50}; do  # wait until it accepts connections (up to 5 s)
  (exec 3<>"/dev/tcp/127.0.0.1/$redisport") 2>/dev/null && break
  kill -0 "$redis_pid" 2>/dev/null || { cat "$tmp/redis.log"; exit 1; }
  sleep 0.1
done
export REDIS_URL="redis://127.0.0.1:$redisport/0"
export CELERY_BROKER_URL=$REDIS_URL
phase_done "redis"

export CHROMIUM_PATH=/usr/bin/chromium
[[ ${CI:-} != true ]] || export HYPOTHESIS_PROFILE=ci

# --- lint, then tests; both always run so one CI run reports everything -----------------
lint_rc=0
.venv/bin/ruff check . || lint_rc=1
.venv/bin/ruff format --check . || lint_rc=1
phase_done "lint"

rc=0
.venv/bin/pytest "$@" || rc=$?
phase_done "tests"
if ((rc == 5)); then
  echo "pytest collected no tests: counted as a failure." >&2
  rc=1
fi
((rc != 0)) || rc=$lint_rc
((lint_rc == 0)) || echo "ruff found problems (see above)." >&2
exit "$rc"
