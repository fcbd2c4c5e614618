"""The sentences both reports print, from a results file recorded by a real run."""

import json
from pathlib import Path
from typing import Any

from harness.model.provenance import Source
from harness.model.results import RunResult
from harness.report.text import made_by, measured_on, source_line, timing

FIXTURE = Path(__file__).parents[1] / "fixtures" / "uv-pyo3-ext.results.json"


def _recorded() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(FIXTURE.read_text(encoding="utf-8"))
    return data


def test_measured_on_names_toolchain_interpreter_and_machine() -> None:
    run = RunResult.from_json(_recorded())
    text = measured_on(run.toolchain, run.python, run.machine)
    assert "rustc 1.95.0 (59807616e 2026-04-14)" in text and "cargo 1.95.0" in text
    assert "3.11.7 (/root/.pyenv/versions/3.11.7/bin/python3.11)" in text
    assert text.endswith("2 CPUs.")


def test_a_merged_source_reads_as_file_command_and_when() -> None:
    recorded = _recorded()
    run = RunResult.from_json(recorded)
    cells = tuple(c["id"] for c in recorded["cells"])
    source = Source(
        "shard-1.json", run.started, tuple(run.command), run.machine, run.toolchain, run.python, cells
    )
    file, command, rest = source_line(source)
    assert file == "shard-1.json"
    assert command.startswith("pyo3-harness run --frontend uv --strategy stock,exported")
    assert rest.startswith(f" on 2026-11-21T12:05:43+00:00, {len(cells)} cell(s). Toolchain:")


def test_made_by_says_how_many_runs() -> None:
    assert made_by("T", 0) == "on T."
    assert made_by("T", 3) == "from 3 run(s), the first started T."


def test_timing_splits_the_run_and_puts_overhead_against_build_time() -> None:
    text = timing(_recorded()["timing"])
    assert text == (
        "Run took 106 s: builds 101 s, one-time setup (installs, downloads, work copies) 4 s, "
        "harness overhead (snapshots, wheel checks) 1.2 s (1.1% of build time)."
    )
    assert timing({}) == ""
    assert "% of build" not in timing({"total": 3.0, "build": 0.0})
