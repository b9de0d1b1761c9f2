#!/usr/bin/env bash
# `make test`'s pytest step. With no arguments, the browser journeys (Chromium against a live server,
# mostly waiting on the browser) run in a second pytest process beside the rest of the suite, so the
# suite uses both cores of a small machine. Each process has its own test database (the browser one's
# name ends in _browser) and its own Redis database (3 for the browser half; every test flushes its
# Redis database), so they never see each other's rows or keys. With arguments, it is one plain pytest.
set -uo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
if [ $# -gt 0 ]; then
  exec "$PY" -m pytest "$@"
fi

browser_env=()
if [ -n "${DATABASE_URL:-}" ] && [[ "$DATABASE_URL" == postgres* ]]; then
  base="${DATABASE_URL%%\?*}"
  query="${DATABASE_URL#"$base"}"
  browser_env+=("DATABASE_URL=${base}_browser${query}")
fi
if [ -n "${REDIS_URL:-}" ]; then
  browser_env+=("REDIS_URL=${REDIS_URL%/*}/3")
fi

mkdir -p var
log=var/test-browser.log
env "${browser_env[@]}" "$PY" -m pytest tests/browser -p no:cacheprovider >"$log" 2>&1 &
browser_pid=$!
"$PY" -m pytest --ignore=tests/browser
rest=$?
wait "$browser_pid"
browser=$?
echo
echo "== the browser journeys (run beside the rest; full output in $log)"
cat "$log"
if [ "$rest" -ne 0 ] || [ "$browser" -ne 0 ]; then
  exit 1
fi
