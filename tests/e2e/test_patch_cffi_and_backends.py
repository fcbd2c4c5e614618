"""Patched frontends with the cryptography-style sample, and the backend-side alternative: each
backend (maturin, setuptools-rust) exporting PYO3_BASE_PYTHON itself fixes its own builds, as the
frontend patch fixes both."""

from pathlib import Path

import pytest

from harness.pins import load_pins
from tests.e2e.harness_run import Run, assert_every_wheel_works, joined, run_harness
from tests.e2e.pool import Pool

pytestmark = pytest.mark.e2e

DEFAULT = load_pins().pyo3_versions[0]


@pytest.fixture(scope="module")
def cffi(pool: Pool) -> Run:
    # pip-venv,build,uv x frontend-patch x cffi-style:legacy,base-aware, warm (tests/e2e/pool.py).
    return pool.run("patched-cffi")


@pytest.fixture(scope="module")
def backends(module_dir: Path, pool: Pool) -> Run:
    """uv x stock,backend-patch,frontend-patch x pyo3-ext,setuptools-rust-ext, warm: the cells no
    shared run has are built here."""
    warm = ["--frontend", "uv", "--pyo3", DEFAULT, "--scenario", "warm"]
    mine = run_harness(
        [*warm, "--strategy", "backend-patch,frontend-patch", "--sample", "setuptools-rust-ext"],
        module_dir / "a",
    )
    more = run_harness([*warm, "--strategy", "backend-patch", "--sample", "pyo3-ext"], module_dir / "b")
    matrix = pool.run("matrix")
    shared = [matrix.cell("uv", s, "pyo3-ext", pyo3=DEFAULT) for s in ("stock", "frontend-patch")]
    shared.append(pool.run("samples").cell("uv", "stock", "setuptools-rust-ext"))
    if mine.returncode != 0:
        return mine
    return joined(more, *mine.result.cells, *shared)


def roots(run: Run, frontend: str, strategy: str, sample: str, variant: str | None = None) -> list[str]:
    build = run.build(frontend, strategy, sample, "warm", variant)
    return [f"{c.unit}:{c.var}" for c in build.causes if c.kind != "dep"]


def test_cffi_wheels_work(cffi: Run) -> None:
    assert cffi.returncode == 0, cffi.output[-3000:]
    assert_every_wheel_works(cffi)


@pytest.mark.parametrize("frontend", ["pip-venv", "build", "uv"])
def test_base_aware_cffi_keying_with_a_patched_frontend_recompiles_nothing(cffi: Run, frontend: str) -> None:
    build = cffi.build(frontend, "frontend-patch", "cffi-style", "warm", "base-aware")
    assert (build.rebuilt, build.causes) == ([], [])


@pytest.mark.parametrize("frontend", ["pip-venv", "build", "uv"])
def test_legacy_cffi_keying_still_reruns_its_build_script(cffi: Run, frontend: str) -> None:
    build = cffi.build(frontend, "frontend-patch", "cffi-style", "warm", "legacy")
    assert build.reran == ["cffi-style-cffi"]
    assert roots(cffi, frontend, "frontend-patch", "cffi-style", "legacy") == ["cffi-style-cffi:PYO3_PYTHON"]


def test_backend_wheels_work(backends: Run) -> None:
    assert backends.returncode == 0, backends.output[-3000:]
    assert_every_wheel_works(backends)


def test_backend_patch_is_as_good_as_frontend_patch_for_maturin(backends: Run) -> None:
    assert roots(backends, "uv", "stock", "pyo3-ext") == ["pyo3-ffi:PYO3_PYTHON"]
    assert backends.build("uv", "backend-patch", "pyo3-ext", "warm").rebuilt == []
    assert backends.build("uv", "frontend-patch", "pyo3-ext", "warm").rebuilt == []
    assert "patches/maturin" in backends.cell("uv", "backend-patch", "pyo3-ext").backend_source


def test_backend_patch_is_as_good_as_frontend_patch_for_setuptools_rust(backends: Run) -> None:
    assert roots(backends, "uv", "stock", "setuptools-rust-ext") == ["pyo3-ffi:PYO3_PYTHON"]
    assert backends.build("uv", "backend-patch", "setuptools-rust-ext", "warm").rebuilt == []
    assert backends.build("uv", "frontend-patch", "setuptools-rust-ext", "warm").rebuilt == []
    assert (
        "patches/setuptools-rust"
        in backends.cell("uv", "backend-patch", "setuptools-rust-ext").backend_source
    )


@pytest.fixture(scope="module")
def pinned(module_dir: Path) -> Run:
    """A user's own PYO3_PYTHON, on both backends, with a build script that imports a build
    requirement through the interpreter pyo3 resolved."""
    args = ["--frontend", "build", "--strategy", "stock,user-pyo3-python", "--scenario", "warm"]
    samples = "setuptools-rust-hazard:config-executable,hazard:config-executable"
    return run_harness([*args, "--sample", samples], module_dir / "pinned")


def test_a_users_pyo3_python_is_kept_by_setuptools_rust_and_loses_the_build_environment(pinned: Run) -> None:
    stock = pinned.cell("build", "stock", "setuptools-rust-hazard").check("requirements")
    assert stock is not None and stock.status == "pass", stock
    kept = pinned.cell("build", "user-pyo3-python", "setuptools-rust-hazard")
    found = kept.check("requirements")
    assert found is not None and found.status == "fail", found
    assert "the executable in pyo3's resolved config" in found.detail and "cannot import" in found.detail


def test_maturin_replaces_a_users_pyo3_python_and_keeps_churning(pinned: Run) -> None:
    warm = pinned.build("build", "user-pyo3-python", "hazard", "warm")
    assert warm.ok and "pyo3-ffi" in warm.rebuilt, warm.rebuilt
    [root] = [c for c in warm.causes if c.kind == "env" and c.unit == "pyo3-ffi"]
    assert root.var == "PYO3_PYTHON" and "/build-env-" in str(root.new), root
