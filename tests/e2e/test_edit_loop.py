"""The edit loop through the install paths: `pip install -e .` (both pip isolation modes),
`uv pip install -e .` and `uv sync` (with the cache keys maturin projects set), each re-run after
an edit of the extension's source, into one venv per cell; the installed module is imported,
called, and must have been written after the edit."""

from pathlib import Path

import pytest

from tests.e2e.harness_run import Run, assert_every_wheel_works, joined, run_harness

pytestmark = pytest.mark.e2e

CHURNING = ("pip-venv-install-e", "uv-pip-install-e", "uv-sync")  # a fresh build env per install
FRONTENDS = (*CHURNING, "pip-install-e")  # pip's default isolation: pip's own, stable interpreter


def _edit_loop(frontends: tuple[str, ...], base: Path, *more: str) -> Run:
    args = ["--frontend", ",".join(frontends), "--strategy", "stock,frontend-patch", "--sample", "pyo3-ext"]
    return run_harness([*args, "--pyo3", "0.29.2", "--scenario", "warm,incremental", *more], base)


@pytest.fixture(scope="module")
def run(module_dir: Path) -> Run:
    # Two attempts of uv sync's: its first warm run rebuilds (see below), its second must not.
    synced = _edit_loop(("uv-sync",), module_dir / "uv-sync", "--repeat", "2")
    others = _edit_loop(tuple(f for f in FRONTENDS if f != "uv-sync"), module_dir / "others")
    return joined(others, *synced.result.cells) if synced.returncode == 0 else synced


def test_every_install_imports_and_the_edit_reaches_the_installed_module(run: Run) -> None:
    assert run.returncode == 0, run.output[-3000:]
    assert len(run.result.cells) == 2 * len(FRONTENDS)
    assert_every_wheel_works(run)
    for cell in run.result.cells:
        edited = cell.build("incremental")
        assert edited is not None and edited.wheel is not None
        assert edited.wheel.tags == "installed" and edited.wheel.fresh is True, cell.id


@pytest.mark.parametrize("frontend", CHURNING)
def test_stock_recompiles_the_chain_on_every_edit_and_the_patch_set_only_the_edited_crate(
    run: Run, frontend: str
) -> None:
    stock = run.build(frontend, "stock", "pyo3-ext", "incremental")
    assert {"pyo3-ffi", "pyo3", "pyo3-ext"} <= set(stock.rebuilt)
    root = next(c for c in stock.causes if c.kind != "dep")
    assert (root.kind, root.var) == ("env", "PYO3_PYTHON")
    patched = run.build(frontend, "frontend-patch", "pyo3-ext", "incremental")
    assert patched.rebuilt == ["pyo3-ext"]


def test_uv_sync_rebuilds_only_when_a_cache_key_changed(run: Run) -> None:
    """The `**/*.rs` key also matches sources a build generates under target/ (target-lexicon's
    out/host.rs): the first sync after a build finds the key changed and rebuilds (so stock
    recompiles the chain once more); the next sync, with nothing written since, builds nothing."""
    for strategy in ("stock", "frontend-patch"):
        first, second = run.cell("uv-sync", strategy, "pyo3-ext").attempts("warm")
        assert first.cargo_seconds is not None, "uv ran the backend: the cache key had changed"
        assert second.rebuilt == [] and second.reran == [] and second.cargo_seconds is None
    assert {"pyo3-ffi", "pyo3"} <= set(run.build("uv-sync", "stock", "pyo3-ext", "warm").rebuilt)


def test_pip_default_isolation_keeps_its_interpreter_and_does_not_churn(run: Run) -> None:
    for strategy in ("stock", "frontend-patch"):
        assert run.build("pip-install-e", strategy, "pyo3-ext", "incremental").rebuilt == ["pyo3-ext"]
