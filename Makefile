# Two commands matter: `make run` (set up and run everything) and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := run

PYENV_ROOT ?= $(shell pyenv root 2>/dev/null || echo $(HOME)/.pyenv)
PY310 ?= $(firstword $(wildcard $(PYENV_ROOT)/versions/3.10.*/bin/python) $(shell command -v python3.10 2>/dev/null))
PY311 ?= $(firstword $(wildcard $(PYENV_ROOT)/versions/3.11.*/bin/python) $(shell command -v python3.11 2>/dev/null))
APP := .venv/bin/python
RASA_ENV := .venv-rasa

.PHONY: run cluster test setup browser haproxy model migrate lint architecture lock clean

## Set everything up and run the Rasa server, the action server and the app.
run: setup
	@$(APP) -m backend.cli run

## A cluster on one machine: 2 Rasa, actions, 2 apps behind HAProxy (WORKERS=K adds turn workers).
cluster: setup haproxy
	@$(APP) -m backend.cli cluster $(if $(WORKERS),--workers $(WORKERS))

## Set everything up and run the whole test suite (unit, integration, end to end, cluster).
test: setup model browser haproxy
	$(APP) -m ruff check .
	.venv/bin/lint-imports --no-cache
	$(APP) -m mypy
	RASA_TELEMETRY_ENABLED=false $(RASA_ENV)/bin/rasa data validate --fail-on-warnings
	$(APP) -m pytest tests/unit tests/integration tests/security $(PYTEST_ARGS)
	$(APP) -m pytest tests/e2e $(PYTEST_ARGS)
	$(APP) -m pytest tests/cluster $(PYTEST_ARGS)

setup: .venv/.installed $(RASA_ENV)/.installed .env

## Debian's Chromium for the browser tests (installed when missing and we are root).
browser:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium >/dev/null; \
	  else echo "Chromium is missing: sudo apt-get install chromium (browser tests will skip)"; fi; \
	fi

## Debian's HAProxy for the cluster (installed when missing and we are root).
haproxy:
	@if ! command -v haproxy >/dev/null && [ ! -x /usr/sbin/haproxy ]; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq haproxy >/dev/null; \
	  else echo "HAProxy is missing: sudo apt-get install haproxy (cluster tests will skip)"; fi; \
	fi

## The import contracts in .importlinter and strict types for the domain and the services.
architecture: setup
	.venv/bin/lint-imports --no-cache
	$(APP) -m mypy

model: setup
	@$(APP) -m backend.cli train

migrate: setup
	$(APP) -m backend.cli migrate

lint: setup
	$(APP) -m ruff check .
	cd . && RASA_TELEMETRY_ENABLED=false $(RASA_ENV)/bin/rasa data validate --fail-on-warnings

.venv/.installed: requirements/app.txt
	@test -n "$(PY311)" || { echo "Python 3.11 is needed for the app environment (pyenv install 3.11)."; exit 1; }
	$(PY311) -m venv .venv
	.venv/bin/pip install --quiet --disable-pip-version-check -r requirements/app.txt
	@touch $@

$(RASA_ENV)/.installed: requirements/rasa-constraints.txt
	@test -n "$(PY310)" || { echo "Python 3.10 is needed for the Rasa engine (Rasa 3.6 runs only on Python 3.10 or older: pyenv install 3.10)."; exit 1; }
	$(PY310) -m venv $(RASA_ENV)
	$(RASA_ENV)/bin/pip install --quiet --disable-pip-version-check "rasa==3.6.21" -c requirements/rasa-constraints.txt
	@touch $@

.env: | .venv/.installed
	@$(APP) -m backend.cli init-env

## Re-pin the app environment from requirements/app.in.
lock: .venv/.installed
	.venv/bin/pip install --quiet -r requirements/app.in
	( echo "# The app environment (Python 3.11), every package pinned. Edit requirements/app.in, then \`make lock\`."; .venv/bin/pip freeze ) > requirements/app.txt

clean:
	rm -rf .venv $(RASA_ENV) models var/logs
