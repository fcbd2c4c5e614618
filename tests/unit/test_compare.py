"""Comparing a run with a baseline (`report --compare`), fed with results recorded from real runs."""

import copy
import dataclasses
import json
from pathlib import Path

import pytest

from harness.cli import main
from harness.model.results import RunResult
from harness.report.compare import Comparison, compare
from harness.report.compose import comparison_section
from harness.report.markdown import section
from tests.conftest import REPEATED, SINGLE

STOCK, EXPORTED = "uv--stock--pyo3-ext--pyo3-0.29.2", "uv--exported--pyo3-ext--pyo3-0.29.2"


def _verdicts(comparison: Comparison) -> dict[tuple[str, str], str]:
    return {(c.id, s.scenario): s.verdict for c in comparison.cells for s in c.scenarios}


def _broken_exported(result: RunResult) -> RunResult:
    """The repeated run as if `exported` had stopped working: its uv cell's builds replaced by the
    stock cell's real builds (pyo3 recompiles on every warm rebuild again)."""
    broken = copy.deepcopy(result)
    stock = next(c for c in broken.cells if c.id == STOCK)
    exported = next(c for c in broken.cells if c.id == EXPORTED)
    exported.builds = copy.deepcopy(stock.builds)
    return broken


def test_cold_builds_are_not_compared(single: RunResult, repeated: RunResult) -> None:
    slower = copy.deepcopy(repeated)
    for cell in slower.cells:
        cold = cell.build("cold")
        assert cold is not None
        cold.seconds *= 10  # a much slower cold build says nothing about churn
    comparison = compare(single, slower, "baseline.json")
    assert {s.scenario for c in comparison.cells for s in c.scenarios} == {"warm", "incremental"}
    assert all("cold" not in line for line in comparison.regressions)


def test_recompiling_more_crates_is_a_regression(repeated: RunResult) -> None:
    comparison = compare(repeated, _broken_exported(repeated), "baseline.json")
    [cell] = [c for c in comparison.cells if c.regressed]
    assert cell.id == EXPORTED
    warm = next(s for s in cell.scenarios if s.scenario == "warm")
    # Baseline warm: 0 crates, 0.26 s (0.26-0.27); now 3 crates, 6.1 s (5.8-6.5).
    assert warm.units_delta == 3
    assert warm.seconds_delta == pytest.approx(6.135 - 0.257)
    assert warm.threshold == 1.0  # spreads 0.01 s and 0.72 s, a quarter of 0.26 s: the floor wins
    assert warm.regressions == (
        "3 more crate(s) recompiled",
        "5.9 s slower by wall time (noise threshold 1.0 s)",
    )


def test_threshold_is_the_largest_of_one_second_a_quarter_and_the_spreads(repeated: RunResult) -> None:
    comparison = compare(repeated, repeated, "b.json")
    stock = next(c for c in comparison.cells if c.id == STOCK)
    warm, incremental = stock.scenarios
    assert warm.threshold == pytest.approx(0.25 * 6.135)  # 1.53 s: a quarter of the median wins
    assert incremental.threshold == pytest.approx(0.25 * 7.082)
    exported = next(c for c in comparison.cells if c.id == EXPORTED)
    assert exported.scenarios[0].threshold == 1.0  # 0.26 s builds: the 1 s floor wins


def test_noise_is_not_flagged(repeated: RunResult) -> None:
    slower = copy.deepcopy(repeated)
    cell = next(c for c in slower.cells if c.id == EXPORTED)
    for build in cell.attempts("warm"):
        build.seconds += 0.9  # 0.26 s -> 1.16 s: under the 1.0 s floor
    stock = next(c for c in slower.cells if c.id == STOCK)
    for build in stock.attempts("incremental"):
        build.seconds += 1.7  # 7.1 s -> 8.8 s: under 25% (1.77 s)
    comparison = compare(repeated, slower, "b.json")
    assert comparison.regressions == []
    for build in stock.attempts("incremental"):
        build.seconds += 0.2  # 1.9 s slower: over 25% of 7.08 s
    flagged = compare(repeated, slower, "b.json").regressions
    assert flagged == [f"{STOCK} incremental: 1.9 s slower by wall time (noise threshold 1.8 s)"]


def test_real_runs_on_the_same_machine(single: RunResult, repeated: RunResult) -> None:
    """The two recorded runs, hours apart on a shared 2-core machine: warm timings stay within
    noise, and units are identical, but the stock uv incremental build, measured once in the
    baseline at 5.3 s, took 6.8-8.0 s in all three later attempts: flagged as slower."""
    comparison = compare(single, repeated, str(SINGLE))
    verdicts = _verdicts(comparison)
    assert verdicts[(STOCK, "warm")] == "within noise"
    assert verdicts[(EXPORTED, "warm")] == "within noise"
    assert verdicts[(EXPORTED, "incremental")] == "within noise"
    assert verdicts[(STOCK, "incremental")] == "REGRESSION: 1.8 s slower by wall time (noise threshold 1.3 s)"
    assert all(s.units_delta == 0 for c in comparison.cells for s in c.scenarios)
    assert comparison.added == (
        "build--stock--pyo3-ext--pyo3-0.29.2",
        "build--exported--pyo3-ext--pyo3-0.29.2",
    )
    assert comparison.removed == ("uv--stock--pyo3-ext--pyo3-0.28.3", "uv--exported--pyo3-ext--pyo3-0.28.3")
    text = section(comparison_section(comparison))
    assert "**1 regression(s)**" in text
    assert "Added (not in the baseline): `build--stock--pyo3-ext--pyo3-0.29.2`" in text
    assert "Removed (only in the baseline): `uv--stock--pyo3-ext--pyo3-0.28.3`" in text
    assert f"| {STOCK} | warm | 3 / 7.1 | 3 / 6.1 (5.8–6.5) | +0 | -1.0 | wall | 1.8 | within noise |" in text


