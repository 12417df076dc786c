# Two entry points: `make run` (the main job) and `make test` (the project's tests).
# Both create the virtual environment and install what they need on first use.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin

.PHONY: run test setup lint fuzz selfcheck clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

# Allure 3 (npm package `allure`, pinned in package-lock.json) for the HTML report; offline afterwards.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

setup: $(BIN)/.installed node_modules/.installed

## The conformance suites against the embedded emulated device: progress, a summary, and under reports/
## the Allure HTML report, JUnit XML and the conformance matrix. Exit 0 conformant, 1 deviations, 2 broken.
run: setup
	$(BIN)/ohos-hil run

## ruff, and the architecture contracts (import-linter, [tool.importlinter] in pyproject.toml).
lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

## Everything CI runs: lint, the JS shim's tests, the harness's own tests (unit, integration,
## interop, reports, the suite self-check), and the suites over each transport alone.
test: lint
	node --test tests/js/
	$(BIN)/python -m pytest tests -q
	$(BIN)/python -m pytest suites -q --transport hdc
	$(BIN)/python -m pytest suites -q --transport ssh
	$(BIN)/python -m pytest suites -q --transport serial

## The fuzz targets (tests/fuzz, tests/js/fuzz.test.js) with many more examples than `make test` runs.
FUZZ_EXAMPLES ?= 5000
fuzz: setup
	SHIM_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) node --test tests/js/fuzz.test.js
	OHOS_HIL_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(BIN)/python -m pytest tests/fuzz -q

## The suite self-check over every generated deviation (`ohos-hil selfcheck --generated`, 2 jobs).
selfcheck: setup
	$(BIN)/ohos-hil selfcheck --generated --jobs 2

clean:
	rm -rf $(VENV) node_modules reports/allure-results reports/allure-report reports/junit.xml \
		reports/verdicts.jsonl reports/conformance-matrix.md reports/conformance-matrix.json \
		reports/pytest.log reports/history.jsonl reports/screenshots
