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

# Mutation testing of the numeric core (docs/mutation.md): slow (about two hours on two cores for every mutant),
# so not part of CI. MUTATION_CHILDREN parallel mutants (default 2); MUTANTS mutant name globs (default: the
# scope of scripts/mutation_score.py); MUTATION_SAMPLE the fraction of each module's mutants drawn at random with
# MUTATION_SEED (default 1: all; per module: 0.1,transforms=1,ledger=0.5). The score per module, with its sample
# and sampling sd, is printed at the end. One module: make mutation MUTANTS='ironriver.sovereignty.ledger.*'.
MUTATION_CHILDREN ?= 2
MUTATION_SAMPLE ?= 1
MUTATION_SEED ?= 15
MUTANTS ?=
MUTATION_SELECT = --sample '$(MUTATION_SAMPLE)' --seed $(MUTATION_SEED) $(MUTANTS)
MUTMUT := IRONRIVER_HOME="$${IRONRIVER_HOME:-$(CURDIR)/.pytest_cache/ironriver-home}" $(BIN)/mutmut
mutation: install-dev
	$(BIN)/python -m pip install --quiet -e ".[dev,mutation]"
	@# the mutants to sample from exist only after mutmut has generated them: a first pass with a name matching
	@# none generates them and maps tests to functions, then stops
	@if ! find mutants -name '*.py.meta' 2>/dev/null | grep -q .; then \
	  echo "generating the mutants and mapping the tests to the functions they reach"; \
	  $(MUTMUT) run --max-children $(MUTATION_CHILDREN) 'ironriver.no_such_mutant' > /dev/null 2>&1 || true; fi
	$(BIN)/python scripts/mutation_score.py --names $(MUTATION_SELECT) > mutants/selected.txt
	@echo "running $$(wc -l < mutants/selected.txt) mutants (sample $(MUTATION_SAMPLE) of each module, seed $(MUTATION_SEED))"
	$(MUTMUT) run --max-children $(MUTATION_CHILDREN) $$(cat mutants/selected.txt) || true
	$(BIN)/python scripts/mutation_score.py --survivors $(MUTATION_SELECT)

clean:
	rm -rf $(VENV) .pytest_cache build dist mutants