def test_a_build_that_now_fails_is_a_regression(repeated: RunResult) -> None:
    failing = copy.deepcopy(repeated)
    cell = next(c for c in failing.cells if c.id == EXPORTED)
    second = cell.attempts("warm")[1]
    second.fail("build failed with exit 1")
    assert compare(repeated, failing, "b.json").regressions == [f"{EXPORTED} warm: 1 of 3 attempt(s) failed"]
    cell.error, cell.builds = "frontend install failed", []
    assert f"{EXPORTED}: cell failed: frontend install failed" in compare(repeated, failing, "b").regressions


def test_cli_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text(
        json.dumps(_broken_exported(RunResult.from_json(json.loads(REPEATED.read_text()))).to_json())
    )
    out = str(tmp_path / "out")
    assert main(["report", str(broken), "--out", out, "--compare", str(REPEATED)]) == 0
    printed = capsys.readouterr().out
    assert f"2 regression(s) against {REPEATED}" in printed
    assert f"  {EXPORTED} incremental: 2 more crate(s) recompiled; 6.5 s slower" in printed
    assert (
        main(["report", str(broken), "--out", out, "--compare", str(REPEATED), "--fail-on-regression"]) == 1
    )
    assert (
        main(["report", str(REPEATED), "--out", out, "--compare", str(REPEATED), "--fail-on-regression"]) == 0
    )
    capsys.readouterr()
    assert main(["report", str(REPEATED), "--out", out, "--fail-on-regression"]) == 2
    assert "--fail-on-regression needs --compare" in capsys.readouterr().err
    html = (tmp_path / "out" / "report.html").read_text()
    assert "No regressions beyond noise." in html


def test_a_build_failing_in_both_runs_is_not_a_new_regression(repeated: RunResult) -> None:
    failing = copy.deepcopy(repeated)
    cell = next(c for c in failing.cells if c.id == EXPORTED)
    first = cell.attempts("warm")[0]
    first.fail("build failed with exit 1")
    comparison = compare(failing, failing, "b.json")
    assert comparison.regressions == []
    assert _verdicts(comparison)[(EXPORTED, "warm")] == "fails in both (1 of 3 attempt(s) now)"
    assert "| – / 0.3 (0.3–0.3) |" in section(comparison_section(comparison))


def _with_cargo_time(result: RunResult, cargo: float, extra_wall: float) -> RunResult:
    """The run as if cargo had reported ``cargo`` seconds for every warm build, and the frontend
    had spent ``extra_wall`` more seconds setting up its environment around it."""
    changed = copy.deepcopy(result)
    for cell in changed.cells:
        for build in cell.attempts("warm"):
            build.cargo_seconds = cargo
            build.seconds += extra_wall
    return changed


def test_cargo_time_decides_when_both_runs_recorded_it(repeated: RunResult) -> None:
    """Environment set-up under load made every warm build 5 s slower on the wall clock, while
    cargo did the same work in the same time: that is noise, not a regression."""
    before = _with_cargo_time(repeated, cargo=0.2, extra_wall=0.0)
    after = _with_cargo_time(repeated, cargo=0.2, extra_wall=5.0)
    comparison = compare(before, after, "baseline.json")
    warm = [s for c in comparison.cells for s in c.scenarios if s.scenario == "warm"]
    assert warm and all(s.clock == "cargo" and s.verdict == "within noise" for s in warm)
    assert not comparison.regressions
    faster = compare(after, _with_cargo_time(repeated, cargo=0.2, extra_wall=-0.2), "b.json")
    assert not any(s.improvements for c in faster.cells for s in c.scenarios if s.scenario == "warm")
    # cargo itself taking 3 s longer is a regression, named by its clock.
    slower = compare(before, _with_cargo_time(repeated, cargo=3.2, extra_wall=0.0), "b.json")
    assert any("3.0 s slower by cargo time" in line for line in slower.regressions)


def test_wall_time_decides_when_one_run_lacks_cargo_time(repeated: RunResult) -> None:
    after = _with_cargo_time(repeated, cargo=0.2, extra_wall=5.0)
    comparison = compare(repeated, after, "baseline.json")
    warm = [s for c in comparison.cells for s in c.scenarios if s.scenario == "warm"]
    assert all(s.clock == "wall" for s in warm)
    assert any("slower by wall time" in line for line in comparison.regressions)


def test_runs_compiled_with_other_cargo_settings_compare_crates_not_times(repeated: RunResult) -> None:
    faster = copy.deepcopy(_broken_exported(repeated))
    faster.toolchain = dataclasses.replace(
        faster.toolchain, settings={"CARGO_PROFILE_RELEASE_OPT_LEVEL": "0"}
    )
    comparison = compare(repeated, faster, "baseline.json")
    assert comparison.untimed is not None
    assert "baseline: none; now: CARGO_PROFILE_RELEASE_OPT_LEVEL=0" in comparison.untimed
    [cell] = [c for c in comparison.cells if c.regressed]
    warm = next(s for s in cell.scenarios if s.scenario == "warm")
    assert warm.regressions == ("3 more crate(s) recompiled",), "the crates still count, the seconds not"
    assert comparison.untimed in section(comparison_section(comparison))
    assert compare(repeated, repeated, "b.json").untimed is None
