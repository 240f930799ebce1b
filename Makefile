# Vertrouwd: `make run` starts everything on this machine, `make test` runs the whole test suite.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: run test install init demo worker bench bench-pages clean

$(BIN)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

# Browser-side packages from npm (bpmn-js, dmn-js and the properties panel for the admin's modeler and the instance
# diagrams, axe-core for the accessibility tests); never committed, served from node_modules by app/assets.py.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

install: $(BIN)/.installed

init: install
	$(BIN)/vertrouwd init

demo: init
	$(BIN)/vertrouwd demo

run: demo node_modules/.installed
	$(BIN)/vertrouwd run

worker: install
	$(BIN)/vertrouwd worker

test: install node_modules/.installed
	$(BIN)/pytest -q --durations=25

bench: install
	$(BIN)/python bench/engine_roundtrip.py

# The list pages at 10,000 and 100,000 instances on PostgreSQL (bench/pages.py; takes some 15 minutes).
bench-pages: install
	$(BIN)/python bench/pages.py

clean:
	rm -rf $(VENV) instance .pytest_cache
