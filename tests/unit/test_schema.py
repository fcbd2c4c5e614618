"""harness/model/results.schema.json agrees with what the harness writes: every field of every record,
every scenario, cause kind and verdict status."""

import copy
import json
from dataclasses import fields
from typing import Any

import jsonschema
import pytest

from harness.measure.safety import SAFETY_CHECKS, catalogue
from harness.model.causes import CAUSE_KINDS, Cause
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
