# Two commands: `make run` and `make test`. Both create the virtualenv when it is missing.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint bench bytecode clean postgres browser

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# Bytecode for the project's own modules, as a wheel install would leave it: every start
# compiles them again where it is missing (and PYTHONDONTWRITEBYTECODE keeps Python from
# caching it). Stale files are recompiled; unchanged ones are left as they are.
bytecode: $(STAMP)
	@$(BIN)/python -m compileall -q monitor alerts migrations

run: $(STAMP) bytecode
	$(BIN)/monitor db upgrade
	$(BIN)/monitor run

test: $(STAMP) bytecode postgres browser
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

# The PostgreSQL tests start a throwaway server; install Debian's when it is missing and we
# can (root with apt-get). Elsewhere those tests skip with the reason.
postgres:
	@command -v initdb >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || \
	  { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql \
	    >/dev/null; } || echo "PostgreSQL server not installed: its tests will be skipped"

# The status board's browser tests drive Debian's headless Chromium through chromedriver;
# install them when missing and we can (root with apt-get). Elsewhere those tests skip.
browser:
	@{ command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1; } || \
	  { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium \
	    chromium-driver >/dev/null; } || \
	  echo "Chromium or chromedriver not installed: the board's browser tests will be skipped"

lint: $(STAMP)
	$(BIN)/ruff check .

bench: $(STAMP) bytecode
	$(BIN)/python bench/notam_parse.py --cli --real
	$(BIN)/python bench/cycle.py

clean:
	rm -rf $(VENV) .pytest_cache
