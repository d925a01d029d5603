# Two commands for newcomers: `make run` (site with demo content) and `make test` (all tests).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000

.DEFAULT_GOAL := help
.PHONY: help run test install env check-python lint format demo worker

help:
	@echo "make run    - install, migrate, load demo trials, serve http://127.0.0.1:$(PORT)/"
	@echo "make test   - install and run every test (SQLite, or PostgreSQL if DATABASE_URL is set)"
	@echo "make lint   - ruff check and format check"
	@echo "make env    - write .env for local development (development mode, a new secret key)"
	@echo "make worker - run the background worker that sends follow emails"

check-python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' 2>/dev/null || { \
	  echo "Trialportal needs Python 3.12 or newer (3.13 recommended)."; \
	  echo "'$(PYTHON)' is: $$($(PYTHON) --version 2>/dev/null || echo 'not found')."; \
	  echo "Install Python 3.13 (python.org, your package manager, or 'pyenv install 3.13'),"; \
	  echo "then run make again, or point make at it: make run PYTHON=/path/to/python3.13"; \
	  exit 1; }

$(BIN)/python: | check-python
	$(PYTHON) -m venv $(VENV)

# Reinstall whenever pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $@

install: check-python $(VENV)/.installed

# Settings fail closed (production mode, no key) unless told otherwise. For local use the
# settings read this git-ignored file: development mode and a key made for this checkout.
# Never overwritten; delete it to make a new key. Real environment variables win over it.
.env: | $(BIN)/python
	@$(BIN)/python -c 'import secrets; print("# Local development only (written by make). Production sets real environment variables.\nDJANGO_DEBUG=1\nDJANGO_SECRET_KEY=" + secrets.token_urlsafe(50))' > $@
	@echo "Wrote .env: development mode with a generated secret key."

env: .env

run: install .env
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo_trials
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# Sends the queued "email me when this changes" emails (printed to the console locally).
worker: install
	$(BIN)/python manage.py db_worker

# Tests run on every core (pytest-xdist); PYTEST_ARGS="-n0 -x" for one process.
PYTEST_ARGS ?= -n auto
test: install .env
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .
