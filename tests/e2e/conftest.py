"""Fixtures for the end-to-end tests (helpers live in ``tests/e2e/harness_run.py``, the runs
shared between modules in ``tests/e2e/pool.py``)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.e2e.harness_run import SEEDS
from tests.e2e.pool import Pool

# The suite asserts which crates recompile and why, never how fast the compiled code runs:
# unoptimised builds take a third less time, and every run records the setting and repeats it
# in its reproduce commands (harness.process.compile_settings). Tools the harness compiles for
# its cache (uv, maturin) are built without it.
SUITE_SETTINGS = {"CARGO_PROFILE_RELEASE_OPT_LEVEL": "0"}


def pytest_configure(config: pytest.Config) -> None:
    for name, value in SUITE_SETTINGS.items():
        os.environ.setdefault(name, value)


@pytest.fixture(scope="module")
def module_dir(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> Path:
    return tmp_path_factory.mktemp(request.module.__name__.rsplit(".", 1)[-1])


@pytest.fixture(scope="session")
def pool(tmp_path_factory: pytest.TempPathFactory) -> Pool:
    base = tmp_path_factory.getbasetemp()
    # Under pytest-xdist each worker has its own basetemp; their parent is the session's.
    return Pool((base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "shared-runs")


@pytest.fixture(scope="session", autouse=True)
def seeds(pool: Pool) -> Path:
    """Every run's cold builds share the third-party crates (harness_run.run_harness): syn, libc
    and the rest compile once per lock file in the session, not once per cell."""
    os.environ[SEEDS] = str(pool.seeds)
    return pool.seeds


# `make test` hands whole modules to the two workers (--dist loadfile) in this order (with
# --no-loadscope-reorder: xdist would otherwise start the modules with the most tests first). The modules
# that build the shared runs (tests/e2e/pool.py) and the longest ones start first, so that the
# two workers finish together; the modules that only read shared runs start last, when those
# runs are built (a reader started earlier waits for the run under its lock).
FIRST = (
    "test_frontend_patch",
    "test_patch_set",
    "test_patches_check",
    "test_edit_loop",
    "test_samples",
    "test_patch_cffi_and_backends",
    "test_free_threaded",  # compiles CPython 3.13t (5-6 min) where `make test`'s prepare did not
)
LAST = ("test_decision_safety", "test_decision_requirements", "test_shards", "test_uv_and_build_churn")


def _module(item: pytest.Item) -> str:
    return item.nodeid.split("::")[0].rsplit("/", 1)[-1].removesuffix(".py")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    def rank(item: pytest.Item) -> int:
        module = _module(item)
        if module in FIRST:
            return FIRST.index(module)
        return len(FIRST) + 1 + LAST.index(module) if module in LAST else len(FIRST)

    items.sort(key=rank)  # stable: within a module, and among the rest, the collected order stays
