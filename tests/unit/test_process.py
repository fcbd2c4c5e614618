"""process.run: each command in a process group of its own, ended as a whole."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from harness.process import Completed, run

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX process groups")


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def _shell(tmp_path: Path, script: str, timeout: float | None = None) -> tuple[Completed, int]:
    """Run ``script`` (``$PIDFILE`` names where it writes its pid); the result and the shell's pid."""
    pidfile = tmp_path / "pid"
    script = script.replace("$PIDFILE", str(pidfile))
    env = {"PATH": os.environ["PATH"]}
    done = run(["sh", "-c", script], cwd=tmp_path, env=env, check=False, timeout=timeout)
    return done, int(pidfile.read_text())


def test_a_timeout_ends_the_whole_group(tmp_path: Path) -> None:
    # The shell starts a background child that would outlive it, then waits.
    done, pgid = _shell(tmp_path, "sleep 300 & echo $$ > $PIDFILE; wait", timeout=1)
    assert done.returncode == 124 and "timed out after 1" in done.output
    assert not _group_alive(pgid), "the background sleep outlived the timeout"


def test_helpers_left_behind_by_a_finished_command_are_ended(tmp_path: Path) -> None:
    done, pgid = _shell(tmp_path, "sleep 300 > /dev/null 2>&1 & echo $$ > $PIDFILE")
    assert done.returncode == 0
    assert pgid != os.getpgid(0), "the command ran in a group of its own"
    deadline = time.monotonic() + 5
    while _group_alive(pgid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _group_alive(pgid)


def test_an_interrupt_ends_the_running_group(tmp_path: Path) -> None:
    pidfile = tmp_path / "pid"

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGALRM, interrupt)
    signal.setitimer(signal.ITIMER_REAL, 1.0)
    try:
        with pytest.raises(KeyboardInterrupt):
            run(
                ["sh", "-c", f"echo $$ > {pidfile}; sleep 300"],
                cwd=tmp_path,
                env={"PATH": os.environ["PATH"]},
            )
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    assert not _group_alive(int(pidfile.read_text()))


def test_lines_are_handed_over_as_they_come_and_kept(tmp_path: Path) -> None:
    seen: list[tuple[str, float]] = []
    start = time.monotonic()
    done = run(
        ["sh", "-c", "echo first; sleep 1; echo second"],
        cwd=tmp_path,
        env={"PATH": os.environ["PATH"]},
        on_line=lambda line: seen.append((line, time.monotonic() - start)),
    )
    assert [line for line, _ in seen] == ["first", "second"]
    assert seen[0][1] < 0.9 <= seen[1][1], "the first line arrived before the command ended"
    assert done.output == "first\nsecond\n"


CHILD = """
import os, sys
from pathlib import Path
from harness.process import run
script = "echo $$ > {pidfile}; sleep 300"
run(["sh", "-c", script], cwd=Path("."), env={{"PATH": os.environ["PATH"]}})
"""


def test_a_harness_killed_by_sigkill_leaves_no_build_behind(tmp_path: Path) -> None:
    """A SIGKILL runs no handler: the guard process ends the build's group when the pipe from
    the harness closes (a real harness process, a real SIGKILL)."""
    pidfile = tmp_path / "pid"
    code = CHILD.format(pidfile=pidfile)
    harness = subprocess.Popen([sys.executable, "-c", code], cwd=Path(__file__).parents[2])
    deadline = time.monotonic() + 30
    while not (pidfile.exists() and pidfile.read_text().strip()):
        assert time.monotonic() < deadline and harness.poll() is None, "the build never started"
        time.sleep(0.05)
    pgid = int(pidfile.read_text())
    harness.kill()
    harness.wait()
    deadline = time.monotonic() + 10
    while _group_alive(pgid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _group_alive(pgid), "the build outlived the harness"
