# newsgraph — `make serve` and `make test` work from a fresh clone (Python 3.11+, make, git;
# npm is optional: without it the query page falls back to a plain editor).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8000
STORE  ?= .newsgraph
# The bundled sample, plus the seed record where ../shared is present.
SAMPLE := vocab/sample $(wildcard ../shared/seed/*.json)

.PHONY: setup serve test check lint typecheck docs bench clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

setup: $(VENV)/.installed

# Front-end packages from npm (package.json, package-lock.json), copied into api/static/vendor/ by
# api/vendor.py. Optional: without npm the pages use their plain fallback.
.stamp-npm: package.json package-lock.json api/vendor.py | $(VENV)/.installed
	@if command -v npm >/dev/null 2>&1; then \
	  npm ci --ignore-scripts --no-audit --no-fund --loglevel=error \
	    && $(BIN)/python -m newsgraph.api.vendor && touch $@ \
	    || echo "npm ci failed: the pages use their plain fallback"; \
	else \
	  echo "npm not found: the pages use their plain fallback"; \
	fi

setup: .stamp-npm

serve: setup
	$(BIN)/newsgraph ingest --quiet --store $(STORE) $(SAMPLE)
	$(BIN)/newsgraph serve --store $(STORE) --host 127.0.0.1 --port $(PORT)

# The suite on every core (pytest-xdist; JOBS=0 for one process) with every module's doctests
# (tests/test_doctests.py); the slowest tests listed at the end, to keep the whole under 15
# minutes. COVERAGE=1 measures coverage too, in the commands and servers the tests start as well,
# and fails under the floor (pyproject.toml: [tool.coverage.*]); it costs about a third more
# time, so `make check` (and CI) measure it and `make test` does not. (loadscope, a module's
# tests on one worker, spends less but left the Virtuoso endpoint test failing on the state the
# server reaches.)
JOBS ?= auto
COVERAGE ?=
test: setup
	$(BIN)/python -m pytest -n $(JOBS) --dist worksteal $(if $(COVERAGE),--cov --cov-report=term) --durations=40

lint: setup
	$(BIN)/ruff check graph vocab api tests bench
	$(BIN)/ruff format --check graph vocab api tests bench

# mypy reads the packages by the names pip installs them under, through a tree of links
# (build/typecheck/newsgraph: graph/'s entries, api/ and vocab/; pyproject.toml's [tool.mypy]).
typecheck: setup
	@rm -rf build/typecheck && mkdir -p build/typecheck/newsgraph
	@for entry in graph/*; do ln -s ../../../$$entry build/typecheck/newsgraph/; done
	@ln -s ../../../api build/typecheck/newsgraph/api && ln -s ../../../vocab build/typecheck/newsgraph/vocab
	$(BIN)/mypy

check: lint typecheck
	$(MAKE) test COVERAGE=1

# The reference site (mkdocs.yml over docs/) into site/; it builds offline (no web fonts, no
# plugin that fetches), strictly: a warning fails it (tests/test_docs_site.py too). Files of the
# repository outside docs/ are named in code spans, not linked.
docs: setup
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --site-dir site

# The peer of the benchmarks (rdflib-endpoint) is a bench-only extra. SIZE=10k|100k|1m, or
# BENCH="--quick" / BENCH="ingest --size 10k" for one part.
SIZE  ?= 100k
BENCH ?=
$(VENV)/.bench-installed: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	touch $@

bench: setup $(VENV)/.bench-installed
	$(BIN)/python -m bench --size $(SIZE) $(BENCH)

clean:
	rm -rf $(VENV) $(STORE) .pytest_cache .mypy_cache .ruff_cache node_modules api/static/vendor .stamp-npm \
	  site .coverage .coverage.*
