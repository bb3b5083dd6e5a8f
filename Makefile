# Two commands for a fresh machine with Python >= 3.11 and make:
#   make run   - create .venv, install Sereno, start it (console if no tokens)
#   make test  - create .venv, install Sereno with test extras, run the suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test smoke lint bench bench-served clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/sereno run

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

smoke: $(STAMP)
	$(BIN)/python -m pytest -m smoke tests/acceptance

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench: $(STAMP)
	$(BIN)/python -m bench.open_case

bench-served: $(STAMP)
	$(BIN)/python -m bench.served

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache
