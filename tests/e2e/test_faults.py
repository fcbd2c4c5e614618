"""Faults: a failing build is a row with its log, and Ctrl-C keeps every finished cell."""

import os
import shutil
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from harness.workbench.samples import SAMPLES
from tests.e2e.harness_run import (
    gone_in_time,
    named_in_groups,
    process_groups_below,
    read_checked,
    run_harness,
    start_harness,
)

pytestmark = pytest.mark.e2e


def test_failing_build_is_a_row_with_its_log_and_the_run_goes_on(tmp_path: Path) -> None:
    project = tmp_path / "broken-ext"
    shutil.copytree(SAMPLES["pyo3-ext"].directory, project)
    with (project / "src" / "lib.rs").open("a") as handle:
        handle.write("\nfn broken( {\n")
    args = ["--project", str(project), "--frontend", "uv,pip", "--strategy", "stock", "--scenario", "cold"]
    run = run_harness(args, tmp_path, seeded=False)

    assert run.returncode == 1
    assert [c.frontend for c in run.result.cells] == ["uv", "pip"], "the second cell still ran"
    for cell in run.result.cells:
        [cold] = cell.builds
        assert not cold.ok and cold.returncode != 0
        assert "error" in Path(cold.log).read_text()
        assert cold.error is not None and cold.log in cold.error
    report = (run.out / "report.md").read_text()
    assert report.count("**failed** ([log](") == 2
    page = (run.out / "report.html").read_text()  # every run writes the HTML report too
    assert all(cell.id in page for cell in run.result.cells)
    assert "2 cell(s) failed" in run.output


STOPPED = ["--frontend", "uv", "--strategy", "exported,stock", "--sample", "pyo3-ext", "--scenario", "cold"]


def _stop_mid_build(
    tmp_path: Path, send: Callable[[int], None], *, between: bool = False
) -> tuple[subprocess.Popen[str], str, Path]:
    """Run two cells, and once the first is kept and the second's compilers run (or, when
    ``between``, as soon as the first is kept), ``send``."""
    out, work = tmp_path / "out", tmp_path / "work"
    proc = start_harness(STOPPED, out, work)
    results = out / "results.json"
    deadline = time.monotonic() + 900
    while not (results.exists() and read_checked(results).cells) and proc.poll() is None:
        assert time.monotonic() < deadline, "the first cell never finished"
        time.sleep(0.1)
    if between:
        assert proc.poll() is None, "the run ended before it could be stopped"
        send(proc.pid)
        return proc, proc.communicate(timeout=300)[0], results
    groups: set[int] = set()
    while proc.poll() is None and not any(g != proc.pid for g in groups):
        assert time.monotonic() < deadline, "the second cell's build never started"
        groups = process_groups_below(proc.pid)
        time.sleep(0.2)
    assert proc.poll() is None, "the run ended before it could be stopped"
    time.sleep(3)  # let cargo and rustc get going
    groups = process_groups_below(proc.pid) - {proc.pid}
    assert groups, "the build runs in a process group of its own"
    send(proc.pid)
    output, _ = proc.communicate(timeout=300)
    assert gone_in_time(groups) == [], "a process the harness started outlived it"
    return proc, output, results


def _assert_kept(proc: subprocess.Popen[str], output: str, results: Path, signum: int) -> None:
    assert proc.returncode == 128 + signum, output
    kept = read_checked(results)
    assert kept.interrupted
    assert [c.strategy for c in kept.cells] == ["exported"]
    assert kept.cells[0].ok
    name = signal.Signals(signum).name
    assert f"interrupted by {name}: 1 finished cell(s) kept in {results}" in output
    assert "interrupted" in (results.parent / "report.md").read_text()


def test_ctrl_c_keeps_finished_cells_and_leaves_no_build_running(tmp_path: Path) -> None:
    # What Ctrl-C in a terminal does: SIGINT to the foreground process group.
    proc, output, results = _stop_mid_build(tmp_path, lambda pid: os.killpg(pid, signal.SIGINT))
    _assert_kept(proc, output, results, signal.SIGINT)


def test_sigterm_keeps_finished_cells_and_the_same_run_again_builds_only_the_rest(tmp_path: Path) -> None:
    # What kill, timeout and a cancelled CI job do: SIGTERM to the harness alone.
    proc, output, results = _stop_mid_build(tmp_path, lambda pid: os.kill(pid, signal.SIGTERM))
    _assert_kept(proc, output, results, signal.SIGTERM)
    kept = read_checked(results).cells[0]
    again = run_harness(STOPPED, tmp_path, seeded=False)  # the same selection, --out and --work-dir
    assert again.returncode == 0, again.output[-3000:]
    assert f"resuming the stopped run in {results}: 1 finished cell(s) kept" in again.output
    assert [c.strategy for c in again.result.cells] == ["exported", "stock"]
    assert again.result.cells[0] == kept and again.result.resumed == 1, "kept, not measured again"
    assert again.result.finished and not again.result.interrupted
    assert again.output.count("[1/") == 1 and "· exported ·" not in again.output, "only stock was built"


