#!/usr/bin/env bash
# `make prod-smoke`: start the production stack from deploy/Procfile (gunicorn, a Celery worker, beat) with
# honcho, DEBUG off, on PostgreSQL + Redis + localstripe + an SMTP sink (tools/smtp_sink.py); then
# tools/prod_smoke.py books and accepts a session over HTTP and waits for the confirmation email at the
# sink. Everything started here is stopped on the way out, pass or fail; on failure the stack's logs
# are printed. Needs `make setup` and running PostgreSQL and Redis (.ci/run starts them).
#
# The site itself (manage.py, gunicorn, Celery) runs from a virtual env of its own made from
# requirements.txt alone, as in README "Deploying", so a runtime package missing from the production
# lock fails here. The tools around it (honcho, localstripe, the SMTP sink, the HTTP client) come from
# the development env.
#
# SMOKE_DATABASE_URL  a database this script may drop and create (default .../peersnet_smoke)
# SMOKE_REDIS_URL     a Redis database this script may flush (default redis://127.0.0.1:6379/2)
set -euo pipefail
cd "$(dirname "$0")/.."

BIN="$PWD/.venv/bin"           # development tools
RUNTIME="$PWD/var/prod-venv"   # the site: requirements.txt only
SMOKE_DATABASE_URL="${SMOKE_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/peersnet_smoke}"
SMOKE_REDIS_URL="${SMOKE_REDIS_URL:-redis://127.0.0.1:6379/2}"
RUN=var/prod-smoke
SITE_HOST=peersnet.test

