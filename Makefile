# The two commands a newcomer needs: `make run` (the app with the demo city, embedded SQLite,
# tasks in-process) and `make test` (the whole suite on real PostgreSQL and Redis).

PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000

# Test services: real PostgreSQL and Redis on loopback, overridable from the environment.
TEST_DATABASE_URL ?= $(or $(DATABASE_URL),postgres://postgres@127.0.0.1:5432/scorecard)
TEST_REDIS_URL ?= $(or $(REDIS_URL),redis://127.0.0.1:6379/0)
TEST_ENV := DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) \
	CELERY_BROKER_URL=$(or $(CELERY_BROKER_URL),$(TEST_REDIS_URL)) \
	SECRET_KEY=test-only-not-a-secret DEBUG=0 SECURE_SSL_REDIRECT=0 STATIC_MANIFEST=0

# The embedded default: no DATABASE_URL (SQLite in the project folder), no broker (eager tasks).
RUN_ENV := env -u DATABASE_URL -u REDIS_URL -u CELERY_BROKER_URL DEBUG=1

.PHONY: run serve test lint bench messages install install-test clean

$(VENV)/bin/activate:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(VENV)/.installed-run: pyproject.toml | $(VENV)/bin/activate
	$(PIP) install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(VENV)/bin/activate
	$(PIP) install --quiet -e ".[test]"
	touch $@ $(VENV)/.installed-run

install: $(VENV)/.installed-run
install-test: $(VENV)/.installed-test

# The catalogues are compiled in pure Python (polib): no GNU gettext needed.
messages: $(VENV)/.installed-run
	$(PY) -m scorecard.catalogue

run: $(VENV)/.installed-run messages
	$(RUN_ENV) $(PY) manage.py migrate --no-input -v 0
	$(RUN_ENV) $(PY) manage.py load_demo_city
	$(RUN_ENV) $(PY) manage.py recompute_rankings --all --publish-closed
	$(RUN_ENV) $(PY) manage.py runserver $(HOST):$(PORT)

# Production on one machine, from the environment (DEBUG off, SECRET_KEY, DATABASE_URL, REDIS_URL
# or CELERY_BROKER_URL, ALLOWED_HOSTS): collectstatic, migrate, then gunicorn + worker + beat until
# Ctrl-C. Listens on GUNICORN_BIND, or HOST:PORT.
serve: $(VENV)/.installed-run messages
	GUNICORN_BIND=$(or $(GUNICORN_BIND),$(HOST):$(PORT)) PYTHON=$(PY) deploy/serve.sh

test: $(VENV)/.installed-test messages
	$(TEST_ENV) $(PY) -m scorecard.service_check
	$(TEST_ENV) $(PY) manage.py makemigrations --check --dry-run -v 0
	$(TEST_ENV) $(PY) -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed-test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	DEBUG=1 $(VENV)/bin/mypy

$(VENV)/.installed-bench: pyproject.toml $(VENV)/.installed-test
	$(PIP) install --quiet -e ".[test,bench]"
	touch $@

bench: $(VENV)/.installed-bench messages
	$(PY) bench/run_all.py

clean:
	rm -rf $(VENV) staticfiles db.sqlite3 .pytest_cache
