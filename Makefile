# Two commands for a fresh machine: `make run` serves the product, `make test` runs every test.
SHELL := /bin/bash
.DEFAULT_GOAL := help
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
# Test processes per run of the suite (pytest-xdist); 1 runs them in this process, in order.
TEST_WORKERS ?= 2
# `--dist load` hands out tests in collection order, so no process runs a test in a transaction
# after a transactional one emptied the database (conftest.py); work stealing could.
XDIST := $(if $(filter 1,$(TEST_WORKERS)),-p no:xdist,-n $(TEST_WORKERS) --dist load)
# PostgreSQL run of the suite; CI requires it, a laptop without PostgreSQL skips that second run.
PG_TEST_URL ?= postgres://postgres@127.0.0.1:5432/lms

# The first interpreter that is Python 3.12 or newer: python3.13, python3.12, pyenv's, python3.
PYTHON := $(shell for p in python3.13 python3.12 "$$(pyenv prefix 3.13 2>/dev/null)/bin/python3" \
	"$$(pyenv prefix 3.12 2>/dev/null)/bin/python3" $$(ls -d $$HOME/.pyenv/versions/3.1[2-9]*/bin/python3 2>/dev/null) python3; do \
	"$$p" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { echo "$$p"; break; }; done)

.PHONY: help run test lint format bench cluster clean

help:
	@echo "make run   - install, migrate, load the demo once, serve on http://$(HOST):$(PORT) with the task worker"
	@echo "make test  - install the test tools (Chromium, Redis, axe-core) and run every test"
	@echo "make bench - the benchmarks of docs/performance.md (minutes; tables + bench/results/*.json)"
	@echo "make cluster - two daphne processes behind nginx, Redis, DATABASE_URL (default PostgreSQL)"

$(VENV)/.runtime: requirements.txt
	@test -n "$(PYTHON)" || { echo "Python 3.12 or newer is required." >&2; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

# System packages the tests need, installed when missing and possible (root or sudo, apt-get).
.PHONY: system-deps
system-deps:
	@missing=""; \
	command -v redis-server >/dev/null || missing="$$missing redis-server"; \
	test -x "$${CHROMIUM_PATH:-/usr/bin/chromium}" || missing="$$missing chromium"; \
	command -v npm >/dev/null || missing="$$missing npm"; \
	command -v nginx >/dev/null || test -x /usr/sbin/nginx || missing="$$missing nginx"; \
	if [ -n "$$missing" ]; then \
		echo "Installing:$$missing"; \
		if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
		$$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

node_modules/axe-core/axe.min.js: package.json
	npm install --no-audit --no-fund --silent
	touch $@

run: $(VENV)/.runtime
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo --once
	@echo "Serving on http://$(HOST):$(PORT)  (admin: http://$(HOST):$(PORT)/admin/), with the task worker"
	@# daphne and the task worker (lms_worker: django-tasks-db's db_worker with the delivery
	@# scheduler) run side by side under honcho (Procfile): Ctrl-C, or either one stopping, stops both.
	PY=$(PY) HOST=$(HOST) PORT=$(PORT) $(VENV)/bin/honcho start

test: $(VENV)/.dev system-deps node_modules/axe-core/axe.min.js
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run
	@# Each run spreads its tests over TEST_WORKERS processes (pytest-xdist), each with its own
	@# database, Redis, daphne and Chromium: one test process alone left half of two cores idle
	@# while its servers and browser answered. The two databases' runs go one after the other,
	@# and the PostgreSQL run goes even when the SQLite run failed.
	@# The browser tests (marker `browser`) run in the SQLite run only: what they add to the other
	@# tests is the page's script, the same on either database, and they are a third of the time.
	@if pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null || [ -n "$$CI" ]; then pg=1; else pg=""; fi; \
	echo "== SQLite =="; $(VENV)/bin/pytest -q $(XDIST); sqlite_rc=$$?; pg_rc=0; \
	if [ -n "$$pg" ]; then echo "== PostgreSQL (all but the browser tests) =="; \
		DATABASE_URL=$(PG_TEST_URL) $(VENV)/bin/pytest -q $(XDIST) -m "not browser"; pg_rc=$$?; \
	else echo "PostgreSQL is not running on 127.0.0.1:5432: the PostgreSQL run was not done."; fi; \
	test $$sqlite_rc = 0 -a $$pg_rc = 0

# Benchmarks: never part of `make test`. Run on an otherwise idle machine (docs/performance.md).
BENCH_DATABASES ?= sqlite,postgres
bench: $(VENV)/.dev
	@command -v redis-server >/dev/null || { echo "redis-server is required: apt-get install -y redis-server" >&2; exit 1; }
	$(PY) -m bench.fanout
	$(PY) -m bench.connect
	@command -v nginx >/dev/null || test -x /usr/sbin/nginx || { echo "nginx is required for bench.storm: apt-get install -y nginx" >&2; exit 1; }
	$(PY) -m bench.storm
	$(PY) -m bench.stampede
	$(PY) -m bench.heartbeats
	@if pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then $(PY) -m bench.heartbeats --database postgres --name heartbeats-postgres; fi
	$(PY) -m bench.heartbeats --history 200000 --name heartbeats-history
	$(PY) -m bench.capacity
	$(PY) -m bench.pages --database sqlite
	@if pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then $(PY) -m bench.pages --database postgres; fi
	$(PY) -m bench.writes --databases $(BENCH_DATABASES)
	@if pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then $(PY) -m bench.soak --database postgres; fi
	$(PY) -m bench.replay
	$(PY) -m bench.delivery --database sqlite
	@if pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then $(PY) -m bench.delivery --database postgres; fi

# Scale-out, locally: nginx on CLUSTER_PORT -> two daphne processes, Redis, DATABASE_URL.
CLUSTER_PORT ?= 8080
cluster: $(VENV)/.runtime
	@command -v nginx >/dev/null || test -x /usr/sbin/nginx || { \
		if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
		$$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq nginx >/dev/null; }
	@command -v redis-server >/dev/null || [ -n "$$REDIS_URL$$REDIS_SENTINELS" ] || { echo "redis-server (or REDIS_URL, or REDIS_SENTINELS) is required" >&2; exit 1; }
	DATABASE_URL=$${DATABASE_URL:-$(PG_TEST_URL)} $(PY) -m deploy.cluster --port $(CLUSTER_PORT)

lint format: $(VENV)/.dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

clean:
	rm -rf $(VENV) node_modules staticfiles .run .test-db*
