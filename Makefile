# The two commands: `make run` (the site with demo data) and `make test` (the test suite).
# Both build the virtualenv on first use; nothing but Python 3.11 is needed.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
ADDR ?= 127.0.0.1:8000
PYTEST_ARGS ?=

.DEFAULT_GOAL := help
.PHONY: help run serve test lint format migrate demo check install clean superuser bench screenshots

help:
	@echo "make run    set up, load the demo debates and serve the site at http://$(ADDR)/"
	@echo "make serve  production: migrate, collect static files, gunicorn on ADDR (see README)"
	@echo "make test   set up and run the test suite (DATABASE_URL picks the database)"
	@echo "make lint   ruff check and ruff format --check"
	@echo "make format ruff format and ruff check --fix"
	@echo "make bench  time importing and exporting STATEMENTS=100000 statements"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall only when the dependencies change.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $@

install: $(VENV)/.installed

migrate: install
	DEBUG=1 $(BIN)/python manage.py migrate --no-input

# Importing is idempotent: running this again changes nothing.
demo: migrate
	DEBUG=1 $(BIN)/python manage.py import_debates demo/afghans-reject-russian-alliance.json

run: demo
	DEBUG=1 $(BIN)/python manage.py runserver $(ADDR)

# Production (README, "Production"): SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL come from
# the environment; DEBUG stays off. ADDR and WEB_CONCURRENCY are read by config/gunicorn.py.
serve: install
	@test -n "$$SECRET_KEY" || { echo "make serve: set SECRET_KEY (see README, Production)"; exit 1; }
	@test -n "$$ALLOWED_HOSTS" || { echo "make serve: set ALLOWED_HOSTS (see README, Production)"; exit 1; }
	@test -n "$$DATABASE_URL" || { echo "make serve: set DATABASE_URL (see README, Production)"; exit 1; }
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py collectstatic --no-input
	ADDR=$(ADDR) exec $(BIN)/gunicorn -c config/gunicorn.py config.wsgi

test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

check: install
	DEBUG=1 $(BIN)/python manage.py check
	DEBUG=1 $(BIN)/python manage.py makemigrations --check --dry-run

# Import and export speed and memory on a synthetic file (DATABASE_URL picks the database).
STATEMENTS ?= 100000
bench: install
	DEBUG=1 $(BIN)/python bench/import_bench.py --statements $(STATEMENTS)

# Phone and desktop screenshots of public pages into docs/ (needs Debian's chromium).
screenshots: demo
	docs/screenshots.sh

superuser: migrate
	DEBUG=1 $(BIN)/python manage.py createsuperuser

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
