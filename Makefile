# Two commands on a fresh machine: `make run` and `make test`. Everything else is set up here.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8000
STAMP := $(VENV)/.installert

.PHONY: run test install lint import clean nettleser las fuzz mutation sprak

# Browser tests: Debian's Chromium (never a browser downloaded by Playwright) and axe-core from
# npm; the login tests' local OpenID Connect provider (oidc-provider) comes with the same
# `npm ci`, pinned in package-lock.json. Installed only when missing.
CHROMIUM ?= /usr/bin/chromium
AXE := node_modules/axe-core/axe.min.js
OIDC_TILBYDER := node_modules/oidc-provider/package.json

# Every Python package, transitive ones and the build backend included, comes from a lock with
# hashes (pip refuses anything else with --require-hashes); the project itself adds nothing.
# requirements.lock is production's (the Dockerfile), requirements-test.lock adds the test tools.
LAS := requirements-test.lock

$(STAMP): $(LAS) pyproject.toml
	@echo "==> Lager virtualenv i $(VENV) og installerer fra $(LAS) (med hasher)"
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --require-hashes -r $(LAS)
	$(VENV)/bin/pip install --quiet --no-deps --no-build-isolation -e .
	@touch $(STAMP)

install: $(STAMP)

# Refreshes both locks from pyproject.toml (PyPI needed; pip-tools in a throwaway virtualenv).
# tests/test_las.py checks that the locks match pyproject.toml.
PIP_TOOLS := pip-tools==7.7.0
PIP_COMPILE_FLAGG := --quiet --generate-hashes --strip-extras --allow-unsafe --all-build-deps \
	--no-emit-index-url --no-emit-find-links --upgrade
las:
	@echo "==> Oppdaterer requirements.lock og requirements-test.lock fra pyproject.toml"
	rm -rf .venv-las && python3 -m venv .venv-las && .venv-las/bin/pip install --quiet $(PIP_TOOLS)
	.venv-las/bin/pip-compile $(PIP_COMPILE_FLAGG) --extra test -o requirements-test.lock pyproject.toml
	@# Production's lock within the test lock's versions: production gets what the tests ran.
	.venv-las/bin/pip-compile $(PIP_COMPILE_FLAGG) -c requirements-test.lock -o requirements.lock pyproject.toml
	rm -rf .venv-las

$(CHROMIUM):
	@echo "==> Installerer Chromium fra Debian for nettlesertestene"
	apt-get update
	DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium

$(AXE) $(OIDC_TILBYDER) &: package.json package-lock.json
	@echo "==> Installerer axe-core og oidc-provider fra npm (låst i package-lock.json)"
	npm ci --no-audit --no-fund
	@touch $(AXE) $(OIDC_TILBYDER)

nettleser: $(CHROMIUM) $(AXE) $(OIDC_TILBYDER)

# The embedded default: SQLite in db.sqlite3, Celery eager, the real catalogue imported, demo
# users for every role (password «demo»; the command refuses outside DEBUG) with demo referrals.
# The banner is printed here, once: runserver's autoreloader loads the settings twice.
DEMOBRUKERE := fastlege; koordinator-, mottaker- og redaktor-{sor-ost,vest,midt,nord}; analytiker; admin
run: export DJANGO_SETTINGS_MODULE := helsearbeid.settings.dev
# Django 5.2's «This is a development server» warning: `make run` is that by definition
# (production runs gunicorn, see docker-compose.yml).
run: export DJANGO_RUNSERVER_HIDE_WARNING := true
run: install
	@$(PY) manage.py migrate --noinput
	@$(PY) manage.py importer_katalog
	@$(PY) manage.py lag_demodata
	@echo ""
	@echo "==> Helse og arbeid-portalen kjører på http://127.0.0.1:$(PORT)/  (API: http://127.0.0.1:$(PORT)/api/v1/)"
	@echo "    Logg inn på http://127.0.0.1:$(PORT)/konto/login/ med passord «demo» som:"
	@echo "    $(DEMOBRUKERE)"
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
# Both runs are spread over two processes (pytest-xdist, one per core). Each worker has its own
# test database (SQLite in memory; PostgreSQL `test_<name>_<run>_gw0`) and its own Redis database
# (helsearbeid/settings/testkjoring.py), and the servers and workers a test starts take free
# ports and queues of their own. `--dist loadgroup`: tests that share an expensive fixture stay
# on one worker (tests/conftest.py, XDIST_GRUPPER). XDIST= runs in one process.
XDIST ?= -n 2 --dist loadgroup
test: lint nettleser
	$(PY) manage.py makemigrations --check --dry-run
	@# Types of the services, selectors and access checks ([tool.mypy] in pyproject.toml). The
	@# plugin loads the test settings: without the servers' URLs, so it claims no Redis database.
	env -u DATABASE_URL -u REDIS_URL $(VENV)/bin/mypy
	@echo "==> pytest mot $${DATABASE_URL:-SQLite}$${REDIS_URL:+ og Redis}"
	@$(VENV)/bin/pytest $(XDIST) $(PYTEST_ARGS); rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "FEIL: pytest fant ingen tester å kjøre" >&2; exit 1; fi; \
	exit $$rc

# Nynorsk and English for the public GP pages: refreshes locale/{nn,en}/LC_MESSAGES/django.po from
# the code (new strings come in with an empty msgstr, which tests/test_sprak.py refuses) and
# compiles the .mo files. Those are committed, so `make run`, `make test` and the Dockerfile need
# no gettext; tests/test_sprak.py checks that they match the .po files.
sprak: install
	$(PY) locale/oppdater.py

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .pytest_cache node_modules

# The thorough schemathesis run (tests/test_api_fuzz.py with FUZZ_GRUNDIG=1): every phase and
# every check for every role, FUZZ_EKSEMPLER examples per operation, NUL bytes and deep JSON.
# Its counts go to bench/fuzz_resultat.json (see bench/README.md).
fuzz: export DJANGO_SETTINGS_MODULE := helsearbeid.settings.test
fuzz: export FUZZ_GRUNDIG := 1
fuzz: install
	@echo "==> schemathesis, grundig, mot $${DATABASE_URL:-SQLite}"
	@# One role's thorough run takes minutes: a limit of its own instead of make test's 300 s.
	@$(VENV)/bin/pytest -q -p no:cacheprovider -o timeout=1200 tests/test_api_fuzz.py $(PYTEST_ARGS); rc=$$?; \
	cat bench/fuzz_resultat.json 2>/dev/null | head -20; exit $$rc

# Mutation testing of the rule modules with mutmut (slow; not part of `make test`). One module at
# a time against its own tests on SQLite; kill rates in bench/mutasjon.json. MODULER="frister
# rangering" runs some of them (names: bench/mutasjon.py).
mutation: export DJANGO_SETTINGS_MODULE := helsearbeid.settings.test
mutation: install
	$(PY) bench/mutasjon.py $(MODULER)
