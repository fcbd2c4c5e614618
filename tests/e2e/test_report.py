"""A real `run --repeat 2`, then `report` on its results.json: repeat statistics, the merged
file's provenance, and report.html drawn by headless Chromium.

Three builds (cold, then warm twice) of the one cell that churns: uv with stock pyo3. The other
strategies' charts are checked on recorded results (tests/unit/test_html_browser.py)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from harness.report.stats import scenario_stats
from tests.browser import BLUE, CAUSE_RGB, bars, screenshot
from tests.e2e.conftest import SUITE_SETTINGS
from tests.e2e.harness_run import REPO, Run, assert_every_wheel_works, read_checked, run_harness

pytestmark = pytest.mark.e2e

ARGS = ["--frontend", "uv", "--strategy", "stock", "--sample", "pyo3-ext", "--scenario", "warm"]


@pytest.fixture(scope="module")
def run(module_dir: Path) -> Run:
    return run_harness([*ARGS, "--repeat", "2"], module_dir, seeded=False)  # its charts show the cold build


@pytest.fixture(scope="module")
def report(run: Run, module_dir: Path) -> tuple[subprocess.CompletedProcess[str], Path]:
    out = module_dir / "report"
    results = run.out / "results.json"
    argv = [sys.executable, "-m", "harness", "report", str(results), "--out", str(out)]
    argv += ["--compare", str(results), "--fail-on-regression"]
    done = subprocess.run(argv, cwd=REPO, env=dict(os.environ), capture_output=True, text=True, timeout=300)
    return done, out


def test_each_warm_build_ran_twice_and_every_wheel_works(run: Run) -> None:
    assert run.returncode == 0, run.output[-3000:]
    assert_every_wheel_works(run)
    assert len(run.result.cells) == 1
    for cell in run.result.cells:
        assert [(b.scenario, b.attempt) for b in cell.builds] == [("cold", 0), ("warm", 0), ("warm", 1)]
        logs = run.out / "logs" / cell.id
        assert (logs / "warm.log").exists() and (logs / "warm.attempt1.log").exists()
        assert (logs / "warm.attempt1.fingerprints.json").exists()
        assert cell.reproduce.endswith("--scenario cold,warm --repeat 2")


def test_the_suites_cargo_settings_are_recorded_and_repeated(run: Run) -> None:
    assert run.result.toolchain.settings == SUITE_SETTINGS
    [cell] = run.result.cells
    assert cell.reproduce.startswith("CARGO_PROFILE_RELEASE_OPT_LEVEL=0 pyo3-harness run ")
    assert "every build with CARGO_PROFILE_RELEASE_OPT_LEVEL=0" in (run.out / "report.md").read_text()


def test_repeat_statistics_are_reported(run: Run) -> None:
    cell = run.cell("uv", "stock", "pyo3-ext")
    stock = scenario_stats(cell, "warm")
    assert stock is not None
    # Every warm rebuild gets a new build venv, so every attempt recompiles the same chain.
    assert stock.units == (3, 3) and not stock.unstable_units
    # The figures are the two recorded attempts' own seconds, in attempt order.
    assert stock.seconds == tuple(b.seconds for b in cell.attempts("warm"))
    assert stock.low is not None and stock.high is not None
    # The cell's row in the table of every cell (the decision table above it has a stock row too).
    lines = (run.out / "report.md").read_text().splitlines()
    row = next(line for line in lines if line.startswith("| uv ") and "| stock |" in line)
    assert f"| {stock.seconds_text().replace(' wide spread', ' **wide spread**')} |" in row
    assert f"({stock.low:.1f}–{stock.high:.1f})" in row


def test_report_merges_compares_and_draws(
    run: Run, report: tuple[subprocess.CompletedProcess[str], Path]
) -> None:
    done, out = report
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 regression(s) against" in done.stdout
    merged = read_checked(out / "results.json")
    assert merged.cells == run.result.cells
    [source] = merged.sources
    assert list(source.command) == run.result.command and list(source.cells) == [
        c.id for c in run.result.cells
    ]
    assert "No regressions beyond noise." in (out / "report.md").read_text()
    page = (out / "report.html").read_text()
    assert page.count('class="cell-chart"') == 1 and "http" not in page
    image = screenshot(out / "report.html", out / "report.png", width=1280, height=1600)
    assert bars(image, BLUE, 250) == 1  # the cold build, the slowest: the full 300 px
    assert bars(image, CAUSE_RGB["env"], 90) == 1  # stock's warm rebuild: PYO3_PYTHON changed
    assert bars(image, CAUSE_RGB["dep"], 190) == 1  # and its cascade to pyo3, pyo3-ext
