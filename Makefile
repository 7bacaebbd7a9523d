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

.PHONY: help run test lint format messages services stop-services reset-db bench clean cluster cluster-stop cluster-test

help:
	@echo "make run    install, migrate, load demo data, start web + Celery worker + beat"
	@echo "make test   install, start Postgres + Redis if needed, run the whole suite"
	@echo "make lint   ruff + mypy + the import-layer contract"
	@echo "make reset-db  rebuild the database (drops its data) and load the demo again"
	@echo "make bench  scale benchmark (prints its figures)"
	@echo "make cluster / cluster-stop / cluster-test  a real cluster on this machine, its failure drill"

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
	@# A database built by an older layout of Guanqi: the project-local demo database is rebuilt at
	@# once; a database the operator configured (DATABASE_URL) is never dropped without `make reset-db`.
	@$(SERVICES_ENV) $(DEV_ENV) $(PY) manage.py check_schema >/dev/null || { \
		$(if $(DATABASE_URL),exit 1;,) \
		echo "[run] the local database was built by an older layout of Guanqi: rebuilding it"; \
		$(SERVICES_ENV) $(DEV_ENV) $(PY) manage.py reset_schema --no-input; }
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
	@$(DEV_ENV) $(VENV)/bin/lint-imports
	@$(SERVICES_ENV) $(DEV_ENV) $(VENV)/bin/mypy .

# Drops every table of the database (the local one, or DATABASE_URL's) and rebuilds it with the demo.
reset-db: services
	@$(SERVICES_ENV) $(DEV_ENV) $(PY) manage.py reset_schema $(if $(CONFIRM),--no-input,)
	@$(SERVICES_ENV) $(DEV_ENV) $(PY) manage.py migrate --no-input -v0
	@$(SERVICES_ENV) $(DEV_ENV) $(PY) manage.py load_demo

format: venv
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

messages: venv
	@$(DEV_ENV) $(PY) manage.py makemessages -l zh_Hans -l en --ignore=.venv --ignore=var --ignore=bench --ignore=tests --no-location -v0

# The scale benchmark (bench/README.md): generates the data set once (kept in <database>_bench), then
# measures the pages under gunicorn with wrk and the daily jobs. BENCH_ENTERPRISES=100000 for a smaller run.
bench: export NEED_WRK=1
bench: services
	@$(SERVICES_ENV) $(PY) bench/run.py $(BENCH_ARGS)

# A real cluster on this machine (docs/OPERATIONS.md, "Scaling out"): Postgres primary + streaming
# replica, Redis, two gunicorn nodes behind nginx, Celery workers by queue, one beat; data in var/cluster.
cluster: venv
	@scripts/cluster/cluster.sh start

cluster-stop:
	@scripts/cluster/cluster.sh stop

# The failure drill under load (kill a web node, a worker mid-job, the replica); stops the cluster after.
cluster-test: venv
	@scripts/cluster/cluster.sh start
	@set -o pipefail; rc=0; $(PY) scripts/cluster/drill.py || rc=$$?; scripts/cluster/cluster.sh stop; exit $$rc

lock:
	rm -rf var/lockenv && $(PYTHON) -m venv var/lockenv
	set -f; var/lockenv/bin/pip install -q $$($(PYTHON) scripts/deps.py)
	var/lockenv/bin/pip freeze --exclude-editable > requirements.lock

clean:
	rm -rf $(VENV) var test-artifacts
