"""Grouped bars (document.Bars): drawn as SVG in HTML, named in Markdown; and the survey's charts,
fed with a recorded run (stock and frontend-patch through build and uv, 2026-12-07)."""

import re
import shutil
from pathlib import Path

from harness.report import bars, markdown
from harness.report.document import Bars, Section
from harness.survey.figures import measured
from harness.survey.listing import load_list
from harness.survey.runner import Row, row_path
from harness.survey.table import document

RECORDED = Path(__file__).resolve().parents[1] / "fixtures" / "seeded-pyo3-ext.results.json"


def test_every_value_is_a_bar_on_one_scale_and_a_missing_one_says_so() -> None:
    chart = Bars(
        "Warm", "cargo seconds", ("stock", "patch set"), (("a==1", (8.0, 0.5)), ("b==2", (4.0, None)))
    )
    drawn = bars.svg(chart)
    bar = r'<rect x="220.0" y="[\d.]+" width="([\d.]+)"[^>]*><title>[^<]* cargo seconds</title>'
    widths = [float(w) for w in re.findall(bar, drawn)]
    assert len(widths) == 3 and widths[0] == 2 * widths[2], widths  # 8 s is twice 4 s
    assert "patch set: not measured" in drawn and "<title>a==1, stock: 8 cargo seconds</title>" in drawn
    assert markdown._block(chart) == "The HTML page draws this as a chart: Warm."


def test_the_survey_charts_each_measured_project_stock_beside_patched(tmp_path: Path) -> None:
    project = load_list()[0]
    out = row_path(tmp_path, project).parent / "out"
    out.mkdir(parents=True)
    shutil.copy(RECORDED, out / "results.json")
    rows = {project.spec: Row(project.spec, "measured", 100.0, 0, "", "s", 600.0)}
    doc = document(measured(load_list()[:2], rows, tmp_path), "pyo3-harness survey")
    charts = next(s for s in doc.sections if s.name == "charts")
    assert isinstance(charts, Section)
    warm = charts.blocks[0]
    assert isinstance(warm, Bars) and [label for label, _ in warm.rows] == [project.spec]
    stock, patched = warm.rows[0][1]
    assert stock is not None and patched is not None and stock > patched  # stock churns, patched not
