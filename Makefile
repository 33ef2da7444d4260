# Fupin — the two commands first: `make run` and `make test`. Everything installs on first use.
SHELL := /bin/bash
.DEFAULT_GOAL := help
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PACKAGES := shared platform $(wildcard services/*)
PYPROJECTS := $(foreach p,$(PACKAGES),$(p)/pyproject.toml)
PYTEST_ARGS ?= -n 2 --dist loadgroup -m "not soak"
SCALE ?= medium

.PHONY: chromium help run test test-unit stack-up stack-down infra-up infra-down bench soak clean venv

help:
	@echo "make run         the embedded default on http://127.0.0.1:8000 (SQLite, in-process bus, demo data)"
	@echo "make test        install what is missing, start PostgreSQL + Kafka, run every test, stop them"
	@echo "make stack-up    the full stack: PostgreSQL, Kafka, each service its own process (ports 8001-8005)"
	@echo "make stack-down  stop the full stack"
	@echo "make bench       benchmarks on the full stack (SCALE=small|medium|large)"
	@echo "make soak        the long reliability runs"

$(STAMP): constraints.txt requirements-dev.txt $(PYPROJECTS)
	@command -v $(PY) >/dev/null || PY=python3; test -x $(BIN)/python || $${PY:-$(PY)} -m venv $(VENV) || python3 -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip -c constraints.txt 2>/dev/null || true
	$(BIN)/pip install -q -c constraints.txt -r requirements-dev.txt $(foreach p,$(PACKAGES),-e $(p))
	@touch $(STAMP)

venv: $(STAMP)

run: $(STAMP)
	$(BIN)/fupin run

# Debian's Chromium for the dashboard's browser test (Playwright drives it; it never downloads a browser)
chromium:
	@command -v chromium >/dev/null || { DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null \
	  || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }; }

test: $(STAMP) chromium
	@deploy/local/pg.sh install && deploy/local/kafka.sh install
	@started=$$(date +%s); \
	FUPIN_PG_FAST=1 deploy/local/pg.sh start && deploy/local/kafka.sh start || { deploy/local/kafka.sh stop; deploy/local/pg.sh stop; exit 1; }; \
	set +e; FUPIN_TEST_INFRA=1 $(BIN)/pytest $(PYTEST_ARGS); status=$$?; set -e; \
	deploy/local/stack.sh down >/dev/null 2>&1 || true; \
	deploy/local/kafka.sh stop; deploy/local/pg.sh stop; \
	echo "make test: exit $$status after $$(( $$(date +%s) - started )) s"; exit $$status

test-unit: $(STAMP)
	$(BIN)/pytest -m "not pg and not kafka and not e2e and not browser" $(PYTEST_ARGS)

infra-up: $(STAMP)
	deploy/local/pg.sh install && deploy/local/kafka.sh install
	deploy/local/pg.sh start && deploy/local/kafka.sh start

infra-down:
	deploy/local/kafka.sh stop; deploy/local/pg.sh stop

stack-up: infra-up
	deploy/local/stack.sh up

stack-down:
	deploy/local/stack.sh down

bench: infra-up
	$(BIN)/python -m bench --scale $(SCALE); status=$$?; deploy/local/stack.sh down >/dev/null 2>&1; \
	deploy/local/kafka.sh stop; deploy/local/pg.sh stop; exit $$status

# No recursive make in this recipe: `make -n soak` would run such a line (and stop PostgreSQL and Kafka).
soak: infra-up
	@set +e; FUPIN_SOAK=1 $(BIN)/pytest -m soak -s tests/reliability; status=$$?; set -e; \
	deploy/local/stack.sh down >/dev/null 2>&1 || true; \
	deploy/local/kafka.sh stop; deploy/local/pg.sh stop; exit $$status

clean:
	rm -rf var/embedded var/stack
