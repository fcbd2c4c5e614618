"""Build requirements must stay reachable: a strategy that hands build scripts the base
interpreter breaks projects whose build scripts import a build requirement; the frontend patch
with the base-aware pyo3 does not."""

from pathlib import Path

import pytest

from harness.model.results import Verdict
from harness.pins import load_pins
from tests.e2e.harness_run import Run, joined, run_harness
from tests.e2e.pool import Pool

pytestmark = pytest.mark.e2e

HAZARDS = ("config-executable", "pyo3-python")
SAMPLES = ("cffi-style", *(f"hazard:{v}" for v in HAZARDS))


@pytest.fixture(scope="module")
def run(module_dir: Path, pool: Pool) -> Run:
    args = ["--frontend", "build", "--strategy", "stock,maturin-base-python"]
    # requirements-bump: only the hazard samples report the version their build script found.
    mine = run_harness([*args, "--sample", ",".join(SAMPLES), "--scenario", "requirements-bump"], module_dir)
    # frontend-patch's cells, through build on the default pyo3, come from the shared runs
    # (tests/e2e/pool.py): the legacy cffi keying from "patched-cffi", the probes from "patch-set".
    default = load_pins().pyo3_versions[0]
    cffi = pool.run("patched-cffi").cell("build", "frontend-patch", "cffi-style", "legacy")
    probes = [pool.run("patch-set").cell("build", "frontend-patch", "hazard", v, default) for v in HAZARDS]
    return joined(mine, cffi, *probes)


def requirements(run: Run, strategy: str, sample: str, variant: str | None = None) -> Verdict:
    found = run.cell("build", strategy, sample, variant).check("requirements")
    assert found is not None, f"{strategy}/{sample}:{variant} has no requirements verdict"
    return found


def test_stock_reaches_its_build_requirements_everywhere(run: Run) -> None:
    for sample, variant in (("cffi-style", None), ("hazard", "config-executable"), ("hazard", "pyo3-python")):
        assert requirements(run, "stock", sample, variant).status == "pass"
        assert run.build("build", "stock", sample, "cold", variant).wheel is not None


@pytest.mark.parametrize("variant", HAZARDS)
def test_stock_rebuilds_with_the_bumped_requirement_and_says_where_it_came_from(
    run: Run, variant: str
) -> None:
    bumped = run.build("build", "stock", "hazard", "requirements-bump", variant)
    assert bumped.wheel is not None and bumped.wheel.built_with is not None
    assert bumped.wheel.built_with["probe"] == "2.0"
    origin = bumped.wheel.built_with["probe_origin"]
    # From the isolated build environment's site-packages, never the base interpreter's.
    assert "/build-env-" in origin and origin.endswith("/site-packages/pyo3_harness_probe.py"), origin
    verdict = requirements(run, "stock", "hazard", variant).detail
    assert "the build script re-ran and the wheel carries 2.0" in verdict and origin in verdict, verdict


def test_maturin_base_python_fails_the_requirements_check_on_cffi_style(run: Run) -> None:
    verdict = requirements(run, "maturin-base-python", "cffi-style")
    assert verdict.status == "fail", verdict
    assert "pyo3_harness_probe" in verdict.detail, verdict
    cold = run.build("build", "maturin-base-python", "cffi-style", "cold")
    assert not cold.ok and cold.log and "pyo3_harness_probe" in (cold.error or ""), cold.error
    assert requirements(run, "maturin-base-python", "hazard", "pyo3-python").status == "fail"


def test_frontend_patch_keeps_every_build_requirement_reachable_but_misses_a_bump(run: Run) -> None:
    # PYO3_PYTHON is still the build environment's python, and the base-aware pyo3 hands build
    # scripts that ask pyo3_build_config::get() for the interpreter the build environment's
    # python too (patches/pyo3/*/0002): cffi-style and both probes build.
    for sample, variant in (("cffi-style", None), ("hazard", "pyo3-python")):
        verdict = requirements(run, "frontend-patch", sample, variant)
        assert verdict.status == "pass", (sample, variant, verdict)
    # But get() reads PYO3_PYTHON untracked: a script that tracks nothing itself is not re-run
    # when only the build environment's requirement moves, and the wheel keeps the old one.
    verdict = requirements(run, "frontend-patch", "hazard", "config-executable")
    assert verdict.status == "fail" and "cargo re-ran no build script" in verdict.detail, verdict
    for build in run.cell("build", "frontend-patch", "hazard", "config-executable").builds:
        assert build.ok, (build.scenario, build.error)


def test_failed_builds_are_rows_with_logs(run: Run) -> None:
    assert run.returncode == 1, "a failed cell makes the run exit 1"
    failed = [c for c in run.result.cells if not c.ok]
    assert failed and all(c.builds and Path(c.builds[0].log).exists() for c in failed)
