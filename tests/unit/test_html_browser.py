"""report.html as headless Chromium draws it: the bars are really on screen, in the chart colours.

Fed with a results file recorded from a real run. A bar is a horizontal run of one exact colour;
the legends' swatches are 12 px wide, so a run of 20 px or more is always a bar. The charts share
one scale: 300 px for the slowest build (18.1 s) and 100 px per crate recompiled.
"""

import copy
from pathlib import Path

from harness.model.results import RunResult
from harness.report import html
from harness.report.html import HEAT_COLOURS
from harness.report.overview import HEAT, NEUTRAL, overview_tables
from harness.report.rows import text_of
from tests.browser import BLUE, CAUSE_RGB, bars, rgb, screenshot
from tests.png import Image


def _shoot(result: RunResult, tmp_path: Path, name: str) -> Image:
    page = tmp_path / f"{name}.html"
    page.write_text(html.render(result), encoding="utf-8")
    # Tall enough for the overview (a grid row under 40 px), the decision table and every chart
    # (under 300 px per cell), no taller: decoding the screenshot is the slow part of these tests.
    grid_rows = sum(len(t.rows) + 2 for t in overview_tables(result))
    height = 900 + 40 * grid_rows + 300 * len(result.cells)
    return screenshot(page, tmp_path / f"{name}.png", width=1280, height=height)


def test_every_cell_has_its_bars_in_the_chart_colours(repeated: RunResult, tmp_path: Path) -> None:
    image = _shoot(repeated, tmp_path, "all")
    # Each cell's cold build (13.0-18.1 s) is a seconds bar over 200 px: one per cell, all on screen.
    assert bars(image, BLUE, 200) == len(repeated.cells) == 4
    # Stock cells, warm and incremental: pyo3-ffi recompiled because PYO3_PYTHON changed.
    assert bars(image, CAUSE_RGB["env"], 90) == 4
    # Stock cells: pyo3 and pyo3-ext (warm), pyo3 (incremental) recompiled as a cascade.
    assert bars(image, CAUSE_RGB["dep"], 90) == 4
    assert bars(image, CAUSE_RGB["dep"], 190) == 2
    # Every cell's incremental build: the edited pyo3-ext.
    assert bars(image, CAUSE_RGB["file"], 90) == 4
    for kind in ("config", "new", "unknown"):
        assert bars(image, CAUSE_RGB[kind]) == 0, f"no {kind} cause was recorded, so no {kind} bar"


def test_only_measured_causes_get_bars(repeated: RunResult, tmp_path: Path) -> None:
    exported = copy.deepcopy(repeated)
    exported.cells = [c for c in exported.cells if c.strategy == "exported"]
    image = _shoot(exported, tmp_path, "exported")
    # exported recompiles nothing warm and only the edited crate incrementally: no env, no cascade.
    assert bars(image, CAUSE_RGB["env"]) == 0
    assert bars(image, CAUSE_RGB["dep"]) == 0
    assert bars(image, CAUSE_RGB["file"], 90) == 2
    assert bars(image, BLUE, 200) == 2


def test_the_overview_colours_each_square_by_crates_recompiled(repeated: RunResult, tmp_path: Path) -> None:
    """Each grid row is a band of its squares' colours (the rows' borders separate the bands); a
    square is wider than 40 px, the legend's swatches 12 px. Cold squares, where everything
    compiles by design, are neutral, never a heat colour."""
    tables = overview_tables(repeated)
    assert [t.name for t in tables] == ["overview-warm", "overview-incremental", "overview-cold"]
    styles = [{s.style for c in row.cells[1:] for s in c} for t in tables for row in t.rows]
    assert all(row == {NEUTRAL} for row in styles[-len(tables[-1].rows) :]), "cold rows: neutral only"
    image = _shoot(repeated, tmp_path, "overview")
    for style in (*(h.style for h in HEAT), NEUTRAL):
        expected = sum(style in row for row in styles)
        assert bars(image, rgb(HEAT_COLOURS[style][0]), 40) == expected, style
    # The recorded run: every cold build compiled 14 crates, which heat would paint 6+ (red);
    # neutral, nothing on the page is that red. The cold grid's four rows are the neutral ones.
    assert bars(image, rgb(HEAT_COLOURS["heat-3"][0]), 40) == 0
    assert bars(image, rgb(HEAT_COLOURS[NEUTRAL][0]), 40) == len(tables[-1].rows) == 4
    # Stock recompiles 3 crates on every warm rebuild, exported none.
    warm = {text_of(row.cells[0]): text_of(row.cells[1]) for row in tables[0].rows}
    assert [v.split(" · ")[0] for k, v in warm.items() if "stock" in k] == ["3", "3"]
    assert [v.split(" · ")[0] for k, v in warm.items() if "exported" in k] == ["0", "0"]
