# radiochain — the two commands a newcomer needs: `make demo` and `make test`.
# Only Python >= 3.11 and make are assumed; everything else goes into ./.venv.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
OUT    ?= out

.PHONY: demo test lint typecheck unit bench install dev clean help

help:
	@echo "make demo   - set up .venv, install radiochain and run the main job on the bundled example"
	@echo "make test   - install the dev extras, then ruff, mypy and pytest"
	@echo "make bench  - benchmarks with speed ratios against the best alternative"

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

unit: dev
	$(BIN)/pytest -q -n auto

test: lint typecheck unit

bench: dev
	$(BIN)/pytest benchmarks --bench -q -s

clean:
	rm -rf $(VENV) $(OUT) .pytest_cache .mypy_cache .ruff_cache .hypothesis
