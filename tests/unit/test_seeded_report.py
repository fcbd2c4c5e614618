"""A run with --seed-dir, as recorded on 2026-12-07 (pyo3-ext, pyo3 0.29.2, build then uv, stock
and frontend-patch): the uv cells' cold builds started from the build cells' seeds, and the
reports say so where they show a cold build."""

import json
from pathlib import Path

from harness.model.results import RunResult, schema_problem
from harness.report import markdown

SEEDED = Path(__file__).resolve().parents[1] / "fixtures" / "seeded-pyo3-ext.results.json"


def result() -> RunResult:
    data = json.loads(SEEDED.read_text())
    assert schema_problem(data) is None
    return RunResult.from_json(data)


def test_only_the_later_cells_cold_builds_are_seeded_and_they_compile_only_pyo3_and_the_project() -> None:
    cells = {c.frontend + "/" + c.strategy: c for c in result().cells}
    for name in ("build/stock", "build/frontend-patch"):
        cold = cells[name].build("cold")
        assert cold is not None and cold.seeded_from is None and "syn" in cold.rebuilt
    for name in ("uv/stock", "uv/frontend-patch"):
        cold = cells[name].build("cold")
        assert cold is not None and cold.seeded_from is not None
        assert all(crate.startswith("pyo3") for crate in cold.rebuilt), cold.rebuilt
    # What the seed leaves out is what a warm rebuild measures: the same as without seeds.
    assert cells["uv/stock"].build("warm").rebuilt == cells["build/stock"].build("warm").rebuilt  # type: ignore[union-attr]
    assert cells["uv/frontend-patch"].build("warm").rebuilt == []  # type: ignore[union-attr]


def test_the_reports_mark_a_seeded_cold_build() -> None:
    text = markdown.render(result())
    cells = [line for line in text.splitlines() if "| pyo3-ext |" in line]  # the cells table
    uv = [line for line in cells if line.startswith("| uv ")]
    build = [line for line in cells if line.startswith("| build ")]
    assert uv and all(" seeded |" in line for line in uv), uv
    assert build and not any("seeded" in line for line in build), build
    assert "started from seed" in text and "--seed-dir" in text
