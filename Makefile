# The two set-up commands of the README. Each creates .venv from the project's
# own files when it is missing or older than pyproject.toml.
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin

.PHONY: lab test lint tools notebooks

lab: $(VENV)/.installed
	$(BIN)/jupyter lab notebooks/ $$([ "$$(id -u)" = 0 ] && echo --allow-root)

test: $(VENV)/.installed lint tools
	$(BIN)/pytest

# Debian packages the tests use, installed where we may (root with apt):
# Mono's C# compiler rebuilds the binary sample (that test says it skipped
# without it); Chromium runs the browser tests (they fail without it).
tools:
	@missing=""; command -v mcs >/dev/null || missing="$$missing mono-mcs"; \
	[ -x /usr/bin/chromium ] || missing="$$missing chromium"; \
	if [ -n "$$missing" ] && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		apt-get update -qq && apt-get install -y -qq $$missing >/dev/null; fi; true

lint: $(VENV)/.installed
	$(BIN)/ruff check amkit tests benchmarks
	$(BIN)/ruff format --check amkit tests benchmarks
	$(BIN)/mypy

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

# Re-run the tutorials and store their outputs (what nbval then compares),
# without per-cell timing metadata or widget state.
notebooks: $(VENV)/.installed
	cd notebooks && for nb in *.ipynb; do \
		../$(BIN)/jupyter nbconvert --to notebook --execute --inplace \
			--ExecutePreprocessor.store_widget_state=False \
			--ClearMetadataPreprocessor.enabled=True \
			--ClearMetadataPreprocessor.clear_notebook_metadata=False "$$nb" || exit 1; \
	done
