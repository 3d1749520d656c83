# The two commands a newcomer needs: `make run` (the demo) and `make test` (the suite).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.9
DEMO_PASSWORD ?= demo-crm-2026
export CRM_VAR_DIR ?= $(CURDIR)/var

.PHONY: run test deps lint check messages browser-deps bench clean backup restore audit

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(BIN)/uv: | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

# Installs exactly the locked versions; re-runs whenever the lock changes.
$(VENV)/.synced: requirements-dev.lock build-constraints.txt | $(BIN)/uv
	$(BIN)/uv pip sync requirements-dev.lock --python $(BIN)/python --build-constraints build-constraints.txt
	touch $@

deps: $(VENV)/.synced

var/secret_key:
	mkdir -p var
	$(PYTHON) -c "import secrets; print(secrets.token_urlsafe(50))" > $@
	chmod 600 $@

run: deps var/secret_key
	@mkdir -p "$(CRM_VAR_DIR)/broker/queue" "$(CRM_VAR_DIR)/broker/processed" "$(CRM_VAR_DIR)/broker/control" "$(CRM_VAR_DIR)/mail"
	DEBUG=$${DEBUG:-true} SECRET_KEY_FILE=$(CURDIR)/var/secret_key \
	  EMAIL_BACKEND=$${EMAIL_BACKEND:-django.core.mail.backends.filebased.EmailBackend} \
	  $(BIN)/python manage.py migrate --no-input
	DEBUG=$${DEBUG:-true} SECRET_KEY_FILE=$(CURDIR)/var/secret_key \
	  $(BIN)/python manage.py seed_demo --password "$(DEMO_PASSWORD)"
	@echo "Serving http://127.0.0.1:8000/ with a Celery worker and beat; Ctrl-C stops them all."
	@echo "Sign in as supervisor, manager1, manager2, manager3, operator or admin, password: $(DEMO_PASSWORD)"
	DEBUG=$${DEBUG:-true} SECRET_KEY_FILE=$(CURDIR)/var/secret_key \
	  EMAIL_BACKEND=$${EMAIL_BACKEND:-django.core.mail.backends.filebased.EmailBackend} \
	  TELEPHONY_WEBHOOK_SECRET=$${TELEPHONY_WEBHOOK_SECRET:-demo-telephony-secret} \
	  $(BIN)/honcho -f Procfile.dev start

# In parallel, one process per CPU (at most four), each with its own test database and Redis
# database; PYTEST_ARGS="-n 0" runs them one by one.
PYTEST_ARGS ?= -n auto --maxprocesses 4
test: deps browser-deps
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: deps
	$(BIN)/ruff check .

messages: deps
	DEBUG=true $(BIN)/python manage.py makemessages --all --ignore=.venv --ignore=.venv-bench --ignore=var --ignore=staticfiles --ignore=tests --ignore=bench --no-obsolete
	DEBUG=true $(BIN)/python manage.py compilemessages --ignore=.venv --ignore=.venv-bench

# Debian's Chromium for the browser tests; never a test tool's own browser download.
browser-deps:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-core >/dev/null) \
	      || echo "warning: could not install chromium; browser tests will skip (fail under CI)"; \
	  else \
	    echo "note: /usr/bin/chromium is missing; browser tests will skip (fail under CI)"; \
	  fi; \
	fi

clean:
	rm -rf $(VENV) $(BENCH_VENV) var staticfiles .pytest_cache .ruff_cache

# Backups of the PostgreSQL database in DATABASE_URL (see README, Backups). They touch no signed
# data: where SECRET_KEY is not set, a local one lets Django start.
BACKUP_DIR ?= backups
MANAGE_SECRET = $(if $(SECRET_KEY)$(SECRET_KEY_FILE),,SECRET_KEY_FILE=$(CURDIR)/var/secret_key)

backup: deps $(if $(SECRET_KEY)$(SECRET_KEY_FILE),,var/secret_key)
	$(MANAGE_SECRET) $(BIN)/python manage.py backup --dir "$(BACKUP_DIR)"

# make restore BACKUP=backups/crm-….dump [FORCE=1 | RESTORE_INTO=<new database name>]
restore: deps $(if $(SECRET_KEY)$(SECRET_KEY_FILE),,var/secret_key)
	@test -n "$(BACKUP)" || { echo "usage: make restore BACKUP=backups/crm-<timestamp>.dump [FORCE=1 | RESTORE_INTO=<new database>]" >&2; exit 2; }
	$(MANAGE_SECRET) $(BIN)/python manage.py restore "$(BACKUP)" \
	  $(if $(filter 1 true yes,$(FORCE)),--force) $(if $(RESTORE_INTO),--into "$(RESTORE_INTO)")

# Known vulnerabilities in every locked dependency; needs PyPI's JSON API (or OSV with
# PIP_AUDIT_ARGS="-s osv"), see README, Security.
audit: deps
	$(BIN)/pip-audit --strict --disable-pip --no-deps --progress-spinner off $(PIP_AUDIT_ARGS) \
	  -r requirements.lock -r requirements-dev.lock

# The benchmarks run on an optimised CPython (built with PGO and LTO), as the production image's
# python:3.11-slim is: Debian's /usr/bin/python3.11 where it exists. pyenv's default build (no
# --enable-optimizations, a shared libpython) renders the same pages about a quarter slower.
# BENCH_PYTHON=/path/to/python chooses another; the tables name the interpreter they ran on.
BENCH_PYTHON ?= $(firstword $(wildcard /usr/bin/python3.11) $(PYTHON))
BENCH_VENV := .venv-bench
BENCH_BIN := $(BENCH_VENV)/bin

$(BENCH_VENV)/.synced: requirements-dev.lock build-constraints.txt | $(BIN)/uv
	rm -rf $(BENCH_VENV)
	$(BIN)/uv venv --quiet --python $(BENCH_PYTHON) $(BENCH_VENV)
	$(BIN)/uv pip sync requirements-dev.lock --python $(BENCH_BIN)/python --build-constraints build-constraints.txt
	touch $@

.PHONY: bench-deps
bench-deps: $(BENCH_VENV)/.synced

# Every figure of issue 8 in one table (bench/results/summary.txt): the pages under signed-in
# load at 1M interactions, the monthly report against hand-written SQL, telephony intake.
# Needs PostgreSQL and Redis on 127.0.0.1; the first run generates the data (a few minutes).
bench: bench-deps
	$(BENCH_BIN)/python bench/summary.py

# The pages alone (bench/results/pages.txt); see bench/README.md.
.PHONY: bench-pages
bench-pages: bench-deps
	$(BENCH_BIN)/python bench/pages.py

# Telephony intake under gunicorn and a Celery worker; see bench/README.md.
.PHONY: bench-telephony
bench-telephony: bench-deps
	$(BENCH_BIN)/python bench/telephony_intake.py

# The monthly activity report against hand-written SQL at 1M interactions; see bench/README.md.
.PHONY: bench-reports
bench-reports: bench-deps
	$(BENCH_BIN)/python bench/report_activity.py