log() { printf 'prod-smoke: %s\n' "$*"; }
wait_port() {  # wait_port NAME PORT: until something listens there (10 s at most)
  for _ in $(seq 1 100); do
    python -c "import socket, sys; socket.create_connection(('127.0.0.1', int(sys.argv[1])), 1).close()" "$2" \
      2>/dev/null && return 0
    sleep 0.1
  done
  log "$1 did not start on port $2"
  return 1
}
free_port() { python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

if [ ! -f "$RUNTIME/.installed" ] || [ requirements.txt -nt "$RUNTIME/.installed" ]; then
  log "virtual env from requirements.txt alone ($RUNTIME)"
  rm -rf "$RUNTIME"
  "${PYTHON:-python3.11}" -m venv "$RUNTIME"
  "$RUNTIME/bin/pip" install --quiet --require-hashes -r requirements.txt
  touch "$RUNTIME/.installed"
fi
export PATH="$RUNTIME/bin:$PATH"  # so `python`, and the Procfile's gunicorn and celery, are the site's

rm -rf "$RUN"
mkdir -p "$RUN/mail"
WEB_PORT=$(free_port)
STRIPE_PORT=$(free_port)
SMTP_PORT=$(free_port)

# Each background process leads its own process group (setsid), so stopping it stops its children too.
PGIDS=()
start() {  # start NAME COMMAND...: run in the background, output to $RUN/NAME.log
  local name=$1
  shift
  setsid "$@" >"$RUN/$name.log" 2>&1 &
  PGIDS+=("$!")
}
stop_all() {
  local pgid
  for pgid in "${PGIDS[@]}"; do kill -TERM -- "-$pgid" 2>/dev/null || true; done
  for _ in $(seq 1 100); do  # up to 10 s for honcho's graceful stop (it KILLs stragglers after 5 s)
    local alive=0
    for pgid in "${PGIDS[@]}"; do kill -0 -- "-$pgid" 2>/dev/null && alive=1; done
    [ "$alive" = 0 ] && return 0
    sleep 0.1
  done
  for pgid in "${PGIDS[@]}"; do kill -KILL -- "-$pgid" 2>/dev/null || true; done
}
finish() {
  local rc=$?
  stop_all
  if [ "$rc" != 0 ]; then
    for file in "$RUN"/*.log; do
      printf '\n----- %s -----\n' "$file"
      tail -n 200 "$file"
    done
    log "FAILED (exit $rc); logs and mail are under $RUN/"
  fi
  exit "$rc"
}
trap finish EXIT
trap 'exit 130' INT TERM

# --- The production environment (README "Configuration"), as an operator would set it ---------------------
export DEBUG=false
SECRET_KEY="smoke-$(head -c 48 /dev/urandom | base64 | tr -d '/+=\n')"
export SECRET_KEY
FIELD_ENCRYPTION_KEYS="$(python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())')"
export FIELD_ENCRYPTION_KEYS
export ALLOWED_HOSTS="$SITE_HOST"
export SITE_URL="https://$SITE_HOST"
export DATABASE_URL="$SMOKE_DATABASE_URL"
export REDIS_URL="$SMOKE_REDIS_URL"
export EMAIL_URL="smtp://127.0.0.1:$SMTP_PORT"
export DEFAULT_FROM_EMAIL="peersnet <hello@$SITE_HOST>"
export STRIPE_SECRET_KEY=sk_test_prod_smoke
export STRIPE_PUBLISHABLE_KEY=pk_test_prod_smoke
export STRIPE_WEBHOOK_SECRET=whsec_prod_smoke
export STRIPE_API_BASE="http://127.0.0.1:$STRIPE_PORT"
export STRIPE_JS_URL="http://127.0.0.1:$STRIPE_PORT/js.stripe.com/v3/"
export TRUSTED_PROXY_COUNT=1
export MEDIA_ROOT="$PWD/$RUN/media"
# Small process counts: this runs next to the test suite on small CI machines.
export WEB_CONCURRENCY=2
export CELERY_WORKER_CONCURRENCY=2

log "database ${DATABASE_URL##*/} (dropped and created), Redis ${REDIS_URL} (flushed)"
python - <<'PY'
import os
from urllib.parse import urlsplit

import psycopg
import redis

url = urlsplit(os.environ["DATABASE_URL"])
name = url.path.lstrip("/")
admin = url._replace(path="/postgres").geturl()
with psycopg.connect(admin, autocommit=True) as conn:
    conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    conn.execute(f'CREATE DATABASE "{name}"')
redis.Redis.from_url(os.environ["REDIS_URL"]).flushdb()
PY

start localstripe "$BIN/python" tools/run_localstripe.py --port "$STRIPE_PORT"
start smtp-sink "$BIN/python" tools/smtp_sink.py --port "$SMTP_PORT" --dir "$RUN/mail"

wait_port localstripe "$STRIPE_PORT"
wait_port smtp-sink "$SMTP_PORT"

log "migrate, collectstatic"
python manage.py migrate --noinput >"$RUN/migrate.log" 2>&1
python manage.py collectstatic --noinput >"$RUN/collectstatic.log" 2>&1
# Supporters are made by staff, not by signing up: one, straight into the database (see the script).
python tools/prod_smoke_supporter.py >"$RUN/supporter.json"

log "honcho -f deploy/Procfile start (gunicorn on 127.0.0.1:$WEB_PORT, workers, beat)"
start stack "$BIN/honcho" --no-colour -e /dev/null -f deploy/Procfile -d . start -p "$WEB_PORT"

"$BIN/python" tools/prod_smoke.py \
  --web "http://127.0.0.1:$WEB_PORT" --site "$SITE_URL" \
  --stripe "$STRIPE_API_BASE" --stripe-secret-key "$STRIPE_SECRET_KEY" \
  --mail-dir "$RUN/mail" --supporter "$RUN/supporter.json"

grep -q "beat: Starting" "$RUN/stack.log" || { log "beat did not start"; exit 1; }
grep -q "beat lock acquired" "$RUN/stack.log" || { log "beat did not take the beat lock"; exit 1; }
for queue in default email payments; do  # one worker per queue group (README "Operations")
  grep -q "$queue@.* ready" "$RUN/stack.log" || { log "no worker for the $queue queue started"; exit 1; }
done
log "passed"
