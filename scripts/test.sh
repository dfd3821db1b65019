#!/usr/bin/env bash
# Quick start (b): install what is missing and run every test (TypeScript and Python) against
# real Redis, PostgreSQL and Python with PyTorch. CI runs exactly this (.ci/run).
source "$(dirname "$0")/setup.sh"
$PYTHON_BIN -c 'import pytest' >/dev/null 2>&1 || apt_install python3-pytest
command -v flake8 >/dev/null || apt_install flake8
# test/ops/prometheus.test.ts scrapes the service with a real Prometheus (it skips, saying so, without one).
command -v prometheus >/dev/null || apt_install prometheus || echo 'setup: prometheus could not be installed; its test will skip' >&2
# The dashboard's browser tests drive Debian's Chromium (playwright-core downloads no browser).
[ -x "${CHROMIUM_BIN:-/usr/bin/chromium}" ] || apt_install chromium

# Redis on 6379 and PostgreSQL on 5432, started (or installed) when they are not running.
if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  command -v redis-cli >/dev/null || apt_install redis-tools
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save '' --appendonly no --dir /tmp >/dev/null
  for _ in $(seq 50); do redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 && break; sleep 0.1; done
fi
if [ -z "${TEST_DATABASE_URL:-}" ]; then
  if ! pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; then
    command -v pg_ctlcluster >/dev/null || apt_install postgresql
    ver=$(ls /etc/postgresql | sort -n | tail -1)
    $SUDO pg_ctlcluster --skip-systemctl-redirect "$ver" main start 2>/dev/null || $SUDO pg_ctlcluster "$ver" main start
    for _ in $(seq 100); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 0.2; done
  fi
  TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test
  if ! psql "$TEST_DATABASE_URL" -c 'select 1' >/dev/null 2>&1; then
    # A fresh Debian cluster: no trust for TCP. Give the postgres role a password and a test database.
    $SUDO -u postgres psql -q -c "alter user postgres password 'postgres'" >/dev/null 2>&1 || su postgres -c "psql -q -c \"alter user postgres password 'postgres'\"" >/dev/null
    TEST_DATABASE_URL=postgres://postgres:postgres@127.0.0.1:5432/test
    psql "${TEST_DATABASE_URL%/test}/postgres" -qtc "select 1 from pg_database where datname = 'test'" | grep -q 1 ||
      psql "${TEST_DATABASE_URL%/test}/postgres" -qc 'create database test'
  fi
fi
export TEST_DATABASE_URL
export TEST_REDIS_URL=${TEST_REDIS_URL:-redis://127.0.0.1:6379}

echo "[${SECONDS} s] == typecheck"
npx tsc -p . && npx tsc -p web
echo "[${SECONDS} s] == lint (ESLint, layering and import cycles, flake8)"
npm run --silent lint
log=$(mktemp -d)
# Two steps mostly wait rather than compute, so they run beside the Python tests (which keep
# both cores busy only part of the time) and their output follows: the Slurm worker against a
# real single-node Slurm (scripts/slurm-local.sh starts it, installing slurm-wlm and munge when
# missing; its time-limit case sits out Slurm's one-minute minimum), and the dashboard in
# Debian's Chromium (once, on Node 20: what it tests is the page, not Node).
beside() { # name, command...: started now, collected by `collect name`
  local name=$1; shift
  "$@" > "$log/$name" 2>&1 &
  eval "pid_$name=\$!"
}
collect() { # name, title
  local pid rc=0
  eval "pid=\$pid_$1"
  wait "$pid" || rc=$?
  echo "[${SECONDS} s] == $2 (ran beside the Python tests)"
  cat "$log/$1"
  [ "$rc" = 0 ] || { echo "$2 failed (exit $rc)" >&2; exit "$rc"; }
}
# tap builds its Test class for the configured plugins (.taprc) on its first run in a checkout:
# build it now, once, or the runs started side by side below would each rebuild it at once.
npx tap build >/dev/null
beside slurm npx tap test/slurm/slurm.test.ts
beside browser npx tap test/browser/*.browser.ts
echo "[${SECONDS} s] == python tests ($PYTHON_BIN), with the Slurm and browser tests beside them"
(cd python && "$PYTHON_BIN" -m pytest -q -p no:cacheprovider tests) | tee "$log/py"
collect slurm "Slurm worker tests on Node $(node --version)"
collect browser "browser tests (Chromium $("${CHROMIUM_BIN:-/usr/bin/chromium}" --version 2>/dev/null | grep -oE '[0-9.]+' | head -1))"
echo "[${SECONDS} s] == typescript tests on Node $(node --version)"
npx tap "$@" | tee "$log/ts"
# Node 20 reached end of life in April 2026: the same tests run on Node 24, the current LTS,
# whose official binary the npm registry ships as a package (scripts/node24.sh).
node24=$(bash scripts/node24.sh)
echo "[${SECONDS} s] == typescript tests on Node $("$node24" --version)"
"$node24" node_modules/.bin/tap "$@" | tee "$log/ts24"
# One closing line for all runners.
py_pass=$(grep -oE '[0-9]+ passed' "$log/py" | tail -1 | grep -oE '[0-9]+' || echo 0)
ts_pass=$(grep -oE 'pass: [0-9]+' "$log/ts" | tail -1 | grep -oE '[0-9]+' || echo 0)
ts24_pass=$(grep -oE 'pass: [0-9]+' "$log/ts24" | tail -1 | grep -oE '[0-9]+' || echo 0)
slurm_pass=$(grep -oE 'pass: [0-9]+' "$log/slurm" | tail -1 | grep -oE '[0-9]+' || echo 0)
browser_pass=$(grep -oE 'pass: [0-9]+' "$log/browser" | tail -1 | grep -oE '[0-9]+' || echo 0)
echo "[${SECONDS} s] all: $((py_pass + ts_pass + ts24_pass + slurm_pass + browser_pass)) passed, 0 failed (python $py_pass, node 20 $ts_pass, node 24 $ts24_pass, slurm $slurm_pass, browser $browser_pass)"
