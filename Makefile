# Set-up is part of every target: a fresh clone needs nothing but python3, cargo and a C compiler.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# Extra arguments for `make report`, e.g. ARGS="--frontend uv --sample cffi-style".
ARGS ?=

.PHONY: report test unit lint patches-check

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $@

report: $(VENV)/.installed
	$(BIN)/pyo3-harness run $(ARGS)

test: $(VENV)/.installed
	$(BIN)/ruff check harness tests
	$(BIN)/ruff format --check harness tests
	$(BIN)/mypy
	@# pytest exits 5 when it collects nothing: a failure here, never a pass.
	$(BIN)/pytest -n auto tests/unit; rc=$$?; \
	  if [ $$rc -eq 5 ]; then echo 'pytest collected no unit tests' >&2; exit 1; fi; exit $$rc
	@# The one-time installs every end-to-end test shares (uv and maturin compiled from source,
	@# the wheelhouses, pyo3 sources), as a step of their own: never inside a test's timeout.
	$(BIN)/pyo3-harness prepare --strategy all --sample all --pyo3 all --scenario all
	@# The free-threaded CPython tests/e2e/test_free_threaded.py switches to, compiled into the
	@# cache on the first run (5-6 min; seconds after): its module's arguments.
	$(BIN)/pyo3-harness prepare --frontend build --strategy stock --sample pyo3-ext --pyo3 0.28.3 \
	  --scenario warm,switch-python --switch-python 3.13t
	@# --durations: every run says where its minutes went (docs/ci.md keeps the record).
	$(BIN)/pytest -n auto --dist loadfile --no-loadscope-reorder --durations=25 tests/e2e; rc=$$?; \
	  if [ $$rc -eq 5 ]; then echo 'pytest collected no end-to-end tests' >&2; exit 1; fi; exit $$rc

# Every series' upstream suite, pristine and patched (the e2e suite runs one series of each
# kind; .github/workflows/patches.yml runs this per tool). About 40 minutes here, uv's most of it.
patches-check: $(VENV)/.installed
	$(BIN)/pyo3-harness patches check --upstream-tests --out results

unit: $(VENV)/.installed
	$(BIN)/pytest tests/unit
