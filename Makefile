# peersnet. `make run` starts the site with demo data on the embedded defaults; `make test` runs every check.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
HTMX_VERSION := 2.0.11
HTMX := static/vendor/htmx.min.js
HOST ?= 127.0.0.1
PORT ?= 8000
STRIPE_PORT ?= 8420

# The embedded defaults are development settings; production sets DEBUG=false and real services.
export DEBUG ?= true
# Links in emails and the printed demo logins point at the server `make run` starts.
export SITE_URL ?= http://$(HOST):$(PORT)

.PHONY: run test lint setup worker beat migrate seed clean bench lock prod-smoke

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Installs exactly the lock file's versions, each checked against its hash (README "Reproducible installs").
# The app runs from this checkout: the project itself is not installed as a package.
$(VENV)/.installed: requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet --require-hashes -r requirements-dev.txt
	touch $@

# htmx is served from our own static files: fetched once from the npm registry at setup, never from a CDN.
$(HTMX):
	mkdir -p static/vendor var/npm
	cd var/npm && npm pack --silent htmx.org@$(HTMX_VERSION) >/dev/null
	tar -xzf var/npm/htmx.org-$(HTMX_VERSION).tgz -C var/npm package/dist/htmx.min.js
	cp var/npm/package/dist/htmx.min.js $@

setup: $(VENV)/.installed $(HTMX)
	mkdir -p var/mail var/media

migrate: setup
	$(BIN)/python manage.py migrate --noinput

seed: migrate
	$(BIN)/python manage.py seed_demo

# The embedded Stripe is localstripe in its own process (tools/run_localstripe.py), stopped with the site.
run: seed
	@$(BIN)/python tools/run_localstripe.py --port $(STRIPE_PORT) & LS=$$!; \
	trap "kill $$LS 2>/dev/null" EXIT INT TERM; \
	for i in $$(seq 1 50); do curl -sf -o /dev/null http://127.0.0.1:$(STRIPE_PORT)/js.stripe.com/v3/ && break; sleep 0.1; done; \
	curl -sf -o /dev/null -u sk_test_localstripe: -X POST http://127.0.0.1:$(STRIPE_PORT)/_config/webhooks/peersnet \
	  -d url=http://$(HOST):$(PORT)/payments/stripe/webhook/ -d secret=whsec_localstripe; \
	echo "localstripe (fake Stripe) on http://127.0.0.1:$(STRIPE_PORT)"; \
	STRIPE_API_BASE=http://127.0.0.1:$(STRIPE_PORT) STRIPE_JS_URL=http://127.0.0.1:$(STRIPE_PORT)/js.stripe.com/v3/ \
	  $(BIN)/python manage.py runserver $(HOST):$(PORT)

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: setup lint
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/lint-imports
	tools/run_tests.sh $(PYTEST_ARGS)

# Development: one worker consumes every queue (production runs one per queue group: deploy/Procfile).
worker: setup
	$(BIN)/celery -A peersnet worker --loglevel=INFO -Q default,email,payments

beat: setup
	$(BIN)/celery -A peersnet beat --loglevel=INFO --schedule var/celerybeat-schedule

# The lock files, from pyproject.toml's ranges: requirements.txt (production) and requirements-dev.txt
# (production + dev, with the same versions). Keeps every pin that still fits and adds what is new;
# `make lock LOCK_ARGS=--upgrade` moves everything to the newest versions the ranges allow. Resolved
# against PyPI only, whatever this machine's pip configuration adds (local indexes, constraints).
PIP_COMPILE := env -u PIP_FIND_LINKS -u PIP_EXTRA_INDEX_URL -u PIP_INDEX_URL -u PIP_CONSTRAINT \
	PIP_CONFIG_FILE=/dev/null CUSTOM_COMPILE_COMMAND="make lock" $(BIN)/pip-compile --quiet \
	--generate-hashes --allow-unsafe --strip-extras --no-emit-index-url --no-emit-find-links $(LOCK_ARGS)

lock: | $(BIN)/python
	$(BIN)/pip install --quiet "pip-tools>=7.6,<8"
	$(PIP_COMPILE) --output-file requirements.txt pyproject.toml
	$(PIP_COMPILE) --extra dev --constraint requirements.txt --output-file requirements-dev.txt pyproject.toml

# The production stack from deploy/Procfile (DEBUG off) books and accepts a session over HTTP; the
# confirmation must reach an SMTP sink through the worker. Needs PostgreSQL and Redis (tools/prod_smoke.sh).
prod-smoke: setup
	tools/prod_smoke.sh

# Benchmarks (bench/README.md): a throwaway database, N supporters, a table of timings and query counts.
bench: setup
	$(BIN)/python manage.py bench $(BENCH_ARGS)

clean:
	rm -rf $(VENV) var static/vendor staticfiles
