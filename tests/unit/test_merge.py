"""Merging results files (`pyo3-harness report`), fed with results recorded from real runs."""

import json
from pathlib import Path

import pytest

from harness.errors import UsageError
from harness.model.results import SCHEMA_FILE, RunResult, read_results
from harness.report.merge import load, merge
from harness.report.publish import publish
from tests.conftest import REPEATED, SINGLE

SCHEMA = SCHEMA_FILE
COMMAND = ["pyo3-harness", "report"]


def _copy(source: Path, to: Path, **changes: object) -> Path:
    data = json.loads(source.read_text())
    data.update(changes)
    to.write_text(json.dumps(data))
    return to


@pytest.fixture
def shard(tmp_path: Path) -> Path:
    """The single-attempt run's pyo3 0.28.3 cells: the repeated run measured only 0.29.2, so the
    two are shards of one matrix measured by different runs."""
    data = json.loads(SINGLE.read_text())
    data["cells"] = [c for c in data["cells"] if c["pyo3"] == "0.28.3"]
    path = tmp_path / "shard-0.28.3.json"
    path.write_text(json.dumps(data))
    return path


def test_clean_merge_keeps_every_cell_and_each_runs_provenance(shard: Path) -> None:
    merged = merge([shard, REPEATED], COMMAND)
    single, repeated = read_results(shard), read_results(REPEATED)
    assert [c.id for c in merged.cells] == [c.id for c in single.cells] + [c.id for c in repeated.cells]
    assert merged.cells == single.cells + repeated.cells
    assert [s.file for s in merged.sources] == [str(shard), str(REPEATED)]
    assert len(merged.cells) == 6
    for source, run in zip(merged.sources, (single, repeated), strict=True):
        assert list(source.command) == run.command and source.machine == run.machine
        assert source.toolchain == run.toolchain and source.python == run.python
        assert list(source.cells) == [c.id for c in run.cells]
    assert merged.source_of("build--stock--pyo3-ext--pyo3-0.29.2") is merged.sources[1]
    # Both runs were on this machine and toolchain, from different virtualenvs.
    assert merged.toolchain == single.toolchain
    assert merged.python.base_executable == single.python.base_executable
    assert merged.python.executable is None, "sources disagree: each has its own in sources"
    assert merged.started == single.started and merged.finished == repeated.finished
    assert merged.timing["build"] == pytest.approx(single.timing["build"] + repeated.timing["build"])
    assert merged.command == COMMAND


def test_merged_file_validates_and_can_be_merged_again(tmp_path: Path, shard: Path) -> None:
    import jsonschema

    done = publish([shard, REPEATED], tmp_path / "one", baseline=None, command=COMMAND)
    jsonschema.validate(json.loads(done.results.read_text()), json.loads(SCHEMA.read_text()))
    again = merge([done.results], COMMAND)
    assert again.cells == done.result.cells
    assert [s.file for s in again.sources] == [str(shard), str(REPEATED)]
    assert {s.via for s in again.sources} == {str(done.results)}


def test_publish_writes_all_three_atomically(tmp_path: Path) -> None:
    out = tmp_path / "report"
    done = publish([REPEATED], out, baseline=None, command=COMMAND)
    assert sorted(p.name for p in out.iterdir()) == ["report.html", "report.md", "results.json"]
    assert read_results(done.results) == done.result
    assert done.markdown.read_text().startswith("## pyo3 warm-rebuild report")
    assert done.html.read_text().startswith("<!DOCTYPE html>")
    # Written again over the old files: still no temporary file left behind.
    publish([REPEATED], out, baseline=None, command=COMMAND)
    assert not list(out.glob(".*"))


def test_mixed_schema_versions_are_refused_naming_each_file(tmp_path: Path) -> None:
    future = _copy(REPEATED, tmp_path / "future.json", schema_version=2)
    with pytest.raises(UsageError) as err:
        merge([SINGLE, future], COMMAND)
    assert str(err.value) == (
        f"cannot merge results with different schema_version values ({SINGLE}: 1; {future}: 2)"
    )
    assert err.value.exit_code == 2
    with pytest.raises(UsageError, match="schema_version 2, but this harness reads schema_version 1"):
        merge([future], COMMAND)


def test_duplicate_cells_name_both_files(tmp_path: Path) -> None:
    # Both recorded runs measured uv's pyo3 0.29.2 cells.
    with pytest.raises(UsageError) as err:
        merge([SINGLE, REPEATED], COMMAND)
    assert f"cell uv--stock--pyo3-ext--pyo3-0.29.2 is in both {SINGLE} and {REPEATED}" in str(err.value)
    assert err.value.exit_code == 2
    data = json.loads(SINGLE.read_text())
    data["cells"].append(data["cells"][0])
    twice = tmp_path / "twice.json"
    twice.write_text(json.dumps(data))
    with pytest.raises(UsageError, match=f"cell uv--stock--pyo3-ext--pyo3-0.29.2 is twice in {twice}"):
        merge([twice], COMMAND)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "cannot read it"),
        ("{not json", "not a results file (invalid JSON"),
        ("[1, 2]", "not a results file (no schema_version or cells)"),
        ('{"schema_version": 1, "cells": []}', "not a valid results file"),
        ("\udcff", "not a results file (invalid JSON"),
    ],
)
def test_unreadable_or_invalid_files_are_refused_by_name(
    tmp_path: Path, content: str | None, message: str
) -> None:
    path = tmp_path / "bad.json"
    if content == "\udcff":
        path.write_bytes(b"\xff\xfe\x00")
    elif content is not None:
        path.write_text(content)
    with pytest.raises(UsageError) as err:
        load(path)
    assert str(err.value).startswith(f"{path}: ") and message in str(err.value)


def test_a_cell_of_the_wrong_shape_is_refused(tmp_path: Path) -> None:
    data = json.loads(SINGLE.read_text())
    data["cells"][1]["builds"][1]["seconds"] = "fast"
    path = tmp_path / "odd.json"
    path.write_text(json.dumps(data))
    with pytest.raises(UsageError, match=r"at cells/1/builds/1/seconds: 'fast' is not of type 'number'"):
        load(path)


def test_bad_input_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "out"
    with pytest.raises(UsageError):
        publish([SINGLE, SINGLE], out, baseline=None, command=COMMAND)
    assert not out.exists()
    own = _copy(SINGLE, tmp_path / "results.json")
    before = own.read_text()
    with pytest.raises(UsageError, match="would be overwritten"):
        publish([own], tmp_path, baseline=None, command=COMMAND)
    assert own.read_text() == before and not (tmp_path / "report.md").exists()


def test_round_trip_of_a_merged_result(tmp_path: Path, shard: Path) -> None:
    merged = merge([shard, REPEATED], COMMAND)
    path = tmp_path / "m.json"
    path.write_text(json.dumps(merged.to_json()))
    assert RunResult.from_json(json.loads(path.read_text())) == merged
