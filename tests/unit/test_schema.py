"""harness/model/results.schema.json agrees with what the harness writes: every field of every record,
every scenario, cause kind and verdict status."""

import copy
import json
from dataclasses import fields
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from harness.measure.safety import SAFETY_CHECKS, catalogue
from harness.model.causes import CAUSE_KINDS, Cause
from harness.model.provenance import Install, Machine, PinsRecord, RunPython, ShardRecord, Source, Toolchain
from harness.model.results import (
    BUILD_STATUSES,
    SCHEMA_FILE,
    STATUSES,
    BuildRecord,
    CellResult,
    RunResult,
    Verdict,
    Wheel,
)
from harness.model.scenarios import SCENARIOS
from harness.report.merge import merge
from harness.run.shard import Shard
from tests.conftest import REPEATED, SAFETY, SINGLE

SCHEMA: dict[str, Any] = json.loads(SCHEMA_FILE.read_text())


def _properties(name: str | None) -> set[str]:
    where = SCHEMA if name is None else SCHEMA["$defs"][name]
    return set(where["properties"])


@pytest.mark.parametrize(
    ("record", "defined", "extra"),
    [
        (RunResult, None, set()),
        (CellResult, "cell", {"ok"}),
        (BuildRecord, "build", {"ok"}),
        (Cause, "cause", set()),
        (Verdict, "verdict", set()),
        (Machine, "machine", set()),
        (Toolchain, "toolchain", set()),
        (RunPython, "python", set()),
        (Install, "install", set()),
        (ShardRecord, "shard", set()),
        (Source, "source", set()),
    ],
)
def test_every_field_written_is_documented(record: type, defined: str | None, extra: set[str]) -> None:
    assert {f.name for f in fields(record)} | extra == _properties(defined)


def test_wheel_fields_and_enums_match_the_code() -> None:
    wheel = SCHEMA["$defs"]["build"]["properties"]["wheel"]
    assert set(wheel["properties"]) == {f.name for f in fields(Wheel)}
    assert SCHEMA["$defs"]["build"]["properties"]["scenario"]["enum"] == list(SCENARIOS)
    assert SCHEMA["$defs"]["cause"]["properties"]["kind"]["enum"] == list(CAUSE_KINDS)
    assert SCHEMA["$defs"]["verdict"]["properties"]["status"]["enum"] == list(STATUSES)
    assert SCHEMA["$defs"]["build"]["properties"]["status"]["enum"] == list(BUILD_STATUSES)


def test_a_run_with_every_kind_of_record_validates(repeated: RunResult) -> None:
    run = copy.deepcopy(repeated)
    run.safety_checks = catalogue()
    cell = run.cells[0]
    cell.upstream, cell.isolated = "nothing", True
    cell.checks = [Verdict(c.name, "pass", "recorded") for c in SAFETY_CHECKS]
    for name in SCENARIOS:
        build = copy.deepcopy(cell.builds[1])
        build.scenario = name
        cell.builds.append(build)
    jsonschema.validate(run.to_json(), SCHEMA)
    bad = run.to_json()
    bad["cells"][0]["checks"][0]["status"] = "fine"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, SCHEMA)


def test_pins_keep_file_and_digest_apart_from_the_open_mapping_of_versions() -> None:
    pins = SCHEMA["$defs"]["pins"]
    assert set(pins["required"]) == set(pins["properties"]) == {"file", "sha256"}
    assert {f.name for f in fields(PinsRecord)} == {"file", "sha256", "versions"}


@pytest.mark.parametrize("recorded", [SINGLE, REPEATED, SAFETY], ids=lambda p: p.parent.name + "/" + p.name)
def test_recorded_files_are_written_back_as_they_were_read(recorded: Path) -> None:
    """Typed run-level records keep the file's shape: every run-level key read is written back
    unchanged (cells of older files gain the fields added since, with their defaults)."""
    data = json.loads(recorded.read_text())
    written = RunResult.from_json(data).to_json()
    assert {key: written[key] for key in data if key != "cells"} == {
        k: v for k, v in data.items() if k != "cells"
    }
    assert set(written) - set(data) <= {"installs", "shard", "sources", "safety_checks", "planned", "resumed"}


def test_merged_and_sharded_run_level_records_validate(tmp_path: Path) -> None:
    again = tmp_path / "merged.json"
    again.write_text(json.dumps(merge([SINGLE], ["pyo3-harness", "report"]).to_json()))
    twice = merge([again], ["pyo3-harness", "report"])
    assert [s.via for s in twice.sources] == [str(again)]
    twice.shard = Shard(2, 3).record(["a", "b", "c"], ["b"])
    twice.installs = [Install("uv built from its sdist", 442.0, artifact="/cache/uv"), Install("env", 1.5)]
    data = twice.to_json()
    jsonschema.validate(data, SCHEMA)
    assert data["installs"][1] == {"what": "env", "seconds": 1.5}, "no artifact: none written"
    assert RunResult.from_json(data) == twice
    data["sources"][0]["machine"]["gpus"] = 1
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, SCHEMA)
    with pytest.raises(ValueError, match="machine: unknown field"):
        RunResult.from_json(data)
