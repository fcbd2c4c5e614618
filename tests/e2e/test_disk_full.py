"""A disk that fills up mid-build and mid-download: size-limited tmpfs mounts as the work dir
and the cache (the suite runs as root, as CI does; a machine where it cannot mount fails these
tests rather than skipping them, so a CI change that loses root is seen)."""

import contextlib
import os
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.harness_run import harness_command, read_checked, start_harness

pytestmark = pytest.mark.e2e

# One pyo3-ext cell's work dir (work copy and target dir) is tens of MB (71 MB optimised): once
# the first cell is kept, the tmpfs shrinks to what is used plus 10 MB, so the second cell runs
# out of space while cargo writes its target dir, whatever the build settings.
CELLS = ["--frontend", "uv", "--strategy", "exported,stock", "--sample", "pyo3-ext", "--scenario", "cold"]


def _mount(*args: str) -> None:
    done = subprocess.run(["mount", *args], capture_output=True, text=True, check=False)
    assert done.returncode == 0, (
        f"mount {' '.join(args)} failed (these tests need root, as CI has): {done.stderr.strip()}"
    )


@contextlib.contextmanager
def tmpfs(path: Path, size: str) -> Iterator[Path]:
    path.mkdir()
    _mount("-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path))
    try:
        yield path
    finally:
        subprocess.run(["umount", "--lazy", str(path)], check=False)


def _used_mb(path: Path) -> float:
    usage = os.statvfs(path)
    return (usage.f_blocks - usage.f_bfree) * usage.f_frsize / 2**20


def test_a_disk_full_mid_build_stops_the_run_keeps_finished_cells_and_the_same_run_resumes(
    tmp_path: Path,
) -> None:
    out = tmp_path / "out"
    results = out / "results.json"
    with tmpfs(tmp_path / "work", "400m") as work:
        proc = start_harness(CELLS, out, work)
        deadline = time.monotonic() + 1200
        while not (results.exists() and read_checked(results).cells) and proc.poll() is None:
            assert time.monotonic() < deadline, "the first cell never finished"
            time.sleep(0.1)
        _mount("-o", f"remount,size={int(_used_mb(work)) + 10}m", str(work))  # the disk fills up
        output, _ = proc.communicate(timeout=1800)
        assert proc.returncode == 3, output[-3000:]
        said = (
            f"pyo3-harness: no space left on device in {work}: free space and run again "
            f"(1 finished cell(s) kept in {results})"
        )
        assert said in output, output[-3000:]
        assert "Traceback" not in output
        kept = read_checked(results)
        assert kept.interrupted and [c.strategy for c in kept.cells] == ["exported"] and kept.cells[0].ok
        assert not list(work.glob("*--stock--*/src")), "the cell that ran out gave its work dir back"
        _mount("-o", "remount,size=400m", str(work))  # space freed
        proc = start_harness(CELLS, out, work)
        output, _ = proc.communicate(timeout=1800)
    assert proc.returncode == 0, output[-3000:]
    assert f"resuming the stopped run in {results}: 1 finished cell(s) kept" in output
    again = read_checked(results)
    assert [c.strategy for c in again.cells] == ["exported", "stock"] and again.cells[0] == kept.cells[0]
    assert all(b.ok and b.wheel is not None and b.wheel.ok for c in again.cells for b in c.builds)


def _prepare(cache: Path) -> subprocess.CompletedProcess[str]:
    args = [
        "prepare",
        "--frontend",
        "pip",
        "--strategy",
        "stock",
        "--sample",
        "pyo3-ext",
        "--scenario",
        "cold",
    ]
    return harness_command(*args, "--cache-dir", str(cache))


def test_a_cache_disk_full_mid_download_is_said_and_the_cache_stays_usable(tmp_path: Path) -> None:
    # uv's wheel alone (pip downloads it into the cache's pip-cache, then installs it into the
    # tools environment) is larger than 25 MB.
    with tmpfs(tmp_path / "cache", "25m") as cache:
        full = _prepare(cache)
        assert full.returncode == 3, full.stdout + full.stderr
        said = f"pyo3-harness: no space left on device in {cache}: free space and run again"
        assert full.stderr.strip().splitlines()[-1] == said, full.stderr[-3000:]
        assert "Traceback" not in full.stderr
        _mount("-o", "remount,size=400m", str(cache))
        again = _prepare(cache)
        assert again.returncode == 0, again.stdout + again.stderr
        assert again.stdout.strip().endswith(f"prepared 1 cell(s)' installs in {cache}")
        tools = [p for p in (cache / "envs").glob("tools-*") if p.is_dir()]
        assert len(tools) == 1 and (tools[0] / ".harness-env.json").exists()
        check = subprocess.run([tools[0] / "bin" / "uv", "--version"], capture_output=True, check=False)
        assert check.returncode == 0, "the tools environment a full disk cut short was made whole"
