# Two commands: `make demo` (the example's off/on toggle diff) and `make test` (everything CI runs).
SHELL := bash
.SHELLFLAGS := -o pipefail -c
PYTHON ?= python3
VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin
STACKS := MaintenanceAlbExample MaintenanceCloudFrontExample MaintenanceRegionalExample MaintenanceFunctionExample
CDK := npx --no-install cdk --no-notices

export PATH := $(BIN):$(PATH)
# Bytecode is written as modules are first imported, so only what runs gets compiled (some of
# aws-cdk-lib's 430 MB, not all of it: compiling everything at install costs ~50 CPU-seconds).
# A machine that sets PYTHONDONTWRITEBYTECODE would otherwise recompile every import in every
# synth subprocess.
unexport PYTHONDONTWRITEBYTECODE
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION := 20
export CDK_DISABLE_CLI_TELEMETRY := true

.PHONY: demo diff test pytest bench lint typecheck docs setup clean

$(VENV)/.dev-installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	# uv (from PyPI) resolves and installs in seconds where pip takes ~30 s (aws-cdk-lib is large).
	$(BIN)/python -m pip install -q uv
	$(BIN)/uv pip install -q --python $(BIN)/python -e '.[dev]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

setup: $(VENV)/.dev-installed node_modules/.installed

## demo: what the toggle changes on the example app and who gets what, off vs on (offline).
demo: setup
	$(BIN)/maintenance-constructs preview

## diff: the raw `cdk diff` of the example app, maintenance off -> on (offline templates).
diff: setup
	rm -rf cdk.out.off cdk.out.on
	$(CDK) synth -q -c maintenance=false -o cdk.out.off
	$(CDK) synth -q -c maintenance=true -o cdk.out.on
	@for stack in $(STACKS); do \
	  echo "=== $$stack: maintenance off -> on"; \
	  $(CDK) diff --app cdk.out.on --template cdk.out.off/$$stack.template.json $$stack 2>&1 \
	    | grep -v -e '^Stack ' -e '^$$' -e 'Number of stacks with differences' || true; \
	done

## test: lint, type check, the docs site (strict) and the whole test suite.
# The checks run two at a time (2 cores): a cold mypy over aws-cdk-lib's types takes a minute.
# The static checks run niced, so the suite's workers get the cores first and the checks fill
# the gaps while the suite waits on synth subprocesses.
# The Python and Node installs run side by side too (npm ci waits on the network, uv on disk).
test:
	$(MAKE) --no-print-directory -j2 setup
	$(MAKE) --no-print-directory -j2 --output-sync=target lint typecheck docs pytest
	@tail -n 1 .pytest-summary  # pytest's closing line, last, after the parallel checks

pytest: $(VENV)/.dev-installed node_modules/.installed
	$(BIN)/pytest -q | tee .pytest-summary

docs: $(VENV)/.dev-installed
	nice -n 10 $(BIN)/mkdocs build --strict --site-dir $(CURDIR)/site

## bench: measure synth cost, scale and rule economy on this machine; rewrites docs/benchmarks.md.
bench: setup
	$(BIN)/python benchmarks/run.py

lint: $(VENV)/.dev-installed
	nice -n 10 $(BIN)/ruff check .
	nice -n 10 $(BIN)/ruff format --check .

typecheck: $(VENV)/.dev-installed
	nice -n 10 $(BIN)/mypy

clean:
	rm -rf $(VENV) node_modules cdk.out cdk.out.off cdk.out.on site .pytest_cache .mypy_cache .ruff_cache
