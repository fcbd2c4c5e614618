"""The progress printer, fed with a real cell of the default selection and recorded builds."""

import io
from dataclasses import replace

from harness.model.progress import BuildDone, BuildStarted, CellFailed, CellStarted, Note
from harness.model.results import RunResult
from harness.pins import load_pins
from harness.report.terminal import ProgressPrinter, summarize
from harness.run.selection import Selection


def test_one_line_per_event_on_a_pipe(repeated: RunResult) -> None:
    stream = io.StringIO()
    printer = ProgressPrinter(total=2, stream=stream)
    [cell] = Selection.from_names(
        pyo3_versions=load_pins().pyo3_versions, frontends=["uv"], strategies=["stock"], samples=["pyo3-ext"]
    ).cells()
    warm = repeated.cells[0].attempts("warm")
    printer(CellStarted(str(cell.frontend), cell.strategy.name, cell.sample.spec, cell.pyo3))
    printer(BuildStarted("warm", 1))
    printer(BuildDone(warm[1]))
    printer(CellFailed("no cargo\nmore"))
    printer(Note("done"))
    lines = stream.getvalue().splitlines()
    assert lines[0].startswith("[1/2 00:00] uv · stock · pyo3-ext · pyo3 ")
    assert lines[1] == "    warm (attempt 2): started at 00:00"
    assert lines[2] == "    warm (attempt 2): 6.5 s, recompiled pyo3-ffi, pyo3, pyo3-ext; wheel works"
    assert lines[3:] == ["    cell failed: no cargo", "done"]
    assert "\r" not in stream.getvalue(), "no terminal control codes in a log"


def test_a_failed_build_names_its_error_and_log(repeated: RunResult) -> None:
    record = repeated.cells[1].builds[1]
    record.fail("build failed with exit 1")
    assert summarize(record) == (
        f"warm: FAILED after {record.seconds:.1f} s (build failed with exit 1); log {record.log}"
    )
    assert record.wheel is not None
    record.status, record.wheel = "built", replace(record.wheel, ok=False)
    assert summarize(record).endswith("recompiled nothing; WHEEL CHECK FAILED")
