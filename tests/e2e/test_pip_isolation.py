"""pip's default isolation runs the backend on pip's own interpreter: stable across builds,
but not across environments."""

from pathlib import Path

import pytest

from tests.e2e.harness_run import Run, assert_every_wheel_works, run_harness

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def run(module_dir: Path) -> Run:
    args = ["--frontend", "pip", "--strategy", "stock,exported,frontend-patch", "--sample", "pyo3-ext"]
    return run_harness([*args, "--scenario", "warm,other-venv"], module_dir)


def test_every_wheel_works(run: Run) -> None:
    assert run.returncode == 0, run.output[-3000:]
    assert_every_wheel_works(run)


def test_stock_pip_warm_rebuild_recompiles_nothing(run: Run) -> None:
    warm = run.build("pip", "stock", "pyo3-ext", "warm")
    assert (warm.rebuilt, warm.causes) == ([], [])


def test_stock_pip_from_another_venv_recompiles_the_chain(run: Run) -> None:
    other = run.build("pip", "stock", "pyo3-ext", "other-venv")
    assert {"pyo3-ffi", "pyo3", "pyo3-ext"} <= set(other.rebuilt)
    [root] = [c for c in other.causes if c.kind != "dep"]
    assert (root.unit, root.var) == ("pyo3-ffi", "PYO3_PYTHON")
    old, new = str(root.old), str(root.new)
    assert "/pip-" in old and new.startswith(old.split("/pip-")[0])
    assert "-other-" in new and "-other-" not in old


def test_exported_pip_from_another_venv_recompiles_nothing(run: Run) -> None:
    other = run.build("pip", "exported", "pyo3-ext", "other-venv")
    assert (other.rebuilt, other.causes) == ([], [])


def test_the_patched_pip_exports_nothing_in_its_default_isolation(run: Run) -> None:
    """The pip series exports PYO3_BASE_PYTHON only under --use-feature=venv-isolation: in the
    default isolation the patched pip behaves as stock does, from another venv too."""
    cell = run.cell("pip", "frontend-patch", "pyo3-ext")
    assert cell.frontend_patch and "patches/" in cell.frontend_source, "the patched pip was measured"
    assert run.build("pip", "frontend-patch", "pyo3-ext", "warm").rebuilt == []
    other = run.build("pip", "frontend-patch", "pyo3-ext", "other-venv")
    stock = run.build("pip", "stock", "pyo3-ext", "other-venv")
    assert set(other.rebuilt) == set(stock.rebuilt) and "pyo3-ffi" in other.rebuilt
    [root] = [c for c in other.causes if c.kind != "dep"]
    assert (root.unit, root.var) == ("pyo3-ffi", "PYO3_PYTHON"), "the base was not exported"
