"""Repeat statistics (`run --repeat N`), fed with a results file recorded from a real --repeat 3 run."""

import copy
from dataclasses import replace
from pathlib import Path

import pytest

from harness.model.results import CellResult, RunResult
from harness.pins import load_pins
from harness.report.markdown import cells, escape, render
from harness.report.stats import scenario_stats
from harness.run.selection import Cell, Selection


def _cell(result: RunResult, cell_id: str) -> CellResult:
    return next(c for c in result.cells if c.id == cell_id)


def test_every_attempt_is_kept_and_build_returns_the_first(repeated: RunResult) -> None:
    cell = _cell(repeated, "uv--stock--pyo3-ext--pyo3-0.29.2")
    assert [(b.scenario, b.attempt) for b in cell.builds] == [
        ("cold", 0),
        ("warm", 0),
        ("warm", 1),
        ("warm", 2),
        ("incremental", 0),
        ("incremental", 1),
        ("incremental", 2),
    ]
    assert cell.build("warm") is cell.builds[1]
    assert [b.log.rsplit("/", 1)[-1] for b in cell.attempts("warm")] == [
        "warm.log",
        "warm.attempt1.log",
        "warm.attempt2.log",
    ]


def test_median_min_max_from_the_recorded_attempts(repeated: RunResult) -> None:
    cell = _cell(repeated, "uv--stock--pyo3-ext--pyo3-0.29.2")
    warm = scenario_stats(cell, "warm")
    assert warm is not None
    assert warm.seconds == (6.135, 6.54, 5.819)
    assert (warm.median, warm.low, warm.high) == (6.135, 5.819, 6.54)
    assert warm.seconds_text() == "6.1 (5.8–6.5)"
    assert (warm.first_units, warm.units, warm.unstable_units, warm.wide) == (3, (3, 3, 3), False, False)
    # 0.72 s of spread on a 6.1 s median is 12%: below the 25% that makes a spread untrustworthy.
    assert warm.spread == pytest.approx(0.721)


def test_a_single_attempt_has_no_range(single: RunResult) -> None:
    stats = scenario_stats(single.cells[0], "warm")
    assert stats is not None and stats.seconds_text() == "7.1" and stats.spread == 0.0
    assert all(b.attempt == 0 for c in single.cells for b in c.builds), "files without attempts read as 0"


def test_wide_spread_needs_both_relative_and_absolute_width(repeated: RunResult) -> None:
    cell = _cell(repeated, "build--exported--pyo3-ext--pyo3-0.29.2")
    warm = cell.attempts("warm")
    warm[2].seconds = 2.3  # 1.43..2.3: 0.87 s over a 1.69 s median (51%)
    stats = scenario_stats(cell, "warm")
    assert stats is not None and stats.wide and stats.seconds_text() == "1.7 (1.4–2.3) wide spread"
    fast = _cell(repeated, "uv--exported--pyo3-ext--pyo3-0.29.2")
    fast.attempts("warm")[2].seconds = 0.6  # 0.26..0.6: 130% of the median, but only 0.34 s
    quick = scenario_stats(fast, "warm")
    assert quick is not None and not quick.wide
    assert "**wide spread**" in cells(repeated)


def test_attempts_that_disagree_on_units_are_shown_as_unstable(repeated: RunResult) -> None:
    cell = _cell(repeated, "uv--stock--pyo3-ext--pyo3-0.29.2")
    exported = _cell(repeated, "uv--exported--pyo3-ext--pyo3-0.29.2")
    # The second attempt as if it had recompiled nothing: take a real record that did not.
    index = cell.builds.index(cell.attempts("warm")[1])
    nothing = copy.deepcopy(exported.build("warm"))
    assert nothing is not None and nothing.rebuilt == []
    nothing.attempt = 1
    cell.builds[index] = nothing
    stats = scenario_stats(cell, "warm")
    assert stats is not None and stats.unstable_units and stats.first_units == 3
    row = next(line for line in cells(repeated).splitlines() if "| uv 0.13.9 | stock |" in line)
    assert "3: pyo3-ffi, pyo3, pyo3-ext **(unstable: attempts recompiled 3, 0, 3)**" in row


def test_a_failed_attempt_is_counted_and_never_hidden(repeated: RunResult) -> None:
    cell = _cell(repeated, "build--stock--pyo3-ext--pyo3-0.29.2")
    third = cell.attempts("incremental")[2]
    third.fail("build failed with exit 1; see incremental.attempt2.log")
    stats = scenario_stats(cell, "incremental")
    assert stats is not None and (stats.attempts, stats.failed, stats.seconds) == (3, 1, (8.68, 8.814))
    md = render(repeated)
    assert "**(1 of 3 attempts failed)**" in md
    assert "- **incremental** attempt 3 (FAILED, 9.4 s" in md
    assert f"**1 cell(s) failed**: `{cell.id}`" in md


def test_repeat_schedule_and_reproduce_command() -> None:
    def only_cell(repeat: int) -> Cell:
        chosen = Selection.from_names(
            pyo3_versions=load_pins().pyo3_versions,
            frontends=["uv"],
            strategies=["stock"],
            samples=["pyo3-ext"],
            scenarios=["warm", "incremental"],
            repeat=repeat,
        )
        [cell] = chosen.cells()
        return cell

    cell = only_cell(3)
    assert [(s.name, cell.attempts(s)) for s in cell.scenarios] == [
        ("cold", 1),
        ("warm", 3),
        ("incremental", 3),
    ]
    assert cell.reproduce().endswith("--scenario cold,warm,incremental --repeat 3")
    assert "--repeat" not in only_cell(1).reproduce()
    flags = ["--pyo3-series", "/x/known bad", "--switch-python", "/usr/bin/python3.13"]
    assert cell.reproduce(flags=flags).endswith(
        "--repeat 3 --pyo3-series '/x/known bad' --switch-python /usr/bin/python3.13"
    ), "the run's flags that shaped the cell, quoted"


def test_report_states_the_spread_rule(repeated: RunResult, single: RunResult) -> None:
    rule = escape("(max − min) / median > 0.25 and max − min > 0.5 s")
    assert rule in render(repeated)
    assert rule not in render(single)


def test_reproduce_lines_are_shell_quoted_and_portable(tmp_path: Path) -> None:
    project = tmp_path / "my project"
    [sample] = Selection.from_names(pyo3_versions=load_pins().pyo3_versions, frontends=["uv"]).cells()[:1]
    cell = replace(sample, project=project, project_spec="rpds-py==2026.9.1")
    assert cell.reproduce().startswith("pyo3-harness run --frontend ")
    assert "--project rpds-py==2026.9.1 " in cell.reproduce(), "NAME==VERSION, not the cache path"
    local = replace(cell, project_spec=str(project))
    assert f"--project '{project}'" in local.reproduce()  # a path with a space survives copy-paste
    settings = {"CARGO_PROFILE_RELEASE_OPT_LEVEL": "0", "RUSTFLAGS": "-C target-cpu=native"}
    again = cell.reproduce(settings)
    assert again.startswith(
        "CARGO_PROFILE_RELEASE_OPT_LEVEL=0 'RUSTFLAGS=-C target-cpu=native' pyo3-harness run "
    )
