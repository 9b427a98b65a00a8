# radiochain — the two commands a newcomer needs: `make demo` and `make test`.
# Only Python >= 3.11 and make are assumed; everything else goes into ./.venv.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
OUT    ?= out

.PHONY: demo test lint typecheck unit bench install dev clean help serve system

help:
	@echo "make demo   - set up .venv, install radiochain and run the main job on the bundled example"
	@echo "make test   - install the dev extras, then ruff, mypy and pytest"
	@echo "make bench  - benchmarks with speed ratios against the best alternative"
	@echo "make serve  - run the service on its embedded default (SQLite) at http://127.0.0.1:8000/"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

$(VENV)/.installed-dev: $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@ $(VENV)/.installed

install: $(VENV)/.installed

dev: $(VENV)/.installed-dev

demo: install
	rm -rf $(OUT)/demo/network
	$(BIN)/radiochain example china-2025 $(OUT)/demo/network
	$(BIN)/radiochain plan $(OUT)/demo/network --out $(OUT)/demo/plan
	@echo "demo: open $(OUT)/demo/plan/report.html (tables: doses.csv, batches.csv, shipments.csv)"

lint: dev
	$(BIN)/ruff check src tests benchmarks tools conftest.py
	$(BIN)/ruff format --check src tests benchmarks tools

typecheck: dev
	$(BIN)/mypy

# PostgreSQL and Chromium for the service's tests (tools/ci/system-packages.sh installs them)
system:
	tools/ci/system-packages.sh

unit: dev system
	RADIOCHAIN_REQUIRE_POSTGRES=1 RADIOCHAIN_REQUIRE_BROWSER=1 $(BIN)/pytest -q -n auto

test: lint typecheck unit

serve: install
	$(BIN)/radiochain serve

bench: dev
	$(BIN)/pytest benchmarks --bench -q -s

clean:
	rm -rf $(VENV) $(OUT) .pytest_cache .mypy_cache .ruff_cache .hypothesis
