# Two commands on a fresh machine: `make run` starts the bot, `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test test-quick test-dates sandbox install install-dev clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install -q .

install-dev: $(BIN)/python
	$(BIN)/pip install -q -e ".[dev]"

run: install
	$(BIN)/python -m bot

# Try the bot in the terminal without a Telegram token (docs/sandbox.md).
sandbox: install
	$(BIN)/python -m bot sandbox

test: install-dev
	$(BIN)/python -m pytest -q

# While working: the fuzz at 1,000 updates instead of 10,000 and no kill -9 runs (README, Tests).
test-quick: install-dev
	NAZER_FUZZ_UPDATES=1000 NAZER_CRASH_TEST=0 $(BIN)/python -m pytest -q

# The whole suite once per shifted machine date (needs faketime: apt-get install faketime).
test-dates: install-dev
	.ci/shifted-dates

clean:
	rm -rf $(VENV) build *.egg-info
