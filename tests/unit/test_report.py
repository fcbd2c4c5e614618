"""Rendering and the results file, fed with a results.json recorded from a real uv run."""

import json
import re
from dataclasses import replace
from pathlib import Path

import pytest

from harness.model.results import SCHEMA_FILE, SCHEMA_VERSION, RunResult, read_results, write_results
from harness.report import html
from harness.report.markdown import cells, render
from harness.report.rows import short_path


@pytest.fixture
def recorded(fixtures: Path) -> RunResult:
    return RunResult.from_json(json.loads((fixtures / "uv-pyo3-ext.results.json").read_text()))


def test_results_round_trip(recorded: RunResult, tmp_path: Path) -> None:
    path = tmp_path / "out" / "results.json"
    write_results(recorded, path)
    again = read_results(path)
    assert again == recorded
    data = json.loads(path.read_text())
    assert data["schema_version"] == SCHEMA_VERSION
    assert [c["ok"] for c in data["cells"]] == [True] * len(recorded.cells)
    assert not list(path.parent.glob(".*tmp")), "atomic write leaves no temporary file"


def test_table_has_one_row_per_cell_with_units_and_causes(recorded: RunResult) -> None:
    lines = cells(recorded).splitlines()
    assert len(lines) == 2 + len(recorded.cells)
    stock = next(line for line in lines if "| stock | pyo3-ext | 0.29.2 (stock)" in line)
    assert "3: pyo3-ffi, pyo3, pyo3-ext" in stock
    assert "PYO3_PYTHON changed: .../builds-v0/.tmp" in stock and " → .../builds-v0/.tmp" in stock
    exported = next(line for line in lines if "| exported | pyo3-ext | 0.29.2 + base-python patch" in line)
    assert "| 0 |" in exported and "nothing recompiled" in exported
    assert "1: pyo3-ext" in exported  # incremental


def test_failed_build_is_a_row_with_its_log(recorded: RunResult) -> None:
    cell = recorded.cells[0]
    warm = cell.build("warm")
    assert warm is not None
    warm.log = "/logs/warm.log"
    warm.fail("build failed with exit 1")
    md = render(recorded)
    assert "**failed** ([log](/logs/warm.log))" in md
    assert f"**1 cell(s) failed**: `{cell.id}`" in md


def test_report_names_the_command_and_machine(recorded: RunResult) -> None:
    md = render(recorded)
    assert "`pyo3-harness run --frontend uv" in md
    assert "rustc 1.95.0" in md
    assert "Every build, with causes and logs" in md
    assert "Reproduce: `pyo3-harness run --frontend uv --strategy stock --sample pyo3-ext" in md


def test_short_path_keeps_the_informative_tail() -> None:
    assert short_path("/a/b/c/builds-v0/.tmpAb12/bin/python") == ".../builds-v0/.tmpAb12/bin/python"
    assert short_path("/usr/bin/python") == "/usr/bin/python"
    assert short_path(None) is None


def test_recorded_results_match_the_documented_schema(fixtures: Path, recorded: RunResult) -> None:
    import jsonschema

    schema = json.loads(SCHEMA_FILE.read_text())
    jsonschema.validate(recorded.to_json(), schema)
    broken = recorded.to_json()
    broken["cells"][0]["builds"][0]["causes"] = [{"unit": "x", "unit_kind": "lib", "kind": "vibes"}]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, schema)


def test_repeated_and_merged_results_match_the_documented_schema(repeated: RunResult) -> None:
    import jsonschema

    from harness.report.merge import merge
    from tests.conftest import REPEATED

    schema = json.loads(SCHEMA_FILE.read_text())
    jsonschema.validate(repeated.to_json(), schema)
    merged = merge([REPEATED], ["pyo3-harness", "report"]).to_json()
    jsonschema.validate(merged, schema)
    merged["cells"][0]["builds"][1]["attempt"] = -1
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(merged, schema)
    merged = merge([REPEATED], ["pyo3-harness", "report"]).to_json()
    del merged["sources"][0]["cells"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(merged, schema)


def test_a_builds_time_is_split_where_cargo_said_what_it_took(safety: RunResult) -> None:
    cell = safety.cells[0]
    cell.builds[-1] = replace(cell.builds[-1], cargo_seconds=1.5)
    seconds = cell.builds[-1].seconds
    md = render(safety)
    assert f"{seconds:.1f} s: cargo 1.5 s, frontend and backend {seconds - 1.5:.1f} s" in md
    assert html.render(safety).count("cargo 1.5 s") == 1


def test_markdown_shows_hostile_text_as_text(recorded: RunResult) -> None:
    """report.md goes into PR comments: text from a results file must not become HTML, split a
    table cell, end a table row, or close a code span or fence early."""
    hostile = replace(recorded, cells=list(recorded.cells))
    cell = hostile.cells[0] = replace(recorded.cells[0])
    cell.reproduce = "pyo3-harness run --sample 'a`b|c'"
    hostile.cells[1] = replace(recorded.cells[1], error="failed:\n```\n<script>alert(1)</script>")
    warm = cell.build("warm")
    assert warm is not None
    warm.causes[0] = replace(warm.causes[0], new="/tmp/<img src=x>|x\ny/bin/python")
    page = render(hostile)
    block = "````\nfailed:\n```\n<script>alert(1)</script>\n````\n"
    assert block in page, "the error is fenced by more backticks than it holds, so shown as code"
    outside = page.replace(block, "")
    assert "<script>" not in outside and "<img" not in outside
    assert "&lt;img src=x&gt;\\|x<br>y/bin/python" in page
    assert "``pyo3-harness run --sample 'a`b\\|c'``" in page
    head, _, row, *_ = cells(hostile).splitlines()
    assert "\\|x" in row
    unescaped = re.compile(r"(?<!\\)\|")
    assert len(unescaped.findall(row)) == len(unescaped.findall(head)), "no cell is split"
