# MIT Desktop: `make run` starts the program, `make test` runs every test.
# Both set everything up first (system packages, .venv, Python packages).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup run test test-fast bench fuzz clean

setup: $(STAMP)

$(STAMP): pyproject.toml scripts/ensure-system-packages.sh
	@bash scripts/ensure-system-packages.sh
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

run: setup
	$(BIN)/mit-desktop gui

test: setup
	@bash scripts/ensure-system-packages.sh test
	$(BIN)/lint-imports
	$(BIN)/ruff check mit_desktop tests benchmarks
	$(BIN)/mypy mit_desktop
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q

# the edit loop: no tests marked slow (whole bundled sessions rendered with the real voice,
# minutes of real-time play); `make test` runs everything
test-fast: setup
	@bash scripts/ensure-system-packages.sh test
	$(BIN)/lint-imports
	$(BIN)/ruff check mit_desktop tests benchmarks
	$(BIN)/mypy mit_desktop
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q -m "not slow"

# the bench extra (an offline speech recogniser) only where benchmarks run
$(VENV)/.bench-installed: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	@touch $@

# `make bench ONLY=speech` runs only benchmarks/bench_*speech*.py
bench: setup $(VENV)/.bench-installed
	@bash scripts/ensure-system-packages.sh test
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m benchmarks $(ONLY)

# `make fuzz` validates 5,000 mutated session scripts with a new seed (SEED=N to repeat a run)
# and prints the counts: tracebacks, hangs, messages without file:line
FUZZ_COUNT ?= 5000
fuzz: setup
	$(BIN)/python tests/fuzz/script_fuzz.py --count $(FUZZ_COUNT) --quiet $(if $(SEED),--seed $(SEED),) --json build/fuzz.json

clean:
	rm -rf $(VENV) build dist *.egg-info .mypy_cache
