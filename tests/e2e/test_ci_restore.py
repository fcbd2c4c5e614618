"""The ci-restore scenario: what a CI job rebuilds after restoring a target dir that
Swatinem/rust-cache pruned and saved, on a fresh checkout, through a new build environment."""

from pathlib import Path

import pytest

from harness.measure.safety import PYO3_CHAIN
from tests.e2e.harness_run import Run, assert_every_wheel_works, run_harness

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def run(module_dir: Path) -> Run:
    args = ["--frontend", "build", "--strategy", "stock,frontend-patch", "--sample", "pyo3-ext,pyo3-ext-abi3"]
    return run_harness([*args, "--pyo3", "0.29.2", "--scenario", "ci-restore"], module_dir)


def test_every_restored_build_works_and_each_cause_is_one_cargo_names(run: Run) -> None:
    assert run.returncode == 0, run.output[-3000:]
    assert len(run.result.cells) == 4
    assert_every_wheel_works(run)
    for cell in run.result.cells:
        restored = cell.build("ci-restore")
        assert restored is not None
        # rust-cache keeps only the dependencies' artifacts: the project's own crate is rebuilt.
        assert "pyo3-ext" in restored.rebuilt or "pyo3-ext-abi3" in restored.rebuilt, cell.id
        assert all(c.kind != "unknown" for c in restored.causes), restored.causes
        log = Path(run.out / "logs" / cell.id / "ci-restore.cache.log")
        assert log.exists(), "the cargo metadata the pruning followed is kept"


def test_stock_rebuilds_the_chain_for_the_new_environment_and_the_patch_set_does_not(run: Run) -> None:
    stock = run.build("build", "stock", "pyo3-ext", "ci-restore")
    assert {"pyo3-ffi", "pyo3"} <= set(stock.rebuilt)
    assert any(c.kind == "env" and c.var == "PYO3_PYTHON" for c in stock.causes)
    patched = run.build("build", "frontend-patch", "pyo3-ext", "ci-restore")
    assert not set(patched.rebuilt) & set(PYO3_CHAIN), patched.causes


@pytest.mark.parametrize("strategy", ["stock", "frontend-patch"])
def test_abi3_rebuilds_the_chain_because_the_cache_dropped_maturins_config_file(
    run: Run, strategy: str
) -> None:
    """rust-cache prunes every file at target/'s top levels, maturin's pyo3 config among them;
    the build writes it again, newer, and pyo3-ffi's build script watches it: with or without
    the patch set, an abi3 project that is fresh locally rebuilds the chain in CI."""
    restored = run.build("build", strategy, "pyo3-ext-abi3", "ci-restore")
    [root] = [c for c in restored.causes if c.kind not in ("dep", "new")]
    assert (root.unit, root.kind) == ("pyo3-ffi", "file")
    assert root.path is not None and "/target/maturin/pyo3-config-" in root.path
