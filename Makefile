# geosim: the two commands a new user needs are `make demo` and `make test`.
# Both build .venv with a Python >= 3.12 found by tools/find_python.sh (PATH, then pyenv),
# or with PYTHON=/path/to/python if given.

VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# one timestamp for the whole demo (a recursive ?= would call date again on every line)
ifndef DEMO_OUT
DEMO_OUT := results/demo-$(shell date +%Y%m%d-%H%M%S)
endif
DEMO_RUNS ?= 2000

.PHONY: demo test bench lint clean venv

venv: $(STAMP)

$(STAMP): pyproject.toml
	@set -e; \
	if [ -n "$(PYTHON)" ]; then py="$(PYTHON)"; else py=$$(sh tools/find_python.sh); fi; \
	echo "Building $(VENV) with $$py"; \
	rm -rf $(VENV); "$$py" -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev,dask]"
	@touch $(STAMP)

# Every bundled scenario, same seed and runs, each into its own folder under DEMO_OUT.
demo: $(STAMP)
	@set -e; for f in scenarios/*.yaml; do \
		name=$$(basename $$f .yaml); echo "  running $$name"; \
		$(BIN)/geosim run $$f --runs $(DEMO_RUNS) --seed 2025 --out $(DEMO_OUT)/$$name --quiet; \
	done
	@echo "  comparing the authors: every lens, every prediction"
	@$(BIN)/geosim compare --runs 1000 --seed 2025 --out $(DEMO_OUT)/compare --quiet
	@echo "  a sweep: scenarios x lenses x parameter samples, and its analysis"
	@$(BIN)/geosim sweep scenarios/sweeps/example.yaml --out $(DEMO_OUT)/sweep --quiet
	@$(BIN)/geosim analyze $(DEMO_OUT)/sweep --quiet
	@page=$$($(BIN)/geosim index $(DEMO_OUT)) && echo "Open $$page"

test: $(STAMP)
	$(BIN)/python -m pytest -q -p no:cacheprovider

bench: $(STAMP)
	$(BIN)/python -m pytest benchmarks -q -p no:cacheprovider --benchmark-only

lint: $(STAMP)
	$(BIN)/ruff check sim analysis tests benchmarks
	$(BIN)/mypy sim analysis

clean:
	rm -rf $(VENV) results .pytest_cache
