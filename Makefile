# Two commands on a fresh machine: `make lab` and `make test`. `make help` lists the rest.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-dev
LAB_STAMP := $(VENV)/.installed-lab
EXTRAS := test,browser,lint
NBVAL  := --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg

.DEFAULT_GOAL := help
.PHONY: help setup lab test test-unit test-notebooks test-browser lint coverage validate bench \
        screenshots answer-key nav notebooks clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | expand -t 18

# Two installs: a learner's (runtime + JupyterLab) and a developer's (every extra). Each runs
# again only when pyproject.toml changes (or the venv is missing).
$(LAB_STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	@touch $(LAB_STAMP)

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[$(EXTRAS)]"
	@touch $(STAMP) $(LAB_STAMP)

setup: $(STAMP)  ## create or update .venv for development (editable, every extra)

lab: $(LAB_STAMP)  ## set up what a learner needs, then open the course in JupyterLab
	$(BIN)/python -m scripts.lab $(LAB_ARGS)

test: $(STAMP)  ## set up, then run every test: unit, nbval (strict) and browser
	JAPAN_NATO_GUARD_REPO=1 $(BIN)/python -m pytest tests notebooks $(NBVAL)

test-unit: $(STAMP)  ## unit tests only (no notebooks, no browser)
	$(BIN)/python -m pytest tests -m "not browser"

test-notebooks: $(STAMP)  ## strict nbval over notebooks/
	$(BIN)/python -m pytest notebooks $(NBVAL)

test-browser: $(STAMP)  ## end-to-end tests in JupyterLab + headless Chromium
	$(BIN)/python -m pytest tests/browser -m browser

lint: $(STAMP)  ## ruff check, ruff format --check and mypy (config in pyproject.toml)
	@status=0; \
	$(BIN)/ruff check . || status=1; \
	$(BIN)/ruff format --check . || status=1; \
	$(BIN)/mypy || status=1; \
	exit $$status

coverage: $(STAMP)  ## unit-test coverage of src/, the CLI's subprocess smoke runs included
	rm -f .coverage .coverage.*
	$(BIN)/coverage run -m pytest tests -m "not browser" -q
	$(BIN)/coverage combine -q
	$(BIN)/coverage report

validate: $(STAMP)  ## check all data, banks and exercises
	$(BIN)/python -m japan_nato validate

bench: $(STAMP)  ## measure start-up, notebooks, checks, progress store, size, browser
	$(BIN)/python -m bench $(BENCH_ARGS)

screenshots: $(STAMP)  ## regenerate docs/img/ quiz screenshots in headless Chromium
	$(BIN)/python -m scripts.screenshots

answer-key: $(STAMP)  ## regenerate instructors/answer-key.md
	$(BIN)/python -m japan_nato answer-key -o instructors/answer-key.md

nav: $(STAMP)  ## regenerate previous/next links in the notebooks
	$(BIN)/python -m scripts.navigation

notebooks: $(STAMP)  ## restart-and-run-all every notebook and store clean outputs
	$(BIN)/python -m scripts.run_notebooks

clean:  ## remove the venv and caches
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache build dist
