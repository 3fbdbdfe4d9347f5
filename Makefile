# geosim: the two commands a new user needs are `make demo` and `make test`; `make docs` builds
# the documentation site into docs/_build/html.
# Both build .venv with a Python >= 3.12 found by tools/find_python.sh (PATH, then pyenv),
# or with PYTHON=/path/to/python if given.

VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DOCS_STAMP := $(VENV)/.docs-installed
DOCS_OUT := docs/_build/html
# one timestamp for the whole demo (a recursive ?= would call date again on every line)
ifndef DEMO_OUT
DEMO_OUT := results/demo-$(shell date +%Y%m%d-%H%M%S)
endif
DEMO_RUNS ?= 2000

# An editable install makes setuptools warn, in ten lines, that folders of the working directory
# named like the package may take precedence over it: here the working directory is the package,
# which is what an editable install is for, so that one warning is silenced (pip install . and
# the wheel stay warning-free without it: tests/test_packaging.py).
EDITABLE := PYTHONWARNINGS="ignore:Editable installation"

.PHONY: demo test docs bench lint clean venv readme-figure

venv: $(STAMP)

$(STAMP): pyproject.toml
	@set -e; \
	if [ -n "$(PYTHON)" ]; then py="$(PYTHON)"; else py=$$(sh tools/find_python.sh); fi; \
	echo "Building $(VENV) with $$py"; \
	rm -rf $(VENV); "$$py" -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(EDITABLE) $(BIN)/python -m pip install --quiet -e ".[dev,dask]"
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

# The README's figure (docs/_static), as the demo draws it: a Russian collapse, its runs and seed.
# tests/test_docs.py checks that the committed copy draws the bands the model gives today.
README_FIGURE := docs/_static/russian-collapse-fan-chart.png
readme-figure: $(STAMP)
	@rm -rf results/readme-figure
	@$(BIN)/geosim run scenarios/russian_collapse.yaml --runs $(DEMO_RUNS) --seed 2025 \
		--out results/readme-figure --quiet
	@cp results/readme-figure/figures/fan_chart.png $(README_FIGURE) && echo "Wrote $(README_FIGURE)"

test: $(STAMP)
	$(BIN)/python -m pytest -q -p no:cacheprovider

# The documentation site, warnings as errors (a broken link, a missing page, a public function of
# sim.api without a docstring, a notebook cell that fails). First the browser test that takes the
# screenshots of geosim web the seminar tutorial shows (it needs chromium). -E: every page is read
# again, as the generated ones depend on code Sphinx does not track.
docs: $(DOCS_STAMP)
	$(BIN)/python -m pytest -q -p no:cacheprovider tests/test_web_browser.py \
		-k test_the_views_render_readably_at_1920x1080
	$(BIN)/sphinx-build -W --keep-going -E -q -b html docs $(DOCS_OUT)
	@echo "Open $(DOCS_OUT)/index.html"

$(DOCS_STAMP): $(STAMP)
	$(EDITABLE) $(BIN)/python -m pip install --quiet -e ".[dev,dask,docs]"
	@touch $(DOCS_STAMP)

bench: $(STAMP)
	$(BIN)/python -m pytest benchmarks -q -p no:cacheprovider --benchmark-only

lint: $(STAMP)
	$(BIN)/ruff check sim analysis tests benchmarks docs/_ext
	$(BIN)/mypy sim analysis

clean:
	rm -rf $(VENV) results .pytest_cache $(DOCS_OUT) docs/_generated docs/jupyter_execute
