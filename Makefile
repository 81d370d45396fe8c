# Doorstep: `make run` starts everything with demo data; `make test` runs every check.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
PG_URL ?= postgresql://postgres@127.0.0.1:5432/test
# Where `make test` looks for a local PostgreSQL when TEST_DATABASE_URL is not set.
PG_PROBE_HOST ?= 127.0.0.1
PG_PROBE_PORT ?= 5432
PG_AS_APP_ROLE ?= 1
export PORT
# On another port, links in emails and the printed URLs follow it (unless BASE_URL is set in
# the environment or .env).
ifneq ($(PORT),8000)
ifeq ($(origin BASE_URL),undefined)
ifeq ($(shell grep -s '^BASE_URL=.' .env),)
export BASE_URL := http://localhost:$(PORT)
endif
endif
endif

.PHONY: run test lint pytest pytest-pg bench install install-dev clean-db

$(BIN)/python:
	@$(PY) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
	  { echo "Doorstep needs Python >= 3.11 (found: $$($(PY) --version 2>&1)). Set PY=python3.12 for example."; exit 1; }
	$(PY) -m venv $(VENV) || { echo "Could not create $(VENV): on Debian/Ubuntu install python3-venv."; exit 1; }
	$(BIN)/python -m pip install --quiet --upgrade pip

# Installs are stamped so a second `make run` starts in seconds.
$(VENV)/.installed: pyproject.toml constraints.txt | $(BIN)/python
	@echo "Installing Doorstep into $(VENV) (the first time takes a few minutes)..."
	$(BIN)/pip install --quiet -c constraints.txt -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml constraints.txt $(VENV)/.installed
	$(BIN)/pip install --quiet -c constraints.txt -e '.[dev]'
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

# Web (gunicorn), worker (manage.py worker) and scheduler together; Ctrl-C stops all three.
# Worker and scheduler ride out database faults themselves, so honcho (which stops everything
# when one process exits) is not brought down by a dropped connection or a locked SQLite file.
run: install
	$(BIN)/python manage.py migrate --no-input -v 0
	$(BIN)/python manage.py demo
	@echo "Starting web (port $(PORT)), worker and scheduler. Ctrl-C stops everything."
	@PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/honcho start -f Procfile

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy doorstep config
	$(BIN)/lint-imports --no-cache
	$(BIN)/python tools/scope_lint.py doorstep
	$(BIN)/python manage.py makemigrations --check --dry-run -v 0

# SQLite (in memory) even when TEST_DATABASE_URL is set: that one is for pytest-pg.
pytest: install-dev
	TEST_DATABASE_URL= $(BIN)/pytest $(PYTEST_ARGS)

# Runs the same suite on PostgreSQL when TEST_DATABASE_URL is set or a server answers locally.
# Every request and task as the app role with row-level security on (docs/adr/0003), as a
# production web process runs; PG_AS_APP_ROLE=0 runs it as the owner (policies bypassed).
pytest-pg: install-dev
	@if [ -n "$$TEST_DATABASE_URL" ]; then url="$$TEST_DATABASE_URL"; \
	elif $(BIN)/python -c "import socket; socket.create_connection(('$(PG_PROBE_HOST)', $(PG_PROBE_PORT)), 1)" 2>/dev/null; then url="$(PG_URL)"; \
	elif [ -n "$$CI" ]; then echo "PostgreSQL not reachable at $(PG_PROBE_HOST):$(PG_PROBE_PORT) and CI is set: the PostgreSQL run is required in CI"; exit 1; \
	else echo "PostgreSQL not reachable: skipping the PostgreSQL run (set CI=1 to make this an error)"; exit 0; fi; \
	echo "== PostgreSQL: $$url"; TEST_DATABASE_URL="$$url" TEST_DB_AS_APP_ROLE=$(PG_AS_APP_ROLE) $(BIN)/pytest $(PYTEST_ARGS)

test: lint pytest pytest-pg

# PostgreSQL database doorstep_bench when 127.0.0.1:5432 answers, else var/bench.sqlite3
# (BENCH_DATABASE_URL overrides); never the development database. BENCH_ARGS=--quick: smoke run.
bench: install-dev
	@url="$$($(BIN)/python -m doorstep.benchmarks.database)" && [ -n "$$url" ] || exit 1; \
	echo "== Benchmark database: $$url"; \
	DATABASE_URL="$$url" $(BIN)/python manage.py bench --rls both $(BENCH_ARGS) && \
	DATABASE_URL="$$url" $(BIN)/python manage.py bench_payments && \
	DATABASE_URL="$$url" $(BIN)/python manage.py bench_office && \
	DATABASE_URL="$$url" $(BIN)/python manage.py bench_webhooks

clean-db:
	rm -f var/doorstep.sqlite3 var/doorstep.sqlite3-wal var/doorstep.sqlite3-shm
