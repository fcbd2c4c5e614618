"""Fixtures for the end-to-end tests (helpers live in ``tests/e2e/harness_run.py``, the runs
shared between modules in ``tests/e2e/pool.py``)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.e2e.pool import Pool


@pytest.fixture(scope="module")
def module_dir(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> Path:
    return tmp_path_factory.mktemp(request.module.__name__.rsplit(".", 1)[-1])


@pytest.fixture(scope="session")
def pool(tmp_path_factory: pytest.TempPathFactory) -> Pool:
    base = tmp_path_factory.getbasetemp()
    # Under pytest-xdist each worker has its own basetemp; their parent is the session's.
    return Pool((base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "shared-runs")


# The modules that take longest (a chain of upstream test suites; many cells), started first so
# that two workers finish together instead of one running the longest module alone at the end.
LONGEST_FIRST = ("test_patches_check", "test_patch_set", "test_frontend_patch", "test_edit_loop")


def _module(item: pytest.Item) -> str:
    return item.nodeid.split("::")[0].rsplit("/", 1)[-1].removesuffix(".py")


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # `--dist loadgroup` sends a group to one worker: a module is a group unless it names the
    # shared run it reads (``xdist_group``), so the readers of one run share that worker.
    for item in items:
        if item.get_closest_marker("xdist_group") is None:
            item.add_marker(pytest.mark.xdist_group(_module(item)))

    def rank(item: pytest.Item) -> int:
        module = _module(item)
        return LONGEST_FIRST.index(module) if module in LONGEST_FIRST else len(LONGEST_FIRST)

    items.sort(key=rank)  # stable: within a module, and among the rest, the collected order stays
