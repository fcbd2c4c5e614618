"""Fixtures for the end-to-end tests (helpers live in ``tests/e2e/harness_run.py``)."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="module")
def module_dir(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> Path:
    return tmp_path_factory.mktemp(request.module.__name__.rsplit(".", 1)[-1])


# The modules that take longest (a chain of upstream test suites; many cells), started first so
# that two workers finish together instead of one running the longest module alone at the end.
LONGEST_FIRST = ("test_patches_check", "test_patch_set", "test_frontend_patch", "test_edit_loop")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    def rank(item: pytest.Item) -> int:
        module = item.nodeid.split("::")[0].rsplit("/", 1)[-1].removesuffix(".py")
        return LONGEST_FIRST.index(module) if module in LONGEST_FIRST else len(LONGEST_FIRST)

    items.sort(key=rank)  # stable: within a module, and among the rest, the collected order stays
