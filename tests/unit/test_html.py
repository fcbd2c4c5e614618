"""report.html, fed with results recorded from real runs: escaping, self-containment, one chart
per cell, failures shown, and the same decision rows as the Markdown."""

import copy
import re
from dataclasses import replace
from html import escape

from harness.model.provenance import Source
from harness.model.results import RunResult
from harness.report import html
from harness.report.charts import CAUSE_COLOURS, SECONDS_COLOUR, crates_by_cause
from harness.report.compare import compare
from harness.report.decision import decision_rows

# Anything that would make a browser fetch something: links, sources, CSS urls and imports.
# Anything that would load a resource; a link within the page (href="#...") loads nothing.
EXTERNAL = re.compile(
    r"""(?:https?:)?//[a-z0-9]|\b(?:src|srcset)\s*=|\bhref\s*=\s*"(?!#)|url\(|@import""", re.IGNORECASE
)


def test_page_is_self_contained(repeated: RunResult, single: RunResult) -> None:
    page = html.render(repeated, compare(single, repeated, "baseline.json"))
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert not EXTERNAL.search(page), EXTERNAL.search(page)
    assert "<script" not in page and "<link" not in page and "<img" not in page
    assert "<style>" in page


def test_one_chart_per_cell_with_axes_and_legend(repeated: RunResult) -> None:
    page = html.render(repeated)
    figures = re.findall(r'<figure class="cell-chart" data-cell="([^"]+)">\s*<svg', page)
    assert figures == [c.id for c in repeated.cells]
    assert page.count("<svg") == len(repeated.cells)
    assert page.count("seconds (wall time of the frontend)") == len(repeated.cells)
    assert page.count("crates recompiled (not cold)") == len(repeated.cells)
    assert page.count(">dep: cascade from a rebuilt dependency</text>") == len(repeated.cells)
    for colour in (SECONDS_COLOUR, *CAUSE_COLOURS.values()):
        assert f'fill="{colour}"' in page


def test_crates_are_stacked_by_their_root_cause(repeated: RunResult) -> None:
    stock = repeated.cells[0]
    warm, incremental = stock.build("warm"), stock.build("incremental")
    assert warm is not None and incremental is not None
    found = {k: v for k, v in crates_by_cause(warm).items() if v}
    assert found == {"env": ["pyo3-ffi"], "dep": ["pyo3", "pyo3-ext"]}
    found = {k: v for k, v in crates_by_cause(incremental).items() if v}
    assert found == {"env": ["pyo3-ffi"], "file": ["pyo3-ext"], "dep": ["pyo3"]}
    page = html.render(repeated)
    assert "<title>warm: 1 crate(s) by env: pyo3-ffi</title>" in page
    assert "<title>warm: 2 crate(s) by dep: pyo3, pyo3-ext</title>" in page


def test_repeats_draw_a_whisker_and_show_the_range(repeated: RunResult) -> None:
    page = html.render(repeated)
    assert page.count('class="whisker"') == 3 * 2 * len(repeated.cells)  # warm and incremental
    assert "6.1 (5.8–6.5) s" in page
    assert "(max − min) / median &gt; 0.25 and max − min &gt; 0.5 s" in page


def test_decision_section_has_a_verdict_per_strategy(repeated: RunResult) -> None:
    page = html.render(repeated)
    start = page.index('<section id="decision">')
    section = page[start : page.index("</section>", start)]
    rows = decision_rows(repeated)
    assert [r.strategy for r in rows] == ["stock", "exported"]
    for row in rows:
        assert f"<tr><td>{row.strategy}</td><td>{row.cells}</td>" in section
        assert f"<li>{escape(row.verdict)}</li>" in section


def test_all_text_is_escaped(repeated: RunResult) -> None:
    hostile = copy.deepcopy(repeated)
    cell = hostile.cells[0]
    cell.reproduce = "pyo3-harness run --sample '<script>alert(1)</script>'"
    cell.frontend_source = 'a "quoted" <b>source</b> & more'
    warm = cell.build("warm")
    assert warm is not None
    warm.causes[0] = replace(warm.causes[0], new="/tmp/<img src=x onerror=alert(1)>/bin/python")
    cell.error = "<iframe>"
    page = html.render(hostile)
    assert (
        "<script>" not in page and "<img" not in page and "<iframe>" not in page and "<b>source" not in page
    )
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "a &quot;quoted&quot; &lt;b&gt;source&lt;/b&gt; &amp; more" in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert not EXTERNAL.search(page.replace("&lt;img src=x", "")), "escaped text is not a resource"


def test_failed_builds_are_shown_not_hidden(repeated: RunResult) -> None:
    broken = copy.deepcopy(repeated)
    cell = broken.cells[1]
    warm = cell.build("warm")
    assert warm is not None
    warm.fail("build failed with exit 1; see warm.log")
    page = html.render(broken)
    assert (
        f'<p class="banner"><span class="failed">1 cell(s) failed</span>: <code>{cell.id}</code></p>' in page
    )
    assert f'<h3>{cell.id} <span class="failed">(failed)</span></h3>' in page
    chart = page[page.index(f'data-cell="{cell.id}"') :]
    chart = chart[: chart.index("</svg>")]
    assert chart.count(">FAILED</text>") == 2  # in both panels
    row = page[page.index('<tr class="cell-row"><td>uv 0.13.9</td><td>exported</td>') :]
    assert f'<td><span class="failed">failed</span> (log <code>{warm.log}</code>)</td>' in row
    assert "<details open><summary><code>" + cell.id in page


def test_a_cell_that_never_built_still_gets_its_chart(repeated: RunResult) -> None:
    broken = copy.deepcopy(repeated)
    cell = broken.cells[2]
    cell.builds, cell.error = [], "pyo3 0.29.2 could not be fetched: offline"
    page = html.render(broken)
    assert page.count('class="cell-chart"') == len(broken.cells)
    assert "cell failed: pyo3 0.29.2 could not be fetched: offline</text>" in page


def test_merged_report_names_each_source(repeated: RunResult) -> None:
    merged = copy.deepcopy(repeated)
    merged.sources = [
        Source(
            file="shard-1/results.json",
            command=("pyo3-harness", "run", "--frontend", "uv"),
            started=repeated.started,
            machine=repeated.machine,
            toolchain=repeated.toolchain,
            python=repeated.python,
            cells=tuple(c.id for c in repeated.cells),
        )
    ]
    page = html.render(merged)
    assert "Merged from 1 run(s)" in page and "<code>shard-1/results.json</code>" in page
    assert "Measured by the run in <code>shard-1/results.json</code>" in page
