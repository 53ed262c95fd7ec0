# Set-up is part of every target: a fresh clone needs only `make demo` or `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export DAGSTER_HOME := $(CURDIR)/.dagster_home

.PHONY: demo test ui bench clean report-check lineage-check operations-check

$(BIN)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $@

$(DAGSTER_HOME)/dagster.yaml: dagster.yaml
	mkdir -p $(DAGSTER_HOME)
	cp dagster.yaml $@

# The main job on the embedded default: a synthetic corpus is generated only into an empty landing
# zone (pointed at real dumps, it runs on those), then every month and everything downstream.
demo: $(BIN)/.installed $(DAGSTER_HOME)/dagster.yaml
	$(BIN)/roadmap generate --if-empty
	$(BIN)/roadmap materialize

test: $(BIN)/.installed
	scripts/install_browser.sh
	scripts/install_postgres.sh
	$(BIN)/pytest

# Start `dagster dev`, check the indicator table's lineage in the API and the UI, save a screenshot.
lineage-check: $(BIN)/.installed
	scripts/install_browser.sh
	$(BIN)/python scripts/check_lineage.py

# A live dagster dev: backfill of every month (multiprocess executor), the refresh chain, a new subclass.
operations-check: $(BIN)/.installed
	$(BIN)/python scripts/check_operations.py

# Render the report of the last `make demo` in headless Chromium; screenshot beside the report.
report-check: $(BIN)/.installed
	scripts/install_browser.sh
	$(BIN)/python scripts/check_report.py

ui: $(BIN)/.installed $(DAGSTER_HOME)/dagster.yaml
	$(BIN)/dagster dev -h 127.0.0.1 -p 3000 -w workspace.yaml

bench: $(BIN)/.installed
	$(BIN)/python bench/parse_bench.py
	$(BIN)/python bench/families_bench.py
	$(BIN)/python bench/search_bench.py

clean:
	rm -rf data/raw data/warehouse data/artifacts $(DAGSTER_HOME)
