#!/usr/bin/env bash
# `make test`'s pytest step. With no arguments, the browser journeys (Chromium against a live server,
# mostly waiting on the browser), with the workforce and supporters tests, run in a second pytest
# process beside the rest of the suite, so the suite uses both cores of a small machine. Each process
# has its own test database (the second one's name ends in _browser) and its own Redis database (3 for
# the second; every test flushes its Redis database), so they never see each other's rows or keys.
# With arguments, it is one plain pytest.
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

# The second process takes the browser journeys and, to even out the two halves (the rest alone took
# twice as long as the journeys), the workforce and supporters tests.
second=(tests/browser tests/workforce tests/supporters)
ignore=()
for path in "${second[@]}"; do ignore+=("--ignore=$path"); done

mkdir -p var
log=var/test-browser.log
env "${browser_env[@]}" "$PY" -m pytest "${second[@]}" -p no:cacheprovider >"$log" 2>&1 &
browser_pid=$!
"$PY" -m pytest "${ignore[@]}"
rest=$?
wait "$browser_pid"
browser=$?
echo
echo "== the browser journeys, workforce and supporters (run beside the rest; full output in $log)"
cat "$log"
if [ "$rest" -ne 0 ] || [ "$browser" -ne 0 ]; then
  exit 1
fi
