# newsgraph — `make serve` and `make test` work from a fresh clone (Python 3.11+, make, git;
# npm is optional: without it the query page falls back to a plain editor).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8000
STORE  ?= .newsgraph
# The bundled sample, plus the seed record where ../shared is present.
SAMPLE := vocab/sample $(wildcard ../shared/seed/*.json)

.PHONY: setup serve test check lint typecheck bench clean

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
	    && $(BIN)/python -m api.vendor && touch $@ \
	    || echo "npm ci failed: the pages use their plain fallback"; \
	else \
	  echo "npm not found: the pages use their plain fallback"; \
	fi

setup: .stamp-npm

serve: setup
	$(BIN)/newsgraph ingest --quiet --store $(STORE) $(SAMPLE)
	$(BIN)/newsgraph serve --store $(STORE) --host 127.0.0.1 --port $(PORT)

test: setup
	$(BIN)/python -m pytest

lint: setup
	$(BIN)/ruff check graph vocab api tests bench
	$(BIN)/ruff format --check graph vocab api tests bench

typecheck: setup
	$(BIN)/mypy

check: lint typecheck test

bench: setup
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) $(STORE) .pytest_cache .mypy_cache .ruff_cache node_modules api/static/vendor .stamp-npm
