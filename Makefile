# The two set-up commands of the README. Each creates .venv from the project's
# own files when it is missing or older than pyproject.toml.
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin

.PHONY: lab test lint tools notebooks grammar fuzz

# make lab PORT=8899 serves on another port (default: JupyterLab's 8888, or the next free one).
PORT ?=
lab: $(VENV)/.installed
	$(BIN)/jupyter lab notebooks/ $(if $(PORT),--port=$(PORT)) $$([ "$$(id -u)" = 0 ] && echo --allow-root)

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

# pip builds the PowerShell grammar (a C extension) into the package: reinstall when its sources change.
$(VENV)/.installed: pyproject.toml $(wildcard $(GRAMMAR)/src/*.c $(GRAMMAR)/*.c)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

# Fuzzing for FUZZ_SECONDS (default 600): half of it coverage-guided (atheris) over each reader in turn,
# the rest in the property tests with many more examples than `make test` runs, and the kill test with
# 50 kills. Inputs that fail are saved under build/fuzz/<target>/; the test suite replays them.
FUZZ_SECONDS ?= 600
FUZZ_TARGETS := read_manifest parse_script read_connection_type from_arm open_package
fuzz: $(VENV)/.installed tools
	$(BIN)/python -m pip install --quiet -e '.[test,fuzz]'
	status=0; each=$$(( $(FUZZ_SECONDS) / 2 / 5 )); \
	for target in $(FUZZ_TARGETS); do \
		$(BIN)/python tests/fuzz_main.py $$target -max_total_time=$$each -print_final_stats=1 || status=1; \
	done; \
	seed=$$(od -An -N4 -tu4 /dev/urandom | tr -d ' '); echo "AMKIT_FUZZ_SEED=$$seed"; \
	AMKIT_FUZZ_SEED=$$seed AMKIT_FUZZ_EXAMPLES=$$(( $(FUZZ_SECONDS) * 8 )) AMKIT_KILLS=50 $(BIN)/pytest -p no:cacheprovider \
		tests/test_fuzz.py tests/test_account_kill.py || status=1; \
	exit $$status

# Re-run the tutorials and store their outputs (what nbval then compares),
# without per-cell timing metadata or widget state.
notebooks: $(VENV)/.installed
	cd notebooks && for nb in *.ipynb; do \
		../$(BIN)/jupyter nbconvert --to notebook --execute --inplace \
			--ExecutePreprocessor.store_widget_state=False \
			--ClearMetadataPreprocessor.enabled=True \
			--ClearMetadataPreprocessor.clear_notebook_metadata=False "$$nb" || exit 1; \
	done

# The PowerShell grammar is a fork of tree-sitter-powershell kept in $(GRAMMAR)
# (see its CHANGES.md). After editing grammar.js or src/scanner.c, `make grammar`
# regenerates src/parser.c with tree-sitter generate and stamps the sources it used;
# a test fails when the stamp does not match, so the committed parser is never stale.
# tree-sitter turns the optimiser off for a parser this large (its #pragma block), to
# compile it sooner; `make grammar` removes that, and the parser then reads PowerShell
# about a tenth faster, for a minute more of compiling when amkit is installed.
GRAMMAR := amkit/powershell/grammar
TREE_SITTER_CLI := 0.26
TOOLS := build/tools
DEBIAN := http://deb.debian.org/debian

grammar: $(TOOLS)/tree-sitter
	cd $(GRAMMAR) && $(CURDIR)/$(TOOLS)/tree-sitter generate
	cd $(GRAMMAR) && sed -i '/^#ifdef _MSC_VER$$/,/^#endif$$/d' src/parser.c
	cd $(GRAMMAR) && sha256sum grammar.js src/scanner.c > src/generated-from.sha256
	rm -f $(VENV)/.installed

# tree-sitter-cli: the one on PATH; else npm's (its install script downloads the
# binary from GitHub); else Debian's package, run by the C library it was built
# for, both unpacked under $(TOOLS) and nothing installed system-wide.
$(TOOLS)/tree-sitter:
	mkdir -p $(TOOLS)
	if command -v tree-sitter >/dev/null; then ln -sf "$$(command -v tree-sitter)" $@; \
	elif npm install --silent --prefix $(TOOLS)/npm tree-sitter-cli@$(TREE_SITTER_CLI) 2>/dev/null; then \
		ln -sf $(CURDIR)/$(TOOLS)/npm/node_modules/.bin/tree-sitter $@; \
	else \
		curl -fsS $(DEBIAN)/dists/sid/main/binary-amd64/Packages.xz | xz -dc > $(TOOLS)/Packages && \
		for package in tree-sitter-cli libc6 libgcc-s1; do \
			deb=$$(awk -v p="Package: $$package" '$$0 == p {found = 1} found && /^Filename:/ {print $$2; exit}' $(TOOLS)/Packages); \
			curl -fsS -o $(TOOLS)/package.deb $(DEBIAN)/$$deb && dpkg-deb -x $(TOOLS)/package.deb $(TOOLS)/debian || exit 1; \
		done; \
		lib=$(CURDIR)/$(TOOLS)/debian/usr/lib/x86_64-linux-gnu; \
		printf '#!/bin/sh\nexec %s/ld-linux-x86-64.so.2 --library-path %s %s "$$@"\n' "$$lib" "$$lib" \
			$(CURDIR)/$(TOOLS)/debian/usr/bin/tree-sitter > $@ && chmod +x $@; \
	fi
	$@ --version
