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

.PHONY: run test lint setup worker beat migrate seed clean bench

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[dev]"
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
	$(BIN)/python -m pytest $(PYTEST_ARGS)

worker: setup
	$(BIN)/celery -A peersnet worker --loglevel=INFO

beat: setup
	$(BIN)/celery -A peersnet beat --loglevel=INFO --schedule var/celerybeat-schedule

# Benchmarks (bench/README.md): a throwaway database, N supporters, a table of timings and query counts.
bench: setup
	$(BIN)/python manage.py bench $(BENCH_ARGS)

clean:
	rm -rf $(VENV) var static/vendor staticfiles
