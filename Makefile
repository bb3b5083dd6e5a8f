# Two commands for a fresh machine with Python >= 3.11 and make:
#   make run   - create .venv, install Sereno with its charts extra (what running needs
#                only), start it (the console when no token is set)
#   make test  - create .venv, install Sereno with its charts and test extras, run ruff and
#                the suite
# Each install is remembered by a stamp file in the venv: .installed (Sereno and its charts)
# and .installed-test (Sereno with the charts and test extras, which is both). So `make run` after
# `make test` installs nothing, and `make test` after `make run` adds the extras.
#   make test-newest PYTHON=python3.13 - the suite without the fault battery in .venv-newest
#                (.ci/run calls it when the machine has a Python newer than python3)
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
NEWEST_VENV := .venv-newest

.PHONY: run test smoke lint bench bench-served test-newest suite-without-faults clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[charts]'
	touch $(STAMP)

# Installing the extras installs Sereno too, so both stamps are fresh afterwards.
$(TEST_STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[charts,test]'
	touch $(STAMP) $(TEST_STAMP)

run: $(STAMP)
	$(BIN)/sereno run

test: $(TEST_STAMP)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

smoke: $(TEST_STAMP)
	$(BIN)/python -m pytest -m smoke tests/acceptance

lint: $(TEST_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Every row of issue 15 beside its reference, into bench/README.md's table.
# BENCH="--quick" for small sizes, BENCH="--only open_case" for one group.
bench: $(TEST_STAMP)
	$(BIN)/python -m bench.suite $(BENCH)

bench-served: $(TEST_STAMP)
	$(BIN)/python -m bench.served

# The fault battery is long and does not depend on the Python version: it runs once, in `test`.
test-newest:
	$(MAKE) --no-print-directory VENV=$(NEWEST_VENV) PYTHON=$(PYTHON) suite-without-faults

suite-without-faults: $(TEST_STAMP)
	$(BIN)/python -m pytest -m "not faults"

clean:
	rm -rf $(VENV) $(NEWEST_VENV) *.egg-info .pytest_cache
