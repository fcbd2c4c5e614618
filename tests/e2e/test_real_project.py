"""A real pyo3 project from PyPI, end to end through `pyo3-harness survey`: the survey runs it as
`run --project NAME==VERSION`, which downloads its sdist (a `[dependencies.pyo3]` table, pyo3
0.29.3 locked: a release with no series of its own, so 0.29.2's is applied), measures its builds
like a sample's, and stores its row; a second survey keeps the row and builds nothing."""

import json
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from harness.measure.safety import PYO3_CHAIN
from harness.model.results import RunResult
from tests.e2e.harness_run import Run, assert_every_wheel_works, harness_command, read_checked

pytestmark = pytest.mark.e2e

# 19 crates, about a minute for a cold build on 2 cores: the smallest listed project that has it all.
NAME, PROJECT = "rpds-py", "rpds-py==2026.9.1"
SURVEY = ("--only", NAME, "--frontend", "build", "--strategy", "stock,frontend-patch", "--scenario", "warm")


@dataclass
class Surveyed:
    first: str  # what the first survey printed
    again: str  # the second one
    again_seconds: float
    out: Path
    run: Run


@pytest.fixture(scope="module")
def surveyed(module_dir: Path) -> Surveyed:
    out = module_dir / "survey"
    first = harness_command("survey", *SURVEY, "--out", str(out), timeout=2400)
    assert first.returncode == 0, first.stdout[-3000:] + first.stderr[-3000:]
    started = time.monotonic()
    again = harness_command("survey", *SURVEY, "--out", str(out), timeout=600)
    seconds = time.monotonic() - started
    assert again.returncode == 0, again.stdout[-3000:] + again.stderr[-3000:]
    results = out / "projects" / NAME / "out" / "results.json"
    result: RunResult = read_checked(results)
    return Surveyed(first.stdout, again.stdout, seconds, out, Run(0, first.stdout, results.parent, result))


def test_the_sdist_builds_and_its_wheel_imports(surveyed: Surveyed) -> None:
    run = surveyed.run
    assert [c.strategy for c in run.result.cells] == ["stock", "frontend-patch"]
    assert_every_wheel_works(run)
    for cell in run.result.cells:
        assert cell.pyo3 == "0.29.3", "the version cargo resolved from the project's lock file"
        assert f"--project {PROJECT}" in cell.reproduce, "a reader can re-run it anywhere"
        warm = cell.build("warm")
        assert warm is not None and warm.wheel is not None and warm.wheel.modules == ["rpds"]


def test_stock_recompiles_the_chain_and_the_patch_set_nothing(surveyed: Surveyed) -> None:
    stock, patched = (c.build("warm") for c in surveyed.run.result.cells)
    assert stock is not None and patched is not None
    assert {"pyo3-ffi", "pyo3"} <= set(stock.rebuilt) and set(stock.rebuilt) - set(PYO3_CHAIN)
    root = next(c for c in stock.causes if c.kind != "dep")
    assert (root.kind, root.var) == ("env", "PYO3_PYTHON")
    assert patched.rebuilt == [] and patched.reran == []


def test_the_projects_own_build_is_its_requirements_check(surveyed: Surveyed) -> None:
    for cell in surveyed.run.result.cells:
        verdicts = {v.check: v for v in cell.checks}
        assert verdicts["requirements"].status == "pass", verdicts["requirements"].detail


def test_the_row_and_both_reports_say_what_was_measured(surveyed: Surveyed) -> None:
    row = json.loads((surveyed.out / "projects" / NAME / "row.json").read_text())
    assert (row["project"], row["status"], row["exit"]) == (PROJECT, "measured", 0)
    # cargo's own account (its builds ran verbose) names what we read: stock's warm rebuild.
    assert row["cargo"] == "agrees on 1 rebuild(s)", row
    assert not (surveyed.out / "projects" / NAME / "work").exists(), "the work copies are removed"
    table = (surveyed.out / "survey.md").read_text()
    line = next(line for line in table.splitlines() if PROJECT in line)
    assert "| measured" in line and "PYO3_PYTHON changed" in line, line
    assert (
        "build: a stock warm rebuild recompiles crates in 1 of 1 projects; with the patch set in 0 of 1"
        in table
    )
    assert PROJECT in (surveyed.out / "survey.html").read_text()


def test_a_second_survey_builds_nothing(surveyed: Surveyed) -> None:
    assert f"[1/1] {PROJECT}: measured already, with the same stamp" in surveyed.again
    assert "measuring" not in surveyed.again
    assert surveyed.again_seconds < 60, "no build ran"
