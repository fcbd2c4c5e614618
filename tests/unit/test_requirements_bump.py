"""The requirements verdict after the build environment's requirement moved up, fed with a real run
(tests/fixtures/requirements-bump): stock isolated frontends pass; pip's default isolation, no
isolation, env-dir and the v2 series keep what was built with the old requirement."""

from dataclasses import replace
from pathlib import Path

import pytest

from harness.install.probe import BUMPED, VERSION
from harness.measure.safety import Evidence, evaluate
from harness.model.results import CellResult, RunResult, Wheel
from harness.workbench.samples import SAMPLES
from tests.conftest import FIXTURES, recorded_result

BUMP = FIXTURES / "requirements-bump" / "results.json"


@pytest.fixture
def bump() -> RunResult:
    return recorded_result(BUMP)


def _evidence(run: RunResult, cell: CellResult) -> Evidence:
    assert cell.isolated is not None
    imports = SAMPLES[cell.sample].imports_build_requirements
    return Evidence(cell, cell.isolated, imports, str(run.python.base_executable), bump=(VERSION, BUMPED))


def _requirements(run: RunResult, cell: CellResult) -> tuple[str, str]:
    [verdict] = [v for v in evaluate(_evidence(run, cell)) if v.check == "requirements"]
    return verdict.status, verdict.detail


def test_the_recorded_builds_give_the_recorded_verdicts(bump: RunResult) -> None:
    for cell in bump.cells:
        assert evaluate(_evidence(bump, cell)) == cell.checks, cell.id


def test_only_stock_isolated_frontends_carry_the_new_requirement(bump: RunResult) -> None:
    passing = {(c.frontend, c.strategy) for c in bump.cells if _requirements(bump, c)[0] == "pass"}
    assert passing == {("pip-venv", "stock"), ("build", "stock"), ("uv", "stock")}
    for cell in bump.cells:
        status, detail = _requirements(bump, cell)
        bumped = cell.build("requirements-bump")
        assert bumped is not None and bumped.wheel is not None and bumped.wheel.built_with is not None
        carried = bumped.wheel.built_with["probe"]
        assert carried == (BUMPED if status == "pass" else VERSION), cell.id
        if status == "fail":
            assert "cargo re-ran no build script" in detail and bumped.reran == [], (cell.id, detail)


def test_the_pass_names_where_the_requirement_was_imported_from(bump: RunResult) -> None:
    cell = next(c for c in bump.cells if (c.frontend, c.strategy) == ("build", "stock"))
    bumped = cell.build("requirements-bump")
    assert bumped is not None and bumped.wheel is not None and bumped.wheel.built_with is not None
    origin = bumped.wheel.built_with["probe_origin"]
    assert Path(origin).name == "pyo3_harness_probe.py" and "/build-env-" in origin
    assert _requirements(bump, cell)[1].endswith(f"(last imported from {origin})")


def test_a_wheel_that_says_nothing_is_an_error_not_a_pass(bump: RunResult) -> None:
    cell = next(c for c in bump.cells if (c.frontend, c.strategy) == ("build", "stock"))
    for build in cell.builds:
        if build.wheel is not None:
            build.wheel = replace(build.wheel, built_with=None)
    status, detail = _requirements(bump, cell)
    assert status == "error" and detail.endswith("the wheel did not say which it was built with")


def test_a_script_that_re_ran_yet_found_the_old_requirement_is_said_so(bump: RunResult) -> None:
    cell = next(c for c in bump.cells if (c.frontend, c.strategy) == ("build", "env-dir"))
    bumped = cell.build("requirements-bump")
    assert bumped is not None
    bumped.reran = ["hazard"]  # as if the environment kept 1.0 and the script re-ran anyway
    status, detail = _requirements(bump, cell)
    assert status == "fail" and "cargo re-ran the build scripts of hazard, and still 1.0 was found" in detail


def test_the_wheel_record_keeps_what_the_check_said(bump: RunResult) -> None:
    again = RunResult.from_json(bump.to_json())
    wheels = [b.wheel for c in again.cells for b in c.builds if b.wheel is not None]
    assert all(isinstance(w, Wheel) and w.built_with for w in wheels)


def test_every_build_that_breaks_it_is_named(bump: RunResult) -> None:
    cell = next(c for c in bump.cells if (c.frontend, c.strategy) == ("build", "frontend-patch"))
    warm = cell.build("warm")
    assert warm is not None
    # As the v2 series' base-shim build failed on a real run (docs/decision-matrix.md).
    cell.builds.append(replace(warm, scenario="base-shim", status="failed", error="build failed with exit 1"))
    said = "pyo3-harness-hazard: the executable in pyo3's resolved config (/base) cannot import it\n"
    evidence = replace(_evidence(bump, cell), log_text=lambda b: said if b.scenario == "base-shim" else "")
    [verdict] = [v for v in evaluate(evidence) if v.check == "requirements"]
    assert verdict.status == "fail"
    first, second = verdict.detail.split("; ")
    assert (
        first
        == "base-shim: pyo3-harness-hazard: the executable in pyo3's resolved config (/base) cannot import it"
    )
    assert second.startswith(
        "requirements-bump: the build environment went from pyo3-harness-probe 1.0 to 2.0"
    )
