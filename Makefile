# Guanqi — the two commands that matter are `make run` and `make test` (see README.md).
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# Local instances unless the operator configured real ones (scripts/services.sh).
SERVICES_ENV = $(shell scripts/services.sh env | sed 's/^/export /;s/$$/;/')
DEV_ENV = export DEBUG=$${DEBUG:-1}; export SECRET_KEY=$${SECRET_KEY:-dev-insecure-key-for-local-use-only-0123456789abcdef};

.PHONY: help run test lint format messages services stop-services bench clean

help:
	@echo "make run    install, migrate, load demo data, start web + Celery worker + beat"
	@echo "make test   install, start Postgres + Redis if needed, run the whole suite"
	@echo "make lint   ruff + mypy"
	@echo "make bench  scale benchmark (prints its figures)"

# requirements.lock pins every package (and its dependencies) that pyproject.toml declares; `make lock`
# regenerates it after a change to pyproject.toml.
$(STAMP): requirements.lock
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --disable-pip-version-check -r requirements.lock
	@touch $(STAMP)

venv: $(STAMP)

services: venv
	@scripts/services.sh install
	@scripts/services.sh start
	@mkdir -p var/staticfiles var/media

stop-services:
	@scripts/services.sh stop

run: services
	@$(SERVICES_ENV) $(DEV_ENV) $(PY) manage.py compilemessages -v0 --ignore=.venv
	@$(SERVICES_ENV) $(DEV_ENV) $(PY) manage.py migrate --no-input -v0
	@$(SERVICES_ENV) $(DEV_ENV) $(PY) manage.py load_demo
	@$(SERVICES_ENV) $(DEV_ENV) exec scripts/run.sh

test: export NEED_CHROMIUM=1
test: services
	@$(SERVICES_ENV) $(DEV_ENV) $(PY) manage.py compilemessages -v0 --ignore=.venv
	@# Settings load in development mode (plain static files, no HTTPS redirect); Django's test runner
	@# still runs every test with DEBUG off. Production mode is tested in tests/portal/test_foundation.py.
	@$(SERVICES_ENV) $(DEV_ENV) $(VENV)/bin/pytest $(PYTEST_ARGS)

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	@$(SERVICES_ENV) $(DEV_ENV) $(VENV)/bin/mypy .

format: venv
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

messages: venv
	@$(DEV_ENV) $(PY) manage.py makemessages -l zh_Hans -l en --ignore=.venv --ignore=var --ignore=bench --ignore=tests --no-location -v0

bench: services
	@$(SERVICES_ENV) $(DEV_ENV) $(PY) bench/run.py

lock:
	rm -rf var/lockenv && $(PYTHON) -m venv var/lockenv
	set -f; var/lockenv/bin/pip install -q $$($(PYTHON) scripts/deps.py)
	var/lockenv/bin/pip freeze --exclude-editable > requirements.lock

clean:
	rm -rf $(VENV) var test-artifacts
