# The two commands: `make run` (the site with demo data) and `make test` (the test suite).
# Both build the virtualenv on first use; nothing but Python 3.11 is needed.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
ADDR ?= 127.0.0.1:8000
PYTEST_ARGS ?=

.DEFAULT_GOAL := help
.PHONY: help run serve test lint format migrate demo check install clean superuser bench loadtest \
	screenshots backup restore scale messages

help:
	@echo "make run    set up, load the demo debates and serve the site at http://$(ADDR)/"
	@echo "make serve  production: migrate, collect static files, gunicorn on ADDR (see README)"
	@echo "make test   set up and run the test suite (DATABASE_URL picks the database)"
	@echo "make lint   ruff check and ruff format --check"
	@echo "make format ruff format and ruff check --fix"
	@echo "make messages  update locale/*/django.po from the code and compile them (needs GNU gettext)"
	@echo "make bench  time importing and exporting STATEMENTS=100000 statements"
	@echo "make loadtest  CLIENTS=64 clients on the public pages under gunicorn for DURATION=30 s"
	@echo "make scale  import STATEMENTS=100000 realistic statements, time every page (docs/scale.md)"
	@echo "make backup a timestamped backup of the database into BACKUP_DIR (backups/)"
	@echo "make restore FILE=...  load a backup into an empty database"

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

# The interface catalogues (README, "Languages"): every marked string of the code and
# templates into locale/{fa,ps}, then compiled. Locations name the file only, so that
# moving a line does not change the catalogues. Needs GNU gettext (apt: gettext).
# compilemessages also compiles locale-django/ (in LOCALE_PATHS): Django's admin strings in
# Pashto, written by hand; makemessages writes only locale/ and the apps' locale/.
LOCALES := -l fa -l ps
MESSAGES_IGNORE := --ignore=.venv --ignore=tests --ignore=bench --ignore=demo --ignore=docs \
	--ignore=staticfiles --ignore=build
messages: install
	DEBUG=1 $(BIN)/python manage.py makemessages $(LOCALES) --no-obsolete --add-location=file \
		$(MESSAGES_IGNORE)
	sed -i '/^"POT-Creation-Date: /d' locale/*/LC_MESSAGES/django.po
	DEBUG=1 $(BIN)/python manage.py compilemessages $(LOCALES) $(MESSAGES_IGNORE)

# Import and export speed and memory on a synthetic file (DATABASE_URL picks the database).
STATEMENTS ?= 100000
bench: install
	DEBUG=1 $(BIN)/python bench/import_bench.py --statements $(STATEMENTS)

# Requests per second and latency of the public pages under gunicorn with production
# settings on loopback (bench/load.py; DATABASE_URL picks the database, else a temporary
# SQLite file with the demo debates). README, "Load".
CLIENTS ?= 64
DURATION ?= 30
loadtest: install
	$(BIN)/python bench/load.py --clients $(CLIENTS) --seconds $(DURATION)

# Every page's median and 95th percentile against a hello-world view, and the import's speed
# and memory, with STATEMENTS statements of realistic data (bench/scale.py, docs/scale.md).
# On PostgreSQL it uses a database of its own beside DATABASE_URL's, never that one.
scale: install
	$(BIN)/python bench/scale.py --statements $(STATEMENTS)

# Phone and desktop screenshots of public pages into docs/ (needs Debian's chromium), and
# of the admin's debate form, taken by its browser test on the demo debate.
screenshots: demo
	docs/screenshots.sh
	SCREENSHOT_DIR=docs $(BIN)/python -m pytest -q -m browser tests/test_admin_browser.py -k sideways

# Backups of the database DATABASE_URL names; README, "Backups". Encrypted to the gpg key
# BACKUP_GPG_RECIPIENT when it is set.
backup: install
	$(BIN)/python manage.py backup_database

restore: install
	@test -n "$(FILE)" || { echo "usage: make restore FILE=backups/debate-record-....dump"; exit 2; }
	$(BIN)/python manage.py restore_database "$(FILE)"

superuser: migrate
	DEBUG=1 $(BIN)/python manage.py createsuperuser

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
