# 整治通: `make run` starts the app on an embedded default; `make test` runs the whole suite.
# Needs GNU make, Python >= 3.12 (found by scripts/find-python; override with PYTHON=...) and npm.

SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
PY_STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed
# A strong but throwaway key: check-deploy only needs the production settings to load.
DEPLOY_ENV := DJANGO_ENV=production ALLOWED_HOSTS=zhengzhitong.example.gov.cn \
	SECRET_KEY=check-deploy-0b7e5c1d9a4f2e8b6c3a7d1f5e9b2c8a4d6f0e3b7a1c5d9f2e6b8a4c0d7f3e1b9a5

.PHONY: help install run test test-hard lint check-deploy lock bench

help:
	@echo "make run           install, migrate, load the demo county once, start web + Celery worker + beat"
	@echo "make test          run the whole test suite (SQLite, or PostgreSQL when DATABASE_URL is set)"
	@echo "make test-hard     fault and load tests: own PostgreSQL, Redis, gunicorn, Celery on 127.0.0.1 (~8 min)"
	@echo "make lint          ruff check + ruff format --check"
	@echo "make check-deploy  manage.py check --deploy in production mode"
	@echo "make security-audit  bandit (medium and high) over the code, pip-audit over requirements.lock"
	@echo "make lock          rewrite requirements.lock from the virtualenv after changing pyproject.toml"
	@echo "make bench         benchmark suite at city size (SIZE=province for 100,000 projects); needs postgresql, redis-server, wrk"

# The virtualenv is created once; packages are reinstalled only when pyproject or the lock changes.
$(PY):
	@py="$$(PYTHON='$(PYTHON)' scripts/find-python)" && echo "Python: $$py" && "$$py" -m venv $(VENV)

$(PY_STAMP): pyproject.toml requirements.lock | $(PY)
	$(PY) -m pip install --quiet --disable-pip-version-check -c requirements.lock -e '.[dev]'
	@touch $@

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

install: $(PY_STAMP) $(NODE_STAMP)

# Safe to re-run: migrate and load_demo keep existing data.
run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo --size county --seed 1  # does nothing when the demo county exists
	@scripts/run

# pytest exits 5 when it collected no test; that is not a failure of the code under test.
test: install
	$(PY) -m pytest $(PYTEST_ARGS) || [ $$? -eq 5 ]

# Starts its own servers (tests/hard/conftest.py); needs postgresql and redis-server installed.
test-hard: install
	$(PY) -m pytest tests/hard -m hard $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

check-deploy: install
	$(DEPLOY_ENV) $(PY) manage.py check --deploy --fail-level WARNING

# Where no vulnerability database answers, pip-audit is reported as not run instead of failing
# (AUDIT_STRICT=1 makes that a failure); see scripts/security_audit.py.
.PHONY: security-audit
security-audit: install
	$(PY) scripts/security_audit.py

lock: $(PY)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@{ sed -n '1,2p' requirements.lock; $(PY) -m pip freeze --exclude-editable --disable-pip-version-check; } > requirements.lock.new
	@mv requirements.lock.new requirements.lock
	@touch $(PY_STAMP)

# Builds the size's data set once (PostgreSQL on 127.0.0.1 unless DATABASE_URL is set), then measures;
# results go to bench/results/. BENCH_ARGS passes options, e.g. BENCH_ARGS="--only import --runs 5".
SIZE ?= city
bench: install
	$(PY) -m bench.run --size $(SIZE) $(BENCH_ARGS)
