"""`run --shard I/N`, for real: two shards build exactly the selection's cells, once each and
round-robin, and `report` merges them into the whole selection (tests/e2e/pool.py's "churn"
run, which test_uv_and_build_churn.py reads as one run)."""

from pathlib import Path

import pytest

from harness.pins import load_pins
from harness.run.selection import Selection
from tests.e2e.harness_run import Run, assert_every_wheel_works
from tests.e2e.pool import SHARED, Pool

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def runs(pool: Pool) -> dict[str, Run]:
    return {"1/2": pool.part("churn", 1), "2/2": pool.part("churn", 2), "merged": pool.run("churn")}


def _canonical_ids() -> list[str]:
    """The unsharded selection's cells, in the order the harness shards them (no build)."""
    names = {key: value.split(",") for key, value in SHARED["churn"].options.items()}
    selection = Selection.from_names(
        pyo3_versions=load_pins().pyo3_versions,
        frontends=names["frontend"],
        strategies=names["strategy"],
        samples=names["sample"],
        scenarios=names["scenario"],
    )
    return [cell.id for cell in selection.cells()]


def test_every_shard_succeeds(runs: dict[str, Run]) -> None:
    for key in ("1/2", "2/2"):
        assert runs[key].returncode == 0, runs[key].output[-3000:]
        assert_every_wheel_works(runs[key])


def test_shards_cover_the_selection_exactly_once_round_robin(runs: dict[str, Run]) -> None:
    first, second = runs["1/2"].result, runs["2/2"].result
    ids = {name: [c.id for c in runs[name].result.cells] for name in ("1/2", "2/2")}
    everything = _canonical_ids()
    assert len(everything) == 2
    assert not set(ids["1/2"]) & set(ids["2/2"]), "no cell in both shards"
    assert ids["1/2"] == everything[0::2] and ids["2/2"] == everything[1::2], "round-robin"
    assert first.shard is not None and second.shard is not None
    assert list(first.shard.cells) == list(second.shard.cells) == everything
    assert (first.shard.index, second.shard.index) == (1, 2)
    assert list(first.shard.assigned) == ids["1/2"] and list(second.shard.assigned) == ids["2/2"]


def test_each_shard_measures_its_cells_warm_rebuild(runs: dict[str, Run]) -> None:
    for cell in (c for key in ("1/2", "2/2") for c in runs[key].result.cells):
        warm = cell.build("warm")
        assert warm is not None
        assert warm.rebuilt == [], cell.id  # PYO3_BASE_PYTHON exported: nothing churns


def test_report_merges_the_shards_into_the_whole_selection(runs: dict[str, Run]) -> None:
    merged = runs["merged"]
    assert merged.returncode == 0, merged.output[-3000:]
    assert merged.result.shard is None and len(merged.result.sources) == 2
    assert sorted(c.id for c in merged.result.cells) == sorted(_canonical_ids())
    for cell in (c for key in ("1/2", "2/2") for c in runs[key].result.cells):
        [again] = [c for c in merged.result.cells if c.id == cell.id]
        assert again == cell, "a merged cell is the shard's cell, unchanged"
    out: Path = merged.out
    assert (out / "report.md").exists() and (out / "report.html").exists()
