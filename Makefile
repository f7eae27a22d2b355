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
	rm -rf $(VENV) $(STORE) .pytest_cache .mypy_cache .ruff_cache

# The network page's graph library (cytoscape from npm), copied to api/static/vendor/ at set-up.
# Without npm the page falls back to a plain table.
NPM ?= npm
setup: api/static/vendor/cytoscape.min.js

api/static/vendor/cytoscape.min.js: package.json
	@if command -v $(NPM) >/dev/null 2>&1; then \
		$(NPM) install --no-audit --no-fund --loglevel=error && \
		mkdir -p api/static/vendor && \
		cp node_modules/cytoscape/dist/cytoscape.min.js $@; \
	else \
		echo "npm not found: the network page will show a table instead of a graph"; \
	fi
