"""Patch set v3 on every sample that can break or churn, through the build frontend on both pyo3
lines: the warm rebuild recompiles no pyo3 crate, every safety verdict passes but one, and a
switch of base interpreter still rebuilds what it must. The one: a build script that asks
pyo3_build_config::get() for the interpreter and tracks nothing itself keeps what it built with
the old build requirement after the build environment's moves up (the requirements-bump
scenario): the hazard pyo3's documentation now names, with the one line that removes it, which
hazard:config-executable-tracked adds and passes with. pip-venv and uv are covered on pyo3-ext
by test_frontend_patch.py, and on that hazard by test_verdicts_fail.py."""

import pytest

from harness.measure.safety import PYO3_CHAIN
from harness.model.results import CellResult
from tests.e2e.harness_run import Run
from tests.e2e.pool import SHARED, Pool

pytestmark = pytest.mark.e2e

VERSIONS = tuple(SHARED["patch-set"].options["pyo3"].split(","))
SAMPLES = tuple(SHARED["patch-set"].options["sample"].split(","))


@pytest.fixture(scope="module")
def run(pool: Pool) -> Run:
    # build x frontend-patch x SAMPLES x VERSIONS (tests/e2e/pool.py).
    return pool.run("patch-set")


def _cell(run: Run, sample: str, pyo3: str) -> CellResult:
    name, _, variant = sample.partition(":")
    [cell] = [c for c in run.result.cells if (c.sample, c.variant or "", c.pyo3) == (name, variant, pyo3)]
    return cell


def test_the_run_passes(run: Run) -> None:
    assert run.returncode == 0, run.output[-3000:]
    assert len(run.result.cells) == len(SAMPLES) * len(VERSIONS)


@pytest.mark.parametrize("pyo3", VERSIONS)
@pytest.mark.parametrize("sample", SAMPLES)
def test_warm_rebuild_recompiles_no_pyo3_crate(run: Run, sample: str, pyo3: str) -> None:
    cell = _cell(run, sample, pyo3)
    warm = cell.build("warm")
    assert warm is not None and warm.ok, (cell.id, warm.error if warm else None)
    cell_id, rebuilt = cell.id, warm.rebuilt
    assert not set(rebuilt) & set(PYO3_CHAIN), (cell_id, rebuilt)
    if sample in ("hazard:pyo3-python", "hazard:config-executable-tracked"):
        # Its own build script tracks PYO3_PYTHON (as cryptography's cffi build does): only it reruns.
        assert set(rebuilt) <= {"hazard"}, (cell_id, rebuilt)
    else:
        assert rebuilt == [], (cell_id, rebuilt)


@pytest.mark.parametrize("pyo3", VERSIONS)
@pytest.mark.parametrize("sample", SAMPLES)
def test_every_safety_verdict_passes_but_the_requirement_bump(run: Run, sample: str, pyo3: str) -> None:
    cell = _cell(run, sample, pyo3)
    assert cell.checks, cell.id
    failed = [(v.check, v.status, v.detail) for v in cell.checks if v.status != "pass"]
    if sample == "hazard:config-executable":
        [(check, status, detail)] = failed
        assert (check, status) == ("requirements", "fail"), failed
        assert detail.startswith("requirements-bump: ") and "yet the wheel carries 1.0" in detail, detail
        return
    assert failed == [], (cell.id, failed)
    names = {v.check for v in cell.checks}
    assert {"isolation", "stale", "wheel"} <= names
    if cell.sample in ("cffi-style", "hazard"):
        assert "requirements" in names
    if sample == "hazard:config-executable-tracked":
        bumped = cell.build("requirements-bump")
        assert bumped is not None and bumped.wheel is not None and bumped.wheel.built_with is not None
        assert bumped.wheel.built_with["probe"] == "2.0" and bumped.rebuilt == ["hazard"], bumped.rebuilt


@pytest.mark.parametrize("pyo3", VERSIONS)
def test_switching_interpreter_rebuilds_the_chain(run: Run, pyo3: str) -> None:
    cell = _cell(run, "pyo3-ext", pyo3)
    switched = cell.build("switch-python")
    assert switched is not None and switched.ok and switched.wheel is not None and switched.wheel.ok
    assert set(PYO3_CHAIN) & set(switched.rebuilt), switched.rebuilt
    roots = {c.var for c in switched.causes if c.kind == "env"}
    assert "PYO3_BASE_PYTHON" in roots, roots
