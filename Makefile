# dmp_registry — `make run` serves the registry on SQLite with demo data; `make test` installs
# everything the tests need and runs the whole suite (SQLite and PostgreSQL). `make help` lists all.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
FLASK  := $(BIN)/flask --app dmp_registry
STAMP  := $(VENV)/.installed

.PHONY: help install native run test test-sqlite test-pg lint migrate vocab demo bench clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

$(STAMP): setup.cfg pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $(STAMP)

install: $(STAMP) native  ## create the virtualenv and install the package with test tools

native:  ## build the embedded search's ranking function in C (optional: without it, bm25())
	bash scripts/build-native.sh

run: $(STAMP) native  ## migrate, load vocabularies (+ demo data when empty) and serve http://127.0.0.1:5000
	$(FLASK) dmp setup
	$(FLASK) run --host 127.0.0.1 --port 5000

test: $(STAMP)  ## install PostgreSQL (and the other test services) and run the whole suite
	bash scripts/test.sh

test-sqlite: $(STAMP) native  ## the suite on SQLite only (quick)
	$(BIN)/python -m pytest -q

lint: $(STAMP)  ## flake8
	$(BIN)/flake8 dmp_registry tests scripts

migrate: $(STAMP)  ## apply database migrations (DATABASE_URL or the SQLite default)
	$(FLASK) dmp db upgrade

vocab: $(STAMP)  ## (re)load the SKOS vocabularies
	$(FLASK) dmp vocab load

demo: $(STAMP)  ## load the demo data
	$(FLASK) dmp demo

bench: $(STAMP) native  ## run the benchmarks (see docs/benchmarks.md)
	bash scripts/bench/run.sh

clean:  ## remove the virtualenv and local data
	rm -rf $(VENV) instance .pytest_cache test-artifacts dmp_registry/search/native_rank.so
