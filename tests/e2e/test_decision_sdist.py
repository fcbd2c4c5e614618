"""sdist builds unpack into a fresh temp dir and lose target/; a persistent CARGO_TARGET_DIR
turns the cold sdist rebuild into a warm one."""

from pathlib import Path

import pytest

from tests.e2e.harness_run import Run, assert_every_wheel_works, run_harness

pytestmark = pytest.mark.e2e

REGISTRY_CRATES = {"syn", "quote", "proc-macro2", "libc", "pyo3-build-config"}


@pytest.fixture(scope="module")
def run(module_dir: Path) -> Run:
    args = ["--frontend", "build", "--sample", "pyo3-ext", "--strategy", "stock,persistent-target-exported"]
    return run_harness([*args, "--scenario", "sdist-cold,sdist-warm"], module_dir)


def test_every_wheel_works(run: Run) -> None:
    assert run.returncode == 0, run.output[-3000:]
    assert_every_wheel_works(run)


def test_stock_sdist_rebuild_compiles_everything_again(run: Run) -> None:
    again = run.build("build", "stock", "pyo3-ext", "sdist-warm")
    assert set(again.rebuilt) >= REGISTRY_CRATES, again.rebuilt
    assert again.measured_from.startswith("cargo output"), "the temp target dir is gone"
    assert "--wheel" not in again.command, "built through the sdist"


def test_persistent_target_turns_it_into_a_warm_rebuild(run: Run) -> None:
    again = run.build("build", "persistent-target-exported", "pyo3-ext", "sdist-warm")
    assert again.measured_from == "fingerprints"
    assert not (REGISTRY_CRATES | {"pyo3-ffi", "pyo3"}) & set(again.rebuilt), again.rebuilt
    stock = run.build("build", "stock", "pyo3-ext", "sdist-warm")
    assert len(again.rebuilt) < len(stock.rebuilt)
