# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test install install-dev bench mutation clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .

install-dev: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[dev]"

run: install
	$(BIN)/ironriver assess

test: install-dev
	$(BIN)/python -m pytest -n 2 --dist loadfile

bench: install-dev
	$(BIN)/python -m pip install --quiet -e ".[dev,bench]"  # mesa: the agent-based baseline of bench_simulate.py
	for script in benchmarks/bench_*.py; do $(BIN)/python $$script || exit 1; done

# Mutation testing of the numeric core (docs/mutation.md): slow (about an hour on two cores), so not part of CI.
# MUTATION_CHILDREN parallel mutants (default 2); MUTANTS the mutant names to run (globs; default: every mutant
# of the whole modules and the documented subsets of aggregate.py and indicators.py); the score per module is
# printed at the end. One module: make mutation MUTANTS='ironriver.sovereignty.ledger.*'
MUTATION_CHILDREN ?= 2
MUTANTS ?= $(shell $(BIN)/python scripts/mutation_score.py --default-mutants 2>/dev/null)
mutation: install-dev
	$(BIN)/python -m pip install --quiet -e ".[dev,mutation]"
	IRONRIVER_HOME="$${IRONRIVER_HOME:-$(CURDIR)/.pytest_cache/ironriver-home}" \
	  $(BIN)/mutmut run --max-children $(MUTATION_CHILDREN) $(MUTANTS) || true
	$(BIN)/python scripts/mutation_score.py --survivors

clean:
	rm -rf $(VENV) .pytest_cache build dist mutants
