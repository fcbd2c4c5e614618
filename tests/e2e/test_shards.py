"""`run --shard I/N`, for real: two shards build exactly the unsharded run's cells, once each,
and measure the same warm rebuilds."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.e2e.harness_run import REPO, Run, assert_every_wheel_works, read_checked, run_harness

pytestmark = pytest.mark.e2e

SELECTION = ["--frontend", "uv,build", "--strategy", "stock,exported", "--sample", "pyo3-ext"]
SELECTION += ["--scenario", "warm"]


@pytest.fixture(scope="module")
def runs(module_dir: Path) -> dict[str, Run]:
    return {
        "1/2": run_harness([*SELECTION, "--shard", "1/2"], module_dir / "shard-1"),
        "2/2": run_harness([*SELECTION, "--shard", "2/2"], module_dir / "shard-2"),
        "all": run_harness(SELECTION, module_dir / "unsharded"),
    }


def test_every_run_succeeds(runs: dict[str, Run]) -> None:
    for run in runs.values():
        assert run.returncode == 0, run.output[-3000:]
        assert_every_wheel_works(run)


def test_shards_cover_the_unsharded_run_exactly_once(runs: dict[str, Run]) -> None:
    first, second, whole = (runs[k].result for k in ("1/2", "2/2", "all"))
    ids = {name: [c.id for c in runs[name].result.cells] for name in runs}
    assert len(ids["all"]) == 4
    assert not set(ids["1/2"]) & set(ids["2/2"]), "no cell in both shards"
    assert sorted(ids["1/2"] + ids["2/2"]) == sorted(ids["all"])
    assert ids["1/2"] == ids["all"][0::2] and ids["2/2"] == ids["all"][1::2], "round-robin"
    assert whole.shard is None
    assert first.shard is not None and second.shard is not None
    assert list(first.shard.cells) == list(second.shard.cells) == ids["all"]
    assert (first.shard.index, second.shard.index) == (1, 2)
    assert list(first.shard.assigned) == ids["1/2"] and list(second.shard.assigned) == ids["2/2"]


def test_warm_rebuilds_agree_per_cell(runs: dict[str, Run]) -> None:
    sharded = {c.id: c for key in ("1/2", "2/2") for c in runs[key].result.cells}
    for cell in runs["all"].result.cells:
        ours, theirs = cell.build("warm"), sharded[cell.id].build("warm")
        assert ours is not None and theirs is not None
        assert ours.rebuilt == theirs.rebuilt, cell.id
        expected = ["pyo3-ffi", "pyo3", "pyo3-ext"] if cell.strategy == "stock" else []
        assert ours.rebuilt == expected, cell.id


def test_report_merges_the_shards_into_the_unsharded_cells(runs: dict[str, Run], module_dir: Path) -> None:
    out = module_dir / "merged"
    argv = [sys.executable, "-m", "harness", "report"]
    argv += [str(runs[k].out / "results.json") for k in ("1/2", "2/2")] + ["--out", str(out)]
    done = subprocess.run(argv, cwd=REPO, env=dict(os.environ), capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    merged = read_checked(out / "results.json")
    whole = runs["all"].result
    assert sorted(c.id for c in merged.cells) == sorted(c.id for c in whole.cells)
    for cell in whole.cells:
        [again] = [c for c in merged.cells if c.id == cell.id]
        # Same crates per scenario (a cold build's order depends on cargo's parallel jobs).
        merged_units = [(b.scenario, sorted(b.rebuilt)) for b in again.builds]
        assert merged_units == [(b.scenario, sorted(b.rebuilt)) for b in cell.builds], cell.id
    assert (out / "report.md").exists() and (out / "report.html").exists()
