"""--shard I/N: a deterministic slice of the selection; N shards cover it exactly once."""

import json
from pathlib import Path

import pytest

from harness.cli import build_parser, main, selection_from
from harness.errors import UsageError
from harness.install.frontends import DEFAULT_FRONTENDS
from harness.model.results import SCHEMA_FILE, RunResult
from harness.pins import load_pins
from harness.run.selection import Selection
from harness.run.shard import Shard, parse_shard, shards
from harness.workbench.samples import DEFAULT_SAMPLES
from harness.workbench.strategies import DEFAULT_STRATEGIES

SCHEMA = SCHEMA_FILE


def selection(*args: str) -> Selection:
    return selection_from(build_parser().parse_args(["run", *args]), load_pins(), Path("/nonexistent-cache"))


@pytest.mark.parametrize("count", [1, 2, 3, 5, 24, 30])
def test_shards_cover_the_default_matrix_exactly_once(count: int) -> None:
    everything = [c.id for c in selection().cells()]
    # The defaults apply to each other, so the default matrix is their product (one pyo3).
    size = len(DEFAULT_FRONTENDS) * len(DEFAULT_STRATEGIES) * len(DEFAULT_SAMPLES)
    assert len(everything) == size and len(set(everything)) == size
    dealt = [c.id for s in shards(count) for c in selection("--shard", str(s)).to_run()]
    assert sorted(dealt) == sorted(everything), "every cell once, none twice"
    sizes = [len(selection("--shard", str(s)).to_run()) for s in shards(count)]
    assert max(sizes) - min(sizes) <= 1, "round-robin keeps shards within one cell of each other"


def test_shard_is_round_robin_in_the_canonical_order() -> None:
    cells = [c.id for c in selection("--strategy", "stock,exported", "--sample", "pyo3-ext").cells()]
    second = selection("--strategy", "stock,exported", "--sample", "pyo3-ext", "--shard", "2/3").to_run()
    assert [c.id for c in second] == cells[1::3]
    again = selection("--strategy", "stock,exported", "--sample", "pyo3-ext", "--shard", "2/3").to_run()
    assert second == again, "deterministic"


def test_unsharded_run_runs_every_cell_and_records_no_shard() -> None:
    plain = selection("--sample", "pyo3-ext")
    assert plain.to_run() == plain.cells()
    assert plain.shard_record() is None


def test_shard_record_names_the_whole_selection_and_this_share() -> None:
    sharded = selection("--frontend", "uv,build", "--sample", "pyo3-ext", "--shard", "1/2")
    record = sharded.shard_record()
    assert record is not None
    assert record.index == 1 and record.count == 2
    assert list(record.cells) == [c.id for c in sharded.cells()]
    assert list(record.assigned) == [c.id for c in sharded.to_run()] == list(record.cells[0::2])


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("0/2", "--shard 0/2: shard index 0 is not between 1 and 2; accepted: I/N with 1 <= I <= N"),
        ("3/2", "--shard 3/2: shard index 3 is not between 1 and 2"),
        ("x", "--shard 'x' is not of the form I/N; accepted: I/N with 1 <= I <= N, e.g. 1/4"),
        ("1/0", "--shard 1/0: shard count 0 must be at least 1"),
        ("-1/2", "is not of the form I/N"),
        ("1/2/3", "is not of the form I/N"),
        ("", "is not of the form I/N"),
    ],
)
def test_bad_shards_are_usage_errors(text: str, message: str) -> None:
    with pytest.raises(UsageError) as caught:
        parse_shard(text)
    assert message in str(caught.value)


@pytest.mark.parametrize("text", ["0/2", "3/2", "x", "1/0"])
def test_bad_shard_exits_2_before_anything_is_written(
    text: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    assert main(["run", "--shard", text, "--out", str(out), "--cache-dir", str(tmp_path / "c")]) == 2
    err = capsys.readouterr().err
    assert "--shard" in err and "accepted: I/N with 1 <= I <= N" in err
    assert not out.exists()


def test_parse_accepts_whitespace_and_round_trips() -> None:
    assert parse_shard(" 2/4 ") == Shard(2, 4)
    assert str(Shard(2, 4)) == "2/4"
    assert Shard(1, 1).select(["a", "b"]) == ["a", "b"]
    assert Shard(3, 3).select(["a", "b"]) == [], "more shards than items: an empty share"


def test_empty_shard_writes_an_empty_valid_results_file_and_exits_0(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # One cell, two shards: the second has nothing to build, and needs no toolchain to say so.
    out = tmp_path / "out"
    argv = ["run", "--frontend", "uv", "--strategy", "stock", "--sample", "pyo3-ext", "--scenario", "cold"]
    argv += ["--shard", "2/2", "--out", str(out), "--cache-dir", str(tmp_path / "cache")]
    assert main(argv) == 0
    err = capsys.readouterr().err
    assert "shard 2/2 has no cells (the selection has 1); nothing to build" in err
    data = json.loads((out / "results.json").read_text())
    assert data["cells"] == [] and data["finished"] is not None
    assert data["shard"] == {
        "index": 2,
        "count": 2,
        "cells": ["uv--stock--pyo3-ext--pyo3-0.29.2"],
        "assigned": [],
    }
    import jsonschema

    jsonschema.validate(data, json.loads(SCHEMA.read_text()))
    assert (out / "report.md").exists()
    assert not (tmp_path / "cache").exists(), "nothing installed for an empty shard"


def test_sharded_results_match_the_schema_and_round_trip(fixtures: Path) -> None:
    import jsonschema

    schema = json.loads(SCHEMA.read_text())
    recorded = RunResult.from_json(json.loads((fixtures / "uv-pyo3-ext.results.json").read_text()))
    ids = [c.id for c in recorded.cells]
    recorded.shard = Shard(1, 2).record(ids, ids[0::2])
    data = recorded.to_json()
    jsonschema.validate(data, schema)
    assert RunResult.from_json(json.loads(json.dumps(data))) == recorded
    data["shard"]["index"] = 0
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, schema)
    data["shard"] = None
    jsonschema.validate(data, schema)
