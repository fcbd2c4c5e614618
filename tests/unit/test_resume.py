"""What a run keeps from the results file a stopped run left in --out, on recorded results."""

import copy
from dataclasses import replace
from pathlib import Path

from harness.model.results import RunResult, write_results
from harness.run.resume import resume


def stopped(recorded: RunResult, path: Path, *, killed: bool = False) -> RunResult:
    """``recorded`` as a run stopped after its first cell left it (by a signal it recorded, or
    ``killed``: SIGKILL, which leaves no mark); returns the run asking again."""
    earlier = copy.deepcopy(recorded)
    earlier.planned = [c.id for c in recorded.cells]
    earlier.finished, earlier.interrupted = None, not killed
    earlier.cells = earlier.cells[:1]
    write_results(earlier, path)
    again = copy.deepcopy(recorded)
    again.planned, again.cells = list(earlier.planned), []
    return again


def test_the_finished_cells_of_a_stopped_run_are_kept(repeated: RunResult, tmp_path: Path) -> None:
    path = tmp_path / "results.json"
    again = stopped(repeated, path)
    resumed = resume(path, again)
    assert [c.id for c in resumed.kept] == [repeated.cells[0].id]
    assert resumed.kept[0] == repeated.cells[0], "kept as measured"
    assert "1 finished cell(s) kept" in resumed.why


def test_a_killed_run_which_recorded_no_end_is_resumed_and_said_so(
    repeated: RunResult, tmp_path: Path
) -> None:
    path = tmp_path / "results.json"
    again = stopped(repeated, path, killed=True)
    resumed = resume(path, again)
    assert resumed.kept == repeated.cells[:1]
    said = f"resuming the run that was killed (it recorded no end) in {path}: 1 finished cell(s) kept"
    assert resumed.why == said


def test_cells_measured_otherwise_are_built_again(repeated: RunResult, tmp_path: Path) -> None:
    path = tmp_path / "results.json"
    again = stopped(repeated, path)
    for changed, why in (
        (replace(again, planned=again.planned[:1]), "it planned other cells"),
        (replace(again, pins=replace(again.pins, sha256="0" * 64)), "its pins differ"),
        (replace(again, harness_version="0.0.0"), "another harness version wrote it"),
    ):
        resumed = resume(path, changed)
        assert resumed.kept == [] and why in resumed.why and "starting afresh" in resumed.why


def test_a_finished_run_is_measured_again_and_a_broken_file_is_said(
    repeated: RunResult, tmp_path: Path
) -> None:
    path = tmp_path / "results.json"
    write_results(repeated, path)
    assert repeated.finished and resume(path, repeated) == resume(tmp_path / "absent.json", repeated)
    assert resume(path, repeated).kept == []
    path.write_text('{"cells": [')  # a file cut short
    broken = resume(path, repeated)
    assert broken.kept == [] and "is not readable" in broken.why
    path.write_text('{"cells": []}')
    assert "is no results file" in resume(path, repeated).why
