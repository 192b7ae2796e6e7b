# Relocation HQ — the two commands of the README are `make demo` and `make test`.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
# The demo runs "during" the programme (config/democlock.py): the clock starts
# on this date and ticks on. Unset it (make demo DEMO_TODAY=) for real time.
DEMO_TODAY ?= 2022-05-16

.PHONY: demo demo-data test setup lint pytest bench messages clean-demo offline-bundle

setup: $(VENV)/.installed node_modules/.installed var/.system-packages messages

$(VENV)/.installed: requirements.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements.lock
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts
	touch $@

var/.system-packages: scripts/system-packages.sh
	mkdir -p var
	bash scripts/system-packages.sh
	touch $@

# Compile every app's message catalogue (zh-hans is the source language, en the translation).
messages: $(VENV)/.installed
	$(MANAGE) compilemessages -v0 --ignore=.venv --ignore=node_modules

# Everything but the server: safe to run again (migrations and demo data are idempotent).
demo-data: export RHQ_DEMO_TODAY = $(DEMO_TODAY)
demo-data: setup
	$(MANAGE) migrate --noinput -v0
	$(MANAGE) seed_demo
	$(MANAGE) demo_logins --url http://$(HOST):$(PORT)/

demo: export RHQ_DEMO_TODAY = $(DEMO_TODAY)
demo: demo-data
	bash scripts/run-demo.sh $(HOST) $(PORT)

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(MANAGE) makemigrations --check --dry-run -v0
	$(MANAGE) check --fail-level WARNING

pytest: setup
	$(PY) -m pytest $(PYTEST_ARGS)

test: setup lint pytest

bench: setup
	$(MANAGE) migrate --noinput -v0
	@for f in bench/*.py; do $(PY) $$f || exit 1; done

# The intranet install kit (source, wheels, npm cache), built where the registries
# can be reached; scripts/install-offline.sh installs it with no network.
offline-bundle:
	bash scripts/offline-bundle.sh
