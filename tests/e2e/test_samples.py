"""The other samples through uv: cryptography-style cffi keying, abi3, setuptools-rust."""

import pytest

from tests.e2e.harness_run import Run, assert_every_wheel_works
from tests.e2e.pool import Pool

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def run(pool: Pool) -> Run:
    return pool.run("samples")  # uv x stock,exported x the four samples, warm (tests/e2e/pool.py)


def test_every_wheel_imports_and_works(run: Run) -> None:
    assert run.returncode == 0, run.output[-3000:]
    assert len(run.result.cells) == 8
    assert_every_wheel_works(run)


def roots(run: Run, strategy: str, sample: str, variant: str | None = None) -> list[tuple[str, str | None]]:
    warm = run.build("uv", strategy, sample, "warm", variant)
    return [(c.unit, c.var) for c in warm.causes if c.kind != "dep"]


def test_legacy_cffi_build_script_reruns_even_with_base_python_exported(run: Run) -> None:
    warm = run.build("uv", "exported", "cffi-style", "warm", "legacy")
    assert warm.reran == ["cffi-style-cffi"]
    assert roots(run, "exported", "cffi-style", "legacy") == [("cffi-style-cffi", "PYO3_PYTHON")]
    # abi3 on pyo3 0.29: maturin hands pyo3 a config file, so pyo3 itself stays fresh.
    assert "pyo3" not in warm.rebuilt and "pyo3-ffi" not in warm.rebuilt


def test_base_aware_cffi_build_script_stays_fresh_when_base_python_is_exported(run: Run) -> None:
    warm = run.build("uv", "exported", "cffi-style", "warm", "base-aware")
    assert (warm.rebuilt, warm.reran, warm.causes) == ([], [], [])


def test_base_aware_falls_back_to_pyo3_python_when_nothing_is_exported(run: Run) -> None:
    assert roots(run, "stock", "cffi-style", "base-aware") == [("cffi-style-cffi", "PYO3_PYTHON")]


def test_abi3_does_not_churn_on_pyo3_029(run: Run) -> None:
    warm = run.build("uv", "stock", "pyo3-ext-abi3", "warm")
    assert warm.rebuilt == []
    assert warm.wheel is not None and "abi3" in warm.wheel.tags


def test_setuptools_rust_churns_like_maturin_and_exporting_fixes_it(run: Run) -> None:
    assert roots(run, "stock", "setuptools-rust-ext") == [("pyo3-ffi", "PYO3_PYTHON")]
    assert run.build("uv", "exported", "setuptools-rust-ext", "warm").rebuilt == []
