"""A whole run with nothing to build (a shard past the selection's cells): the results file and
both reports are still written, valid, and say why they are empty."""

import json
import sys
from pathlib import Path

from harness.model.progress import Event, Note
from harness.model.results import RunResult, schema_problem
from harness.pins import load_pins
from harness.run.selection import Selection
from harness.run.session import Settings, execute
from harness.run.shard import Shard


def test_an_empty_shard_writes_a_valid_empty_run(tmp_path: Path) -> None:
    selection = Selection.from_names(
        pyo3_versions=load_pins().pyo3_versions,
        frontends=["uv"],
        strategies=["stock"],
        samples=["pyo3-ext"],
        shard=Shard(2, 2),
    )
    settings = Settings(
        out=tmp_path / "out", cache=tmp_path / "cache", work=None, python=sys.executable, refresh=False
    )
    said: list[Event] = []
    result = execute(selection, settings, load_pins(), ["pyo3-harness", "run", "--shard", "2/2"], said.append)
    assert result.cells == [] and result.finished
    data = json.loads((settings.out / "results.json").read_text())
    assert schema_problem(data) is None
    assert RunResult.from_json(data).shard == result.shard and result.shard is not None
    assert list(result.shard.cells) == [c.id for c in selection.cells()] and result.shard.assigned == ()
    assert {"total", "overhead"} <= set(result.timing)
    assert (settings.out / "report.md").exists() and (settings.out / "report.html").exists()
    assert any(isinstance(e, Note) and "nothing to build" in e.text for e in said)
    assert not (tmp_path / "cache").exists(), "nothing installed for an empty shard"
