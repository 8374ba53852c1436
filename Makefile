# The two set-up commands of the README. Each creates .venv from the project's
# own files when it is missing or older than pyproject.toml.
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin

.PHONY: lab test lint

lab: $(VENV)/.installed
	$(BIN)/jupyter lab notebooks/

test: $(VENV)/.installed lint
	$(BIN)/pytest

lint: $(VENV)/.installed
	$(BIN)/ruff check amkit tests benchmarks
	$(BIN)/ruff format --check amkit tests benchmarks
	$(BIN)/mypy

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@