@pytest.mark.parametrize("when", ["between-cells", "mid-build"])
def test_sigkill_leaves_no_build_running_and_the_same_run_again_measures_every_cell_once(
    tmp_path: Path, when: str
) -> None:
    """SIGKILL (the OOM killer, a CI runner's hard stop) runs no handler in the harness: its
    guard ends the builds, and the results file written after the first cell is resumed."""
    kill = lambda pid: os.kill(pid, signal.SIGKILL)  # noqa: E731
    proc, output, results = _stop_mid_build(tmp_path, kill, between=when == "between-cells")
    assert proc.returncode == -signal.SIGKILL, output
    kept = read_checked(results)
    assert not kept.finished and not kept.interrupted, "SIGKILL leaves no mark but the missing end"
    assert [c.strategy for c in kept.cells] == ["exported"] and kept.cells[0].ok
    assert "has not finished" in (results.parent / "report.md").read_text()
    if when == "mid-build":
        return  # resuming reads only the results file, which is as the between-cells kill left it
    again = run_harness(STOPPED, tmp_path, seeded=False)  # the same selection, --out and --work-dir
    assert again.returncode == 0, again.output[-3000:]
    said = f"resuming the run that was killed (it recorded no end) in {results}: 1 finished cell(s) kept"
    assert said in again.output
    assert [c.strategy for c in again.result.cells] == ["exported", "stock"], "every cell once"
    assert again.result.cells[0] == kept.cells[0] and again.result.resumed == 1
    assert all(b.ok for c in again.result.cells for b in c.builds)
    assert again.result.finished and again.output.count("[1/") == 1, "only stock was built"


def _kill_a_compiler(proc: subprocess.Popen[str]) -> None:
    """SIGKILL a rustc compiling a crate of the harness's build (not one cargo or maturin asks
    for its version), as the kernel's OOM killer would."""
    deadline = time.monotonic() + 600
    while proc.poll() is None:
        assert time.monotonic() < deadline, "no rustc ever ran"
        for pid in named_in_groups(process_groups_below(proc.pid), "rustc", "--crate-name"):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                continue  # it finished first; try the next one
            return
        time.sleep(0.1)
    raise AssertionError("the run ended before a rustc could be killed")


def test_a_compiler_killed_mid_build_is_a_failed_row_and_the_next_run_rebuilds_its_target(
    tmp_path: Path,
) -> None:
    out, work = tmp_path / "out", tmp_path / "work"
    proc = start_harness(STOPPED, out, work)
    _kill_a_compiler(proc)
    output, _ = proc.communicate(timeout=900)
    assert proc.returncode == 1, output[-3000:]
    killed, other = read_checked(out / "results.json").cells
    [cold] = killed.builds
    assert not cold.ok and "(signal: 9, SIGKILL: kill)" in Path(cold.log).read_text(), "cargo names it"
    assert cold.error is not None and "rustc was killed by signal 9 (SIGKILL" in cold.error, cold.error
    assert "1 cell(s) failed" in output
    assert other.ok and other.builds[0].ok, "the run went on"
    # The killed cell again, on the same work dir: its half-written target dir is not trusted.
    again = ["--frontend", "uv", "--strategy", killed.strategy, "--sample", "pyo3-ext", "--scenario"]
    proc = start_harness([*again, "cold"], tmp_path / "again", work)
    output, _ = proc.communicate(timeout=900)
    assert proc.returncode == 0, output[-3000:]
    [cell] = read_checked(tmp_path / "again" / "results.json").cells
    [rebuilt] = cell.builds
    assert set(rebuilt.rebuilt) == set(other.builds[0].rebuilt), "every crate compiled afresh"
    assert rebuilt.wheel is not None and rebuilt.wheel.ok


def test_two_runs_of_one_cell_on_one_work_dir_take_turns(tmp_path: Path) -> None:
    """Two runs that build the same cell in the same work dir (as two runs with the default
    --work-dir do): the second waits for the first, saying so, and both measure a whole build."""
    work = tmp_path / "work"
    args = ["--frontend", "uv", "--strategy", "exported", "--sample", "pyo3-ext", "--scenario"]
    # The first builds three times: the second, started once the first has its work copy, reaches
    # the cell while the first still builds it.
    first = start_harness([*args, "cold,warm,incremental"], tmp_path / "out-1", work)
    deadline = time.monotonic() + 600
    while not list(work.glob("*/src")) and first.poll() is None:  # the first has its work copy
        assert time.monotonic() < deadline, "the first run never made its work copy"
        time.sleep(0.2)
    second = start_harness([*args, "cold"], tmp_path / "out-2", work)
    outputs = [proc.communicate(timeout=900)[0] for proc in (first, second)]
    for proc, output, out in zip((first, second), outputs, ("out-1", "out-2"), strict=True):
        assert proc.returncode == 0, output[-3000:]
        [cell] = read_checked(tmp_path / out / "results.json").cells
        assert cell.ok and all(b.ok for b in cell.builds), [b.error for b in cell.builds]
    assert "another run is building this cell in" in outputs[1] and "waiting for it" in outputs[1]
