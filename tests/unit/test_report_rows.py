"""Markdown and HTML format the same row model: every table in one report is in the other, with
the same headings, rows and cells. Fed with results recorded from real runs."""

import copy
import re

import pytest

from harness.model.results import RunResult
from harness.report import html, markdown
from harness.report.cells import cell_details, cells_table
from harness.report.compare import compare, comparison_table
from harness.report.decision import decision_table
from harness.report.overview import overview_tables
from harness.report.rows import Row, Span, Table


def _tables(result: RunResult, baseline: RunResult) -> list[Table]:
    comparison = compare(baseline, result, "baseline.json")
    tables = [decision_table(result), cells_table(result), comparison_table(comparison)]
    return [*tables, *overview_tables(result)]


def _shape_md(text: str) -> list[int]:
    """Cells per line of a Markdown table (no cell of the recorded runs holds a pipe)."""
    return [line.count("|") - 1 for line in text.splitlines()]


def test_both_reports_carry_the_same_tables(repeated: RunResult, single: RunResult) -> None:
    comparison = compare(single, repeated, "baseline.json")
    page, md = html.render(repeated, comparison), markdown.render(repeated, comparison)
    for table in _tables(repeated, single):
        assert table.rows, f"the recorded runs fill the {table.name} table"
        assert markdown.table(table) in md, table.name
        assert html.table(table) in page, table.name
        width = len(table.head)
        assert _shape_md(markdown.table(table)) == [width] * (len(table.rows) + 2)
        rendered = html.table(table)
        assert rendered.count("<th>") == width
        rows = re.findall(r'<tr(?: class="cell-row")?>(.*?)</tr>', rendered.split("</thead>")[1])
        assert [r.count("<td>") for r in rows] == [width] * len(table.rows)


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
