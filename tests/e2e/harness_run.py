"""End-to-end helpers: run the real CLI, read the results file it wrote.

Installs and downloads go to the harness's normal cache (or ``$PYO3_HARNESS_CACHE``), shared
and locked across workers; every run gets its own work and output directories.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path

from harness.model.results import BuildRecord, CellResult, RunResult, schema_problem
from harness.process import GUARD_NAME

REPO = Path(__file__).resolve().parents[2]
# The session's seed dir (run --seed-dir), shared by every worker; tests/e2e/conftest.py sets it.
SEEDS = "PYO3_HARNESS_E2E_SEEDS"
# Known-bad pyo3 series, applied with `run --pyo3-series` (tests/fixtures/known-bad/README.md).
KNOWN_BAD = REPO / "tests" / "fixtures" / "known-bad"


@dataclass
class Run:
    returncode: int
    output: str
    out: Path
    result: RunResult

    def cell(
        self, frontend: str, strategy: str, sample: str, variant: str | None = None, pyo3: str | None = None
    ) -> CellResult:
        for cell in self.result.cells:
            if (cell.frontend, cell.strategy, cell.sample) == (frontend, strategy, sample) and (
                (variant is None or cell.variant == variant) and (pyo3 is None or cell.pyo3 == pyo3)
            ):
                return cell
        raise AssertionError(f"no cell {frontend}/{strategy}/{sample}/{variant}/{pyo3} in {self.out}")

    def build(
        self,
        frontend: str,
        strategy: str,
        sample: str,
        scenario: str,
        variant: str | None = None,
        pyo3: str | None = None,
    ) -> BuildRecord:
        record = self.cell(frontend, strategy, sample, variant, pyo3).build(scenario)
        assert record is not None, f"no {scenario} build"
        return record


def joined(run: Run, *cells: CellResult) -> Run:
    """``run`` with cells measured by another run of the same session (a shared run's, in
    tests/e2e/pool.py), as if one selection had built them all."""
    return Run(run.returncode, run.output, run.out, replace(run.result, cells=[*run.result.cells, *cells]))


def read_checked(path: Path) -> RunResult:
    """A results file the harness wrote, which must validate against results.schema.json."""
    data = json.loads(path.read_text(encoding="utf-8"))
    problem = schema_problem(data)
    assert problem is None, f"{path} does not match results.schema.json: {problem}"
    return RunResult.from_json(data)


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def start_harness(args: list[str], out: Path, work: Path) -> subprocess.Popen[str]:
    """The real CLI in its own process group (so a test can Ctrl-C it like a terminal does)."""
    return subprocess.Popen(
        [sys.executable, "-m", "harness", "run", *args, "--out", str(out), "--work-dir", str(work)],
        cwd=REPO,
        env=dict(os.environ),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
        # A shell running us in the background leaves SIGINT ignored, and an ignored SIGINT is
        # inherited; restore what a terminal gives a foreground command.
        preexec_fn=_default_sigint,
    )


def harness_command(*args: str, timeout: float = 900) -> subprocess.CompletedProcess[str]:
    """Any other subcommand of the real CLI (prepare, doctor, report), its output captured."""
    return subprocess.run(
        [sys.executable, "-m", "harness", *args],
        cwd=REPO,
        env=dict(os.environ),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def run_harness(args: list[str], base: Path, *, timeout: float = 2400, seeded: bool = True) -> Run:
    """The run's cold builds start from the session's seeds (run --seed-dir: the third-party
    crates compiled once per lock file), unless ``seeded`` is False: for tests of the cold build
    itself or of the run's own arguments."""
    out = base / "out"
    seeds = ["--seed-dir", os.environ[SEEDS]] if seeded and os.environ.get(SEEDS) else []
    proc = start_harness([*args, *seeds], out, base / "work")
    output, _ = proc.communicate(timeout=timeout)
    # Kept beside the results, so a run shared between workers (tests/e2e/pool.py) reads the same.
    (base / "output.txt").write_text(output, encoding="utf-8")
    (base / "returncode").write_text(str(proc.returncode), encoding="utf-8")
    results = out / "results.json"
    assert results.exists(), f"no results.json; harness said:\n{output[-5000:]}"
    return Run(proc.returncode, output, out, read_checked(results))


def assert_every_wheel_works(run: Run) -> None:
    for cell in run.result.cells:
        assert cell.error is None, cell.error
        for build in cell.builds:
            assert build.ok, f"{cell.id} {build.scenario} failed: {build.error} (log {build.log})"
            assert build.wheel is not None and build.wheel.ok, f"{cell.id} {build.scenario}: {build.wheel}"


def _is_guard(pid: int) -> bool:
    """The harness's guard process (harness/process.py), which is no build."""
    try:
        return GUARD_NAME.encode() in Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return False


def _stat(pid: str) -> tuple[int, int] | None:
    """(parent pid, process group) of a live process, from /proc (Linux)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return int(fields[1]), int(fields[2])


def process_groups_below(root: int) -> set[int]:
    """The process groups of every live descendant of ``root``."""
    table = {int(p): s for p in os.listdir("/proc") if p.isdigit() and (s := _stat(p)) is not None}
    below: set[int] = set()
    frontier = {root}
    while frontier:
        children = {pid for pid, (ppid, _) in table.items() if ppid in frontier} - below
        below |= children
        frontier = children
    return {table[pid][1] for pid in below if pid in table and not _is_guard(pid)}


def gone_in_time(groups: set[int], seconds: float = 15) -> list[int]:
    """Waits for every process of ``groups`` to end; those still alive after ``seconds``."""
    deadline = time.monotonic() + seconds
    while (alive := alive_in_groups(groups)) and time.monotonic() < deadline:
        time.sleep(0.2)
    return alive


def alive_in_groups(groups: set[int]) -> list[int]:
    """Live processes (not zombies) whose process group is one of ``groups``."""
    alive = []
    for pid in (p for p in os.listdir("/proc") if p.isdigit()):
        found = _stat(pid)
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if found is not None and found[1] in groups and state != "Z":
            alive.append(int(pid))
    return alive


def named_in_groups(groups: set[int], name: str, argument: str) -> list[int]:
    """Live processes called ``name`` (their /proc comm), with ``argument`` among their
    arguments, in one of ``groups``."""
    found = []
    for pid in alive_in_groups(groups):
        try:
            named = Path(f"/proc/{pid}/comm").read_text().strip() == name
            argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if named and argument.encode() in argv:
            found.append(pid)
    return found
