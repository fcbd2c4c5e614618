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


# The groups that take longest (the shared matrix, the patch set and its readers, a chain of
# upstream test suites, the edit loop), started first so that two workers finish together
# instead of one running the longest group alone at the end.
LONGEST_FIRST = ("matrix", "patch-set", "test_patches_check", "test_edit_loop")


def _module(item: pytest.Item) -> str:
    return item.nodeid.split("::")[0].rsplit("/", 1)[-1].removesuffix(".py")


def _group(item: pytest.Item) -> str:
    mark = item.get_closest_marker("xdist_group")
    return str(mark.args[0]) if mark is not None else _module(item)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # `--dist loadgroup` sends a group to one worker: a module is a group unless it names the
    # shared run it reads (``xdist_group``), so the readers of one run share that worker.
    for item in items:
        if item.get_closest_marker("xdist_group") is None:
            item.add_marker(pytest.mark.xdist_group(_module(item)))

    def rank(item: pytest.Item) -> int:
        group = _group(item)
        return LONGEST_FIRST.index(group) if group in LONGEST_FIRST else len(LONGEST_FIRST)

    items.sort(key=rank)  # stable: within a group, and among the rest, the collected order stays
