"""A real pyo3 project from PyPI, end to end: `--project NAME==VERSION` downloads its sdist (which
writes its pyo3 dependency as a `[dependencies.pyo3]` table and locks pyo3 0.29.3, a release
with no series of its own), and its builds are measured like a sample's."""

from pathlib import Path

import pytest

from harness.measure.safety import PYO3_CHAIN
from tests.e2e.harness_run import Run, assert_every_wheel_works, run_harness

pytestmark = pytest.mark.e2e

# 19 crates, about a minute for a cold build on 2 cores: the smallest real project that has it all.
PROJECT = "rpds-py==2026.9.1"


@pytest.fixture(scope="module")
def run(module_dir: Path) -> Run:
    args = ["--project", PROJECT, "--frontend", "build", "--strategy", "stock,frontend-patch"]
    return run_harness([*args, "--scenario", "warm"], module_dir)


def test_the_sdist_builds_and_its_wheel_imports(run: Run) -> None:
    assert run.returncode == 0, run.output[-3000:]
    assert [c.strategy for c in run.result.cells] == ["stock", "frontend-patch"]
    assert_every_wheel_works(run)
    for cell in run.result.cells:
        assert cell.pyo3 == "0.29.3", "the version cargo resolved from the project's lock file"
        assert f"--project {PROJECT}" in cell.reproduce, "a reader can re-run it anywhere"
        warm = cell.build("warm")
        assert warm is not None and warm.wheel is not None and warm.wheel.modules == ["rpds"]


def test_stock_recompiles_the_chain_and_the_patch_set_nothing(run: Run) -> None:
    stock, patched = (c.build("warm") for c in run.result.cells)
    assert stock is not None and patched is not None
    assert {"pyo3-ffi", "pyo3"} <= set(stock.rebuilt) and set(stock.rebuilt) - set(PYO3_CHAIN)
    root = next(c for c in stock.causes if c.kind != "dep")
    assert (root.kind, root.var) == ("env", "PYO3_PYTHON")
    assert patched.rebuilt == [] and patched.reran == []


def test_the_projects_own_build_is_its_requirements_check(run: Run) -> None:
    for cell in run.result.cells:
        verdicts = {v.check: v for v in cell.checks}
        assert verdicts["requirements"].status == "pass", verdicts["requirements"].detail
