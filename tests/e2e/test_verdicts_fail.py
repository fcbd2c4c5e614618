"""Each safety verdict that looks at what was built fails on a known-bad build and passes on stock.

The known-bad builds here are the v2 pyo3 series' (the frontend-patch strategy's pyo3):
- with a base of another version, reached as a user reaches it (base-mismatch: maturin told
  --interpreter for the second interpreter, PYO3_BASE_PYTHON naming the frontend's): the v2 series
  resolves pyo3's config from the base and never compares it with PYO3_PYTHON;
- with the build environment's requirement bumped (requirements-bump), through pip-venv and uv
  (build's cells are test_decision_requirements.py's): get() reads PYO3_PYTHON untracked, so a
  build script that tracks nothing itself is not re-run;
- with the base exported by the user through a shim (base-shim): get() swaps in the build
  environment's interpreter only when the config's executable equals PYO3_BASE_PYTHON byte for
  byte, and a shim's interpreter names its real path, so build scripts get the base."""

from pathlib import Path

import pytest

from harness.pins import load_pins
from tests.e2e.harness_run import Run, run_harness

pytestmark = pytest.mark.e2e

# The default line and the newest (0.30.1, the line the pyo3 PR is written against).
VERSIONS = (
    load_pins().pyo3_versions[0],
    max(load_pins().pyo3_versions, key=lambda v: tuple(map(int, v.split(".")))),
)


@pytest.fixture(scope="module")
def run(module_dir: Path) -> Run:
    args = ["--frontend", "build", "--strategy", "stock,frontend-patch", "--sample", "pyo3-ext"]
    return run_harness([*args, "--pyo3", ",".join(VERSIONS), "--scenario", "warm,base-mismatch"], module_dir)


@pytest.fixture(scope="module")
def bumped(module_dir: Path) -> Run:
    args = [
        "--frontend",
        "pip-venv,uv",
        "--strategy",
        "stock,frontend-patch,no-isolation",
        "--sample",
        "hazard:config-executable",
    ]
    return run_harness([*args, "--scenario", "requirements-bump"], module_dir / "bumped")


@pytest.mark.parametrize("frontend", ["pip-venv", "uv"])
def test_a_bumped_requirement_reaches_the_wheel_on_stock_and_not_with_the_v2_series(
    bumped: Run, frontend: str
) -> None:
    assert bumped.returncode == 0, bumped.output[-3000:]
    said = {}
    for strategy in ("stock", "frontend-patch"):
        build = bumped.build(frontend, strategy, "hazard", "requirements-bump", "config-executable")
        assert build.ok and build.wheel is not None and build.wheel.built_with is not None, build.error
        found = bumped.cell(frontend, strategy, "hazard", "config-executable").check("requirements")
        assert found is not None
        said[strategy] = (build.wheel.built_with["probe"], found.status)
    assert said == {"stock": ("2.0", "pass"), "frontend-patch": ("1.0", "fail")}


def test_without_isolation_the_isolation_check_fails_and_the_bump_is_missed(bumped: Run) -> None:
    # pip-venv without isolation is plain pip (left out of the run); uv builds it.
    cell = bumped.cell("uv", "no-isolation", "hazard", "config-executable")
    checks = {v.check: v.status for v in cell.checks}
    assert (checks["isolation"], checks["requirements"]) == ("fail", "fail"), cell.checks
    assert {c.strategy for c in bumped.result.cells if c.frontend == "pip-venv"} == {
        "stock",
        "frontend-patch",
    }


def verdict(run: Run, strategy: str, check: str, pyo3: str) -> tuple[str, str]:
    found = run.cell("build", strategy, "pyo3-ext", pyo3=pyo3).check(check)
    assert found is not None, f"{strategy} has no {check} verdict"
    return found.status, found.detail


def test_both_cells_build_every_scenario(run: Run) -> None:
    for cell in run.result.cells:
        assert [(b.scenario, b.status) for b in cell.builds] == [
            ("cold", "built"),
            ("warm", "built"),
            ("base-mismatch", "built"),
        ], cell.id


@pytest.mark.parametrize("pyo3", VERSIONS)
def test_stock_builds_for_the_interpreter_maturin_was_told(run: Run, pyo3: str) -> None:
    mismatch = run.build("build", "stock", "pyo3-ext", "base-mismatch", pyo3=pyo3)
    primary = ".".join((run.result.python.version or "").split(".")[:2])
    assert mismatch.compiled_for is not None and mismatch.compiled_for["version"] != primary
    assert mismatch.wheel is not None and mismatch.wheel.ok
    assert verdict(run, "stock", "target", pyo3)[0] == "pass"


@pytest.mark.parametrize("pyo3", VERSIONS)
def test_the_v2_series_compiles_for_the_base_and_the_target_verdict_fails(run: Run, pyo3: str) -> None:
    mismatch = run.build("build", "frontend-patch", "pyo3-ext", "base-mismatch", pyo3=pyo3)
    primary = ".".join((run.result.python.version or "").split(".")[:2])
    assert mismatch.compiled_for is not None and mismatch.compiled_for["version"] == primary
    assert mismatch.wheel is not None and f"cp{primary.replace('.', '')}-" not in mismatch.wheel.tags
    status, detail = verdict(run, "frontend-patch", "target", pyo3)
    assert status == "fail", detail
    assert f"base-mismatch: compiled for CPython {primary}" in detail and "but the wheel is tagged" in detail


@pytest.fixture(scope="module")
def shimmed(module_dir: Path) -> Run:
    args = ["--frontend", "build", "--strategy", "stock,exported", "--sample", "hazard:config-executable"]
    return run_harness([*args, "--scenario", "base-shim"], module_dir / "shimmed")


def test_a_base_spelled_through_a_shim_loses_the_build_environment_with_the_v2_series(shimmed: Run) -> None:
    stock = shimmed.cell("build", "stock", "hazard").check("requirements")
    assert stock is not None and stock.status == "pass", stock
    exported = shimmed.cell("build", "exported", "hazard").check("requirements")
    assert exported is not None and exported.status == "fail", exported
    assert exported.detail.startswith(
        "base-shim: pyo3-harness-hazard: the executable in pyo3's resolved config"
    )
    shim = shimmed.build("build", "exported", "hazard", "base-shim").env["PYO3_BASE_PYTHON"]
    assert shim.endswith("/spelled-base/python-shim"), shim
