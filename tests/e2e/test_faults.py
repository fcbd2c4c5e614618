"""Faults: a failing build is a row with its log, and Ctrl-C keeps every finished cell."""

import os
import shutil
import signal
import time
from pathlib import Path

import pytest

from harness.model.results import read_results
from harness.workbench.samples import SAMPLES
from tests.e2e.harness_run import run_harness, start_harness

pytestmark = pytest.mark.e2e


def test_failing_build_is_a_row_with_its_log_and_the_run_goes_on(tmp_path: Path) -> None:
    project = tmp_path / "broken-ext"
    shutil.copytree(SAMPLES["pyo3-ext"].directory, project)
    with (project / "src" / "lib.rs").open("a") as handle:
        handle.write("\nfn broken( {\n")
    args = ["--project", str(project), "--frontend", "uv,pip", "--strategy", "stock", "--scenario", "cold"]
    run = run_harness(args, tmp_path)

    assert run.returncode == 1
    assert [c.frontend for c in run.result.cells] == ["uv", "pip"], "the second cell still ran"
    for cell in run.result.cells:
        [cold] = cell.builds
        assert not cold.ok and cold.returncode != 0
        assert "error" in Path(cold.log).read_text()
        assert cold.error is not None and cold.log in cold.error
    report = (run.out / "report.md").read_text()
    assert report.count("**failed** ([log](") == 2
    assert "2 cell(s) failed" in run.output


def test_interrupt_keeps_finished_cells(tmp_path: Path) -> None:
    out, work = tmp_path / "out", tmp_path / "work"
    args = ["--frontend", "uv", "--strategy", "exported,stock", "--sample", "pyo3-ext", "--scenario", "cold"]
    proc = start_harness(args, out, work)
    results = out / "results.json"
    deadline = time.monotonic() + 900
    while not (results.exists() and read_results(results).cells) and proc.poll() is None:
        assert time.monotonic() < deadline, "the first cell never finished"
        time.sleep(0.5)
    assert proc.poll() is None, "the run ended before it could be interrupted"
    time.sleep(3)  # let the second cell's build start
    os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C in a terminal does
    output, _ = proc.communicate(timeout=300)

    assert proc.returncode == 130, output
    kept = read_results(results)
    assert kept.interrupted
    assert [c.strategy for c in kept.cells] == ["exported"]
    assert kept.cells[0].ok
    assert f"1 finished cell(s) kept in {results}" in output
    assert "interrupted" in (out / "report.md").read_text()
