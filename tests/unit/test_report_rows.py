"""Markdown and HTML format the same document: every section and every table in one report is in
the other, with the same titles, headings, rows and cells. Nothing here lists the sections or
tables: they are read from the rendered reports and from the document both are rendered from.
Fed with results recorded from real runs."""

import copy
import re
from html import unescape

import pytest

from harness.model.results import RunResult
from harness.report import html, markdown
from harness.report.cells import cell_details, cells_table
from harness.report.compare import Comparison, compare
from harness.report.compose import compose
from harness.report.rows import Row, Span, Table
from tests.conftest import REPEATED, SAFETY, SINGLE, recorded_result

Outline = list[tuple[str, list[tuple[str, ...]]]]  # each section's title and its tables' headings


def _runs() -> list[tuple[RunResult, Comparison | None]]:
    repeated, single = recorded_result(REPEATED), recorded_result(SINGLE)
    comparison = compare(single, repeated, "baseline.json")
    return [(repeated, comparison), (single, None), (recorded_result(SAFETY), None)]


RUNS = pytest.mark.parametrize(("result", "comparison"), _runs(), ids=["repeat-compare", "single", "safety"])


def _markdown_outline(text: str) -> Outline:
    """Sections are ``### `` headings; a table is a row of cells over a ``|---|`` line."""
    found: Outline = []
    lines = text.splitlines()
    for line, below in zip(lines, [*lines[1:], ""], strict=True):
        if line.startswith("### "):
            found.append((line[4:].replace("`", ""), []))
        elif line.startswith("| ") and below.startswith("|---"):
            found[-1][1].append(tuple(line[2:-2].split(" | ")))
    return found


def _html_outline(page: str) -> tuple[Outline, list[str]]:
    """Each <section>'s <h2> and its tables' <th>s; and every table's name (its class)."""
    found: Outline = []
    names = []
    for title, body in re.findall(r'<section id="[^"]+"><h2>(.*?)</h2>(.*?)</section>', page, re.DOTALL):
        tables = re.findall(r'<table class="([^"]+)"><thead><tr>(.*?)</tr></thead>', body)
        names += [name for name, _ in tables]
        heads = [tuple(unescape(h) for h in re.findall(r"<th>(.*?)</th>", row)) for _, row in tables]
        found.append((unescape(re.sub(r"<[^>]+>", "", title)), heads))
    return found, names


@RUNS
def test_both_reports_have_the_same_sections_and_tables(
    result: RunResult, comparison: Comparison | None
) -> None:
    document = compose(result, comparison)
    md = _markdown_outline(markdown.render(result, comparison))
    page, names = _html_outline(html.render(result, comparison))
    assert md == page
    assert len(md) == len(document.sections) and names == [t.name for t in document.tables()]
    assert len(names) == len(set(names)), "each table is named once"
    assert sum(len(heads) for _, heads in md) == len(names) >= 3, "the extractors find the tables"


@RUNS
def test_both_reports_carry_the_same_tables(result: RunResult, comparison: Comparison | None) -> None:
    page, md = html.render(result, comparison), markdown.render(result, comparison)
    for table in compose(result, comparison).tables():
        assert table.rows, f"the recorded runs fill the {table.name} table"
        assert markdown.table(table) in md, table.name
        assert html.table(table) in page, table.name
        width = len(table.head)
        # Cells per line of the Markdown table (no cell of the recorded runs holds a pipe).
        assert [line.count("|") - 1 for line in markdown.table(table).splitlines()] == [width] * (
            len(table.rows) + 2
        )
        rendered = html.table(table)
        assert rendered.count("<th>") == width
        rows = re.findall(r'<tr(?: class="cell-row")?>(.*?)</tr>', rendered.split("</thead>")[1])
        assert [r.count("<td>") for r in rows] == [width] * len(table.rows)


def test_a_table_only_one_format_shows_is_caught(repeated: RunResult) -> None:
    """The outline comparison fails when a format drops a table or renames a section."""
    md = markdown.render(repeated)
    page = html.render(repeated)
    first = compose(repeated).tables()[0]
    assert _markdown_outline(md.replace(markdown.table(first), "")) != _html_outline(page)[0]
    assert _markdown_outline(md.replace("### Every cell", "### Cells")) != _html_outline(page)[0]


def test_columns_the_markdown_had_are_in_the_html_too(repeated: RunResult) -> None:
    """sdist rebuild and other-interpreter columns appear in both reports when a cell ran them."""
    extended = copy.deepcopy(repeated)
    cell = extended.cells[0]
    for scenario in ("sdist-warm", "switch-python"):
        build = copy.deepcopy(cell.builds[1])
        build.scenario, build.attempt = scenario, 0
        cell.builds.append(build)
    table = cells_table(extended)
    for heading in ("sdist rebuild: recompiled", "Other base python: recompiled", "Other base python s"):
        assert heading in table.head
        assert f"<th>{heading}</th>" in html.render(extended)
        assert f" {heading} |" in markdown.render(extended)


def test_a_row_of_the_wrong_width_is_refused() -> None:
    with pytest.raises(ValueError, match="a row of 1 cells under 2 headings"):
        Table("t", ("a", "b"), (Row(((Span("x"),),)),))


def test_both_reports_list_every_cells_checks_and_builds(safety: RunResult) -> None:
    page, md = html.render(safety), markdown.render(safety)
    details = cell_details(safety)
    assert [d.id for d in details] == [c.id for c in safety.cells]
    for detail in details:
        assert detail.checks, f"the recorded run checked {detail.id}"
        for item in (*detail.checks, *(b.head for b in detail.builds), *detail.facts):
            assert html.content(item) in page and markdown.content(item) in md
    assert "Isolation kept: <b>fail</b>, the backend runs in the frontend&#x27;s own environment" in page


def test_both_reports_lead_with_the_same_warnings(repeated: RunResult) -> None:
    stopped = copy.deepcopy(repeated)
    stopped.interrupted = True
    warm = stopped.cells[1].build("warm")
    assert warm is not None
    warm.fail("build failed with exit 1")
    md, page = markdown.render(stopped), html.render(stopped)
    for prose in compose(stopped).lead[1:]:
        assert f"\n\n{markdown.content(prose.text)}\n\n" in md
        assert f'<p class="banner">{html.content(prose.text)}</p>' in page
    assert "**This run was interrupted**: only finished cells are shown." in md
    assert f'<span class="failed">1 cell(s) failed</span>: <code>{stopped.cells[1].id}</code>' in page
    assert md.index("interrupted") < md.index("### Which strategy")
    stopped.interrupted = False  # killed: no end, no signal recorded
    stopped.finished = None
    assert "**This run has not finished** (it is still running, or was killed)" in markdown.render(stopped)
    assert "has not finished" not in markdown.render(repeated), "a finished run says nothing"
