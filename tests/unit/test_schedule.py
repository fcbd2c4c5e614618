"""The order a cell's builds run in, and the not-run cascade after a failure, fed with builds
recorded from a real `run --repeat 3` (tests/fixtures/uv-build-repeat3.results.json)."""

from dataclasses import replace

import pytest

from harness.errors import HarnessError
from harness.model.progress import BuildDone, BuildStarted, Event
from harness.model.results import BuildRecord, RunResult
from harness.model.scenarios import Scenario
from harness.pins import load_pins
from harness.run.engine import run_schedule
from harness.run.selection import Cell, Selection


def cell(frontend: str, scenarios: list[str], repeat: int = 1) -> Cell:
    [only] = Selection.from_names(
        pyo3_versions=load_pins().pyo3_versions,
        frontends=[frontend],
        strategies=["stock"],
        samples=["pyo3-ext"],
        scenarios=scenarios,
        repeat=repeat,
    ).cells()
    return only


class Recorded:
    """Serves a recorded build for every call; fails or raises where told."""

    def __init__(self, result: RunResult, *, fail: str = "", raise_at: str = "") -> None:
        self.record = result.cells[0].builds[1]
        self.fail, self.raise_at = fail, raise_at
        self.calls: list[tuple[str, int]] = []

    def __call__(self, scenario: Scenario, attempt: int) -> BuildRecord:
        self.calls.append((scenario.name, attempt))
        if scenario.name == self.raise_at:
            raise HarnessError(f"{scenario.name}: the second interpreter is missing")
        failed = scenario.name == self.fail
        return replace(
            self.record, scenario=scenario.name, attempt=attempt, status="failed" if failed else "built"
        )


def test_every_scenario_and_attempt_runs_in_order(repeated: RunResult) -> None:
    events: list[Event] = []
    build = Recorded(repeated)
    builds = run_schedule(cell("uv", ["warm", "incremental"], repeat=2), build, events.append)
    expected = [("cold", 0), ("warm", 0), ("warm", 1), ("incremental", 0), ("incremental", 1)]
    assert build.calls == expected, "cold once: a wiped target is not repeated"
    assert [(b.scenario, b.attempt) for b in builds] == expected
    assert [type(e) for e in events] == [BuildStarted, BuildDone] * len(expected)


def test_a_failed_build_leaves_the_rest_not_run_naming_it(repeated: RunResult) -> None:
    build = Recorded(repeated, fail="warm")
    builds = run_schedule(cell("uv", ["warm", "incremental"], repeat=2), build, lambda _: None)
    assert build.calls == [("cold", 0), ("warm", 0)]
    later = builds[2:]
    assert [(b.scenario, b.attempt, b.ran) for b in later] == [
        ("warm", 1, False),
        ("incremental", 0, False),
        ("incremental", 1, False),
    ]
    assert later[0].error == "not run: the warm build of this cell failed"
    assert later[1].error == "not run: the warm build of this cell failed", "each names the failed build"


def test_each_spelling_of_the_base_is_built_after_another_fails_but_not_after_warm_fails(
    repeated: RunResult,
) -> None:
    spellings = ["base-symlink", "base-shim", "base-name"]
    build = Recorded(repeated, fail="base-shim")
    builds = run_schedule(cell("build", ["warm", *spellings]), build, lambda _: None)
    assert [name for name, _ in build.calls] == ["cold", "warm", *spellings]
    assert [b.status for b in builds] == ["built", "built", "built", "failed", "built"]
    build = Recorded(repeated, fail="warm")
    builds = run_schedule(cell("build", ["warm", *spellings]), build, lambda _: None)
    assert [name for name, _ in build.calls] == ["cold", "warm"]
    assert {b.error for b in builds[2:]} == {"not run: the warm build of this cell failed"}


def test_the_switch_is_built_once_per_second_interpreter_whatever_the_repeat(repeated: RunResult) -> None:
    build = Recorded(repeated)
    run_schedule(cell("build", ["warm", "switch-python"], repeat=3), build, lambda _: None, switches=2)
    assert build.calls == [
        ("cold", 0),
        ("warm", 0),
        ("warm", 1),
        ("warm", 2),
        ("switch-python", 0),
        ("switch-python", 1),
    ]


def test_a_setup_error_is_the_builds_row_and_stops_the_cell(repeated: RunResult) -> None:
    build = Recorded(repeated, raise_at="switch-python")
    builds = run_schedule(cell("build", ["warm", "switch-python"]), build, lambda _: None)
    assert [b.scenario for b in builds] == ["cold", "warm", "switch-python"]
    switched = builds[-1]
    assert not switched.ran and switched.error == "switch-python: the second interpreter is missing"


@pytest.mark.parametrize(("frontend", "skipped"), [("build", "other-venv"), ("uv-sync", "sdist-warm")])
def test_a_scenario_the_frontend_cannot_run_is_left_out(
    repeated: RunResult, frontend: str, skipped: str
) -> None:
    build = Recorded(repeated)
    run_schedule(cell(frontend, ["warm", skipped]), build, lambda _: None)
    assert [name for name, _ in build.calls] == ["cold", "warm"]


@pytest.mark.parametrize(
    ("sample", "built"), [("pyo3-ext", True), ("cffi-style", False), ("setuptools-rust-ext", False)]
)
def test_base_mismatch_runs_only_where_it_means_something(
    repeated: RunResult, sample: str, built: bool
) -> None:
    [only] = Selection.from_names(
        pyo3_versions=load_pins().pyo3_versions,
        frontends=["build"],
        strategies=["stock"],
        samples=[sample],
        scenarios=["warm", "base-mismatch"],
    ).cells()
    build = Recorded(repeated)
    run_schedule(only, build, lambda event: None)
    assert [name for name, _ in build.calls] == ["cold", "warm", *(["base-mismatch"] if built else [])]
