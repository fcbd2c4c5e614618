"""Each safety verdict that looks at what was built fails on a known-bad build and passes on stock
and on patch set v3 (the frontend-patch and exported strategies' pyo3):

- a base of another version, reached as a user reaches it (base-mismatch: maturin told
  --interpreter for the second interpreter, PYO3_BASE_PYTHON naming the frontend's): v3 compares
  the two interpreters and falls back to PYO3_PYTHON, on pyo3 0.29.2 and 0.30.1 (the v2 series,
  which never compared them, fails in test_known_bad.py);
- the build environment's requirement bumped (requirements-bump), through pip-venv and uv
  (build's cells are test_decision_requirements.py's and the patch-set pool's): get() reads
  PYO3_PYTHON untracked, so a build script that tracks nothing itself is not re-run, with v3 as
  with v2 (the hazard the contract names); one that tracks PYO3_PYTHON, as get()'s documentation
  asks, sees the bump;
- the base exported by the user through a shim (base-shim): v3 records that the config came from
  the base, so build scripts get the build environment whatever the spelling; the v2 series, which
  compared the config's executable with PYO3_BASE_PYTHON byte for byte, hands them the base."""

from pathlib import Path

import pytest

from harness.pins import load_pins
from tests.e2e.harness_run import KNOWN_BAD, Run, run_harness

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


V2 = KNOWN_BAD / "pyo3-0.29.2-v2"


@pytest.fixture(scope="module")
def tracked(module_dir: Path) -> Run:
    args = ["--frontend", "pip-venv,uv", "--strategy", "frontend-patch"]
    args += ["--sample", "hazard:config-executable-tracked", "--scenario", "requirements-bump"]
    return run_harness(args, module_dir / "tracked")


@pytest.mark.parametrize("frontend", ["pip-venv", "uv"])
def test_a_bumped_requirement_reaches_the_wheel_of_a_script_that_tracks_pyo3_python(
    tracked: Run, frontend: str
) -> None:
    assert tracked.returncode == 0, tracked.output[-3000:]
    build = tracked.build(
        frontend, "frontend-patch", "hazard", "requirements-bump", "config-executable-tracked"
    )
    assert build.wheel is not None and build.wheel.built_with is not None, build.error
    assert build.wheel.built_with["probe"] == "2.0"
    assert build.rebuilt == ["hazard"], "the script re-ran, and no pyo3 crate recompiled"
    found = tracked.cell(frontend, "frontend-patch", "hazard", "config-executable-tracked").check(
        "requirements"
    )
    assert found is not None and found.status == "pass", found


@pytest.mark.parametrize("frontend", ["pip-venv", "uv"])
def test_a_bumped_requirement_reaches_the_wheel_on_stock_and_not_for_a_script_that_tracks_nothing(
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
def test_v3_falls_back_to_the_interpreter_maturin_was_told(run: Run, pyo3: str) -> None:
    stock = run.build("build", "stock", "pyo3-ext", "base-mismatch", pyo3=pyo3)
    mismatch = run.build("build", "frontend-patch", "pyo3-ext", "base-mismatch", pyo3=pyo3)
    primary = ".".join((run.result.python.version or "").split(".")[:2])
    assert mismatch.env["PYO3_BASE_PYTHON"] == run.result.python.base_executable
    assert mismatch.compiled_for is not None and mismatch.compiled_for["version"] != primary
    assert mismatch.compiled_for == stock.compiled_for
    assert mismatch.wheel is not None and stock.wheel is not None and mismatch.wheel.ok
    assert mismatch.wheel.tags == stock.wheel.tags
    for check in ("target", "wheel"):
        status, detail = verdict(run, "frontend-patch", check, pyo3)
        assert status == "pass", detail
    assert run.build("build", "frontend-patch", "pyo3-ext", "warm", pyo3=pyo3).rebuilt == []


@pytest.fixture(scope="module")
def shimmed(module_dir: Path) -> Run:
    args = ["--frontend", "build", "--strategy", "stock,exported", "--sample", "hazard:config-executable"]
    return run_harness([*args, "--scenario", "base-shim"], module_dir / "shimmed")


def test_a_base_spelled_through_a_shim_keeps_the_build_environment_with_v3(shimmed: Run) -> None:
    assert shimmed.returncode == 0, shimmed.output[-3000:]
    for strategy in ("stock", "exported"):
        found = shimmed.cell("build", strategy, "hazard").check("requirements")
        assert found is not None and found.status == "pass", found
    built = shimmed.build("build", "exported", "hazard", "base-shim")
    assert built.env["PYO3_BASE_PYTHON"].endswith("/spelled-base/python-shim"), built.env
    assert built.wheel is not None and built.wheel.built_with is not None
    assert "/site-packages/" in built.wheel.built_with["probe_origin"], "imported in the build environment"


def test_a_base_spelled_through_a_shim_loses_the_build_environment_with_the_v2_series(
    module_dir: Path,
) -> None:
    args = ["--frontend", "build", "--strategy", "exported", "--sample", "hazard:config-executable"]
    shimmed = run_harness(
        [*args, "--scenario", "base-shim", "--pyo3-series", str(V2)], module_dir / "shim-v2"
    )
    exported = shimmed.cell("build", "exported", "hazard").check("requirements")
    assert exported is not None and exported.status == "fail", exported
    assert exported.detail.startswith(
        "base-shim: pyo3-harness-hazard: the executable in pyo3's resolved config"
    )
