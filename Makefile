# Two commands on a fresh machine: `make run` and `make test`. Everything else is set up here.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8000
STAMP := $(VENV)/.installert

.PHONY: run test install lint import clean nettleser

# Browser tests: Debian's Chromium (never a browser downloaded by Playwright) and axe-core from
# npm; the login tests' local OpenID Connect provider (oidc-provider) comes with the same
# `npm ci`, pinned in package-lock.json. Installed only when missing.
CHROMIUM ?= /usr/bin/chromium
AXE := node_modules/axe-core/axe.min.js
OIDC_TILBYDER := node_modules/oidc-provider/package.json

$(STAMP): pyproject.toml
	@echo "==> Lager virtualenv i $(VENV) og installerer låste avhengigheter"
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e '.[test]'
	@touch $(STAMP)

install: $(STAMP)

$(CHROMIUM):
	@echo "==> Installerer Chromium fra Debian for nettlesertestene"
	apt-get update
	DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium

$(AXE) $(OIDC_TILBYDER) &: package.json package-lock.json
	@echo "==> Installerer axe-core og oidc-provider fra npm (låst i package-lock.json)"
	npm ci --no-audit --no-fund
	@touch $(AXE) $(OIDC_TILBYDER)

nettleser: $(CHROMIUM) $(AXE) $(OIDC_TILBYDER)

# The embedded default: SQLite in db.sqlite3, Celery eager, the real catalogue imported.
run: export DJANGO_SETTINGS_MODULE := helsearbeid.settings.dev
run: install
	@$(PY) manage.py migrate --noinput
	@$(PY) manage.py importer_katalog
	@echo ""
	@echo "==> Helse og arbeid-portalen kjører på http://127.0.0.1:$(PORT)/  (API: http://127.0.0.1:$(PORT)/api/v1/)"
	@echo ""
	@$(PY) manage.py runserver 127.0.0.1:$(PORT)

import: install
	$(PY) manage.py importer_katalog

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# The whole suite. DATABASE_URL / REDIS_URL select PostgreSQL and Redis; without them SQLite.
# pytest's exit code 5 ("no tests collected") is turned into a failure, never a pass.
test: export DJANGO_SETTINGS_MODULE := helsearbeid.settings.test
test: lint nettleser
	$(PY) manage.py makemigrations --check --dry-run
	@echo "==> pytest mot $${DATABASE_URL:-SQLite}$${REDIS_URL:+ og Redis}"
	@$(VENV)/bin/pytest $(PYTEST_ARGS); rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "FEIL: pytest fant ingen tester å kjøre" >&2; exit 1; fi; \
	exit $$rc

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .pytest_cache node_modules

# Mutation testing of the rule modules with mutmut (slow; not part of `make test`). One module at
# a time against its own tests on SQLite; kill rates in bench/mutasjon.json. MODULER="frister
# rangering" runs some of them (names: bench/mutasjon.py).
.PHONY: mutation
mutation: export DJANGO_SETTINGS_MODULE := helsearbeid.settings.test
mutation: install
	$(PY) bench/mutasjon.py $(MODULER)
