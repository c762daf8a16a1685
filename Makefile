# Two commands on a fresh machine: `make lab` and `make test`. `make help` lists the rest.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
START  := notebooks/00_start_here.ipynb
NBVAL  := --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg
# JupyterLab refuses to start as root unless told it is fine.
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)

.DEFAULT_GOAL := help
.PHONY: help setup lab test test-unit test-notebooks test-browser lint validate bench \
        screenshots answer-key nav notebooks clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | expand -t 18

# The install runs again only when pyproject.toml changes (or the venv is missing).
$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	@touch $(STAMP)

setup: $(STAMP)  ## create or update .venv (editable install with the test extra)

lab: $(STAMP)  ## set up, then open the course in JupyterLab
	$(BIN)/jupyter lab $(ROOT_FLAG) $(START)

test: $(STAMP)  ## set up, then run every test: unit, nbval (strict) and browser
	JAPAN_NATO_GUARD_REPO=1 $(BIN)/python -m pytest tests notebooks $(NBVAL)

test-unit: $(STAMP)  ## unit tests only (no notebooks, no browser)
	$(BIN)/python -m pytest tests -m "not browser"

test-notebooks: $(STAMP)  ## strict nbval over notebooks/
	$(BIN)/python -m pytest notebooks $(NBVAL)

test-browser: $(STAMP)  ## end-to-end tests in JupyterLab + headless Chromium
	$(BIN)/python -m pytest tests/browser -m browser

lint: $(STAMP)  ## ruff over the package, tests and scripts
	$(BIN)/ruff check src tests scripts bench

validate: $(STAMP)  ## check all data, banks and exercises
	$(BIN)/python -m japan_nato validate

bench: $(STAMP)  ## measure start-up, notebooks, checks, progress store, size, browser
	$(BIN)/python bench/run.py

screenshots: $(STAMP)  ## regenerate docs/img/ quiz screenshots in headless Chromium
	$(BIN)/python scripts/screenshots.py

answer-key: $(STAMP)  ## regenerate instructors/answer-key.md
	$(BIN)/python -m japan_nato answer-key -o instructors/answer-key.md

nav: $(STAMP)  ## regenerate previous/next links in the notebooks
	$(BIN)/python scripts/navigation.py

notebooks: $(STAMP)  ## restart-and-run-all every notebook and store clean outputs
	$(BIN)/python scripts/run_notebooks.py

clean:  ## remove the venv and caches
	rm -rf $(VENV) .pytest_cache .ruff_cache build dist
