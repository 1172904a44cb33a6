# The two commands of the README: `make run` and `make test`. Everything they need is installed
# here, so that they work on a fresh Debian 12 machine with Python 3.11 and make.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
# Debian packages the tests need: Chromium itself (Playwright's own browser download does not
# work offline), a CJK font, without which Chinese renders as empty boxes in screenshots and
# PDFs, and LibreOffice Calc with poppler to print a downloaded 附表3 to PDF and read it back.
BROWSER_PACKAGES := chromium fonts-noto-cjk libreoffice-calc poppler-utils

.PHONY: run test lint setup install install-test browser-deps demo bench clean help

help:
	@echo "make run    install, migrate, load reference and demo data, serve on http://$(HOST):$(PORT)/"
	@echo "make test   install test dependencies (Chromium included) and run the whole suite"

$(PY):
	$(PYTHON) -m venv $(VENV) || { scripts/ensure-debian-packages python3-venv && rm -rf $(VENV) && $(PYTHON) -m venv $(VENV); }
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet ".[test]"
	@rm -rf build *.egg-info
	@touch $@

install: $(VENV)/.installed

install-test: install

browser-deps:
	scripts/ensure-debian-packages $(BROWSER_PACKAGES)

setup: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_reference_data
	$(PY) manage.py load_demo --quiet-accounts

# The background worker (long exports, core.jobs) runs beside the development server; one
# Ctrl+C stops both (the trap also stops the worker if the server ends another way).
run: setup
	@$(PY) manage.py load_demo | tail -n +2
	@echo ""
	@echo "登录地址：http://$(HOST):$(PORT)/login/  （Ctrl+C 停止）"
	@$(PY) manage.py jobs_worker --no-reload --verbosity 0 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(PY) manage.py runserver $(HOST):$(PORT)

# ruff first: a finding fails the run before the slower suite starts.
lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

test: install-test browser-deps lint
	$(PY) -m pytest $(PYTEST_ARGS)

# The import benchmark of issue #3 on PostgreSQL (~12 min), the demo load of issue #5 on
# SQLite and PostgreSQL (~4 min) and the national pages, 附表3 and load test of issue #15
# (bench/national.py, ~8 min when its database is reused, ~10.5 when it builds it; the load
# test's length is NATIONAL_ARGS="--duration 180"); each rewrites its section of
# docs/performance.md. In all 24 minutes on the 2-core machine of docs/performance.md.
bench: install
	bench/ensure-postgres
	$(PY) -m pip install --quiet ".[bench]"
	@rm -rf build *.egg-info
	$(PY) bench/run.py
	$(PY) bench/demo.py
	$(PY) bench/national.py $(NATIONAL_ARGS)

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles test-artifacts
