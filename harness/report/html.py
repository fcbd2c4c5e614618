"""report.html: one self-contained page (inline CSS and SVG, no scripts, fonts or links out).

It shows what report.md shows, from the same rows (``harness.report.rows``), in the same order
of importance: the decision table, a comparison with a baseline if one was given, a chart per
cell, the cells table, and every build with its causes and log. Every piece of text from the
results file is escaped.
"""

from __future__ import annotations

from html import escape

from harness.model.results import RunResult
from harness.report.cells import CellDetail, cell_details, cells_table
from harness.report.charts import CAUSE_COLOURS, CAUSE_LABELS, SECONDS_COLOUR, cell_chart, scales
from harness.report.compare import NOISE_RULE, Comparison, comparison_table
from harness.report.decision import decision_table, verdicts
from harness.report.overview import HEAT, LEGEND, overview_tables
from harness.report.rows import Content, Span, Table
from harness.report.stats import repeated
from harness.report.text import (
    CHARTS_NOTE,
    SPREAD_RULE,
    UNITS_NOTE,
    made_by,
    measured_on,
    source_line,
    timing,
)

# The overview's squares: background and text colour per style, light to dark with the count.
HEAT_COLOURS = {
    "heat-0": ("#2e7d32", "#ffffff"),
    "heat-1": ("#f9a825", "#1a1a1a"),
    "heat-2": ("#ef6c00", "#ffffff"),
    "heat-3": ("#c62828", "#ffffff"),
    "heat-failed": ("#9e9e9e", "#ffffff"),
}


_STYLE = """
body { font: 14px/1.4 system-ui, sans-serif; margin: 0; color: #1a1a1a; background: #fff; }
main { max-width: 1400px; margin: 0 auto; padding: 16px 24px 48px; }
h1 { font-size: 22px; margin: 8px 0; } h2 { font-size: 18px; margin: 28px 0 8px; }
h3 { font-size: 14px; margin: 18px 0 4px; font-family: ui-monospace, monospace; }
table { border-collapse: collapse; margin: 8px 0; }
th, td { border: 1px solid #ccc; padding: 3px 6px; vertical-align: top; text-align: left; }
th { background: #f0f0f0; } td.num { text-align: right; white-space: nowrap; }
code { font-family: ui-monospace, monospace; font-size: 12px; overflow-wrap: anywhere; }
tr.cell-sub td { border-top: none; background: #fafafa; font-size: 12px; }
tr.cell-row td { border-bottom: none; }
.failed, .fail, .regression { color: #b00020; font-weight: bold; }
.warn { color: #b35900; font-weight: bold; } .ok, .improved { color: #1b7f3b; }
.muted { color: #666; } .banner { padding: 6px 10px; border: 2px solid #b00020; }
svg.chart text { font: 11px system-ui, sans-serif; fill: #1a1a1a; }
svg.chart text.panel-title { font-weight: bold; font-size: 12px; }
svg.chart text.failed { fill: #b00020; font-weight: bold; }
svg.chart text.warn { fill: #b35900; font-weight: bold; }
svg.chart text.muted, svg.chart text.tick { fill: #555; }
svg.chart line.axis { stroke: #333; stroke-width: 1; }
svg.chart line.whisker { stroke: #111; stroke-width: 1.5; }
figure { margin: 4px 0 12px; } .swatch { display: inline-block; width: 12px; height: 10px; }
table[class^="overview"] td { padding: 0; } table[class^="overview"] td:first-child { padding: 3px 6px; }
table[class^="overview"] a { text-decoration: none; }
span[class^="heat-"] { display: block; padding: 6px 8px; text-align: center; white-space: nowrap; }
""" + "".join(
    f"span.{style}, .swatch.{style} {{ background: {colour}; color: {text}; }}\n"
    for style, (colour, text) in HEAT_COLOURS.items()
)


def _e(value: object) -> str:
    return escape(str(value), quote=True)


def span(item: Span) -> str:
    if item.text == "\n":
        return "<br>"
    if item.link:
        return f"{_e(item.text)} <code>{_e(item.link)}</code>"
    if item.style == "code":
        return f"<code>{_e(item.text)}</code>"
    if item.style == "strong":
        return f"<b>{_e(item.text)}</b>"
    title = f' title="{_e(item.title)}"' if item.title else ""
    if item.style == "plain" and not title:
        text = _e(item.text)
    else:
        text = f'<span class="{item.style}"{title}>{_e(item.text)}</span>'
    return f'<a href="#{_e(item.anchor)}">{text}</a>' if item.anchor else text


def content(cell: Content) -> str:
    return "".join(span(item) for item in cell)


def table(data: Table) -> str:
    head = "".join(f"<th>{_e(h)}</th>" for h in data.head)
    out = [f'<table class="{_e(data.name)}"><thead><tr>{head}</tr></thead><tbody>']
    for row in data.rows:
        klass = ' class="cell-row"' if row.note else ""
        out.append(f"<tr{klass}>" + "".join(f"<td>{content(c)}</td>" for c in row.cells) + "</tr>")
        if row.note:
            # The command and logs get a full-width line of their own: long, but needed to act on a row.
            out.append(f'<tr class="cell-sub"><td colspan="{len(data.head)}">{content(row.note)}</td></tr>')
    out.append("</tbody></table>")
    return "\n".join(out)


def _list(items: list[str], cls: str = "") -> str:
    klass = f' class="{cls}"' if cls else ""
    return "<ul>" + "".join(f"<li{klass}>{item}</li>" for item in items) + "</ul>"


def _overview(result: RunResult) -> str:
    swatches = (
        " &nbsp; ".join(f'<span class="swatch {h.style}"></span> {_e(h.describe())}' for h in HEAT)
        + ' &nbsp; <span class="swatch heat-failed"></span> failed'
    )
    parts = ['<section id="overview"><h2>Overview</h2>', f"<p>{_e(LEGEND)}</p>", f"<p>{swatches}</p>"]
    parts += [table(t) for t in overview_tables(result)]
    return "\n".join([*parts, "</section>"])


def _decision(result: RunResult) -> str:
    said, failures = verdicts(result)
    parts = ['<section id="decision"><h2>Decision</h2>', table(decision_table(result))]
    parts.append(_list([_e(v) for v in said]))
    if failures:
        parts += ["<p>Failed checks:</p>", _list([_e(f) for f in failures], "fail")]
    return "\n".join([*parts, "</section>"])


def _legend() -> str:
    items = [f'<span class="swatch" style="background:{SECONDS_COLOUR}"></span> wall seconds']
    items += [
        f'<span class="swatch" style="background:{colour}"></span> {_e(CAUSE_LABELS[kind])}'
        for kind, colour in CAUSE_COLOURS.items()
    ]
    return "<p>" + " &nbsp; ".join(items) + "</p>"


def _charts(result: RunResult) -> str:
    shared = scales(result.cells)
    parts = ['<section id="charts"><h2>Per cell</h2>', f"<p>{_e(CHARTS_NOTE)}</p>", _legend()]
    for cell in result.cells:
        state = "" if cell.ok else ' <span class="failed">(failed)</span>'
        parts.append(f'<article class="cell" id="cell-{_e(cell.id)}"><h3>{_e(cell.id)}{state}</h3>')
        parts.append(f'<figure class="cell-chart" data-cell="{_e(cell.id)}">{cell_chart(cell, shared)}')
        parts.append(f"<figcaption><code>{_e(cell.reproduce)}</code></figcaption></figure></article>")
    parts.append("</section>")
    return "\n".join(parts)


def _cell_detail(cell: CellDetail) -> str:
    parts = [f"<details{' open' if not cell.ok else ''}><summary><code>{_e(cell.id)}</code></summary>"]
    parts.append("<p>" + "<br>".join(content(fact) for fact in cell.facts) + "</p>")
    if cell.error:
        parts.append(f'<pre class="failed">{_e(cell.error)}</pre>')
    if cell.checks:
        parts.append(_list([content(check) for check in cell.checks]))
    builds = []
    for build in cell.builds:
        sub = _list([content(s) for s in build.sub]) if build.sub else ""
        builds.append(content(build.head) + sub)
    parts.append(_list(builds) + "</details>")
    return "\n".join(parts)


def _comparison(comparison: Comparison) -> str:
    parts = [f'<section id="comparison"><h2>Compared with <code>{_e(comparison.baseline)}</code></h2>']
    parts.append(f"<p>{_e(NOISE_RULE)}</p>")
    regressions = comparison.regressions
    if regressions:
        parts.append(f'<p class="regression">{len(regressions)} regression(s):</p>')
        parts.append(_list([_e(line) for line in regressions], "regression"))
    else:
        parts.append('<p class="ok">No regressions beyond noise.</p>')
    if comparison.cells:
        parts.append(table(comparison_table(comparison)))
    for label, ids in (
        ("Added (not in the baseline)", comparison.added),
        ("Removed (only in the baseline)", comparison.removed),
    ):
        if ids:
            parts.append(f"<p>{_e(label)}: " + ", ".join(f"<code>{_e(i)}</code>" for i in ids) + "</p>")
    parts.append("</section>")
    return "\n".join(parts)


def _footer(result: RunResult) -> str:
    parts = ["<footer><h2>Provenance</h2>"]
    if result.sources:
        parts.append(f"<p>Merged from {len(result.sources)} run(s):</p>")
        items = []
        for source in result.sources:
            file, command, rest = source_line(source)
            items.append(f"<code>{_e(file)}</code>: <code>{_e(command)}</code>{_e(rest)}")
        parts.append(_list(items))
    else:
        parts.append(f"<p>{_e(measured_on(result.toolchain, result.python, result.machine))}</p>")
    if result.timing:
        merged = " Seconds are summed over the merged runs." if result.sources else ""
        parts.append(f"<p>{_e(timing(result.timing))}{merged}</p>")
    parts.append(
        f"<p>Pins sha256 {_e(str(result.pins.sha256)[:12])}; harness {_e(result.harness_version)}.</p>"
    )
    parts.append("</footer>")
    return "\n".join(parts)


def render(result: RunResult, comparison: Comparison | None = None) -> str:
    failed = [c for c in result.cells if not c.ok]
    made = made_by(result.started, len(result.sources), False)
    command = f"<code>{_e(' '.join(result.command))}</code>"
    body = ["<h1>pyo3 warm-rebuild report</h1>", f"<p>Made by {command} {_e(made)}</p>"]
    if result.interrupted:
        body.append('<p class="banner">Interrupted: only finished cells are shown.</p>')
    if failed:
        ids = ", ".join(f"<code>{_e(c.id)}</code>" for c in failed)
        body.append(f'<p class="banner"><span class="failed">{len(failed)} cell(s) failed</span>: {ids}</p>')
    body.append(_overview(result))
    body.append(_decision(result))
    if comparison is not None:
        body.append(_comparison(comparison))
    body.append(_charts(result))
    body.append('<section id="cells"><h2>Cells</h2>\n' + table(cells_table(result)))
    body.append(f"<p>{_e(UNITS_NOTE.replace('`', ''))}</p>")
    if any(repeated(c) for c in result.cells):
        body.append(f"<p>{_e(SPREAD_RULE.replace('**', ''))}</p>")
    body.append("</section>")
    details = "".join(_cell_detail(c) for c in cell_details(result))
    body.append(f'<section id="builds"><h2>Every build</h2>\n{details}\n</section>')
    body.append(_footer(result))
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>pyo3 warm-rebuild report</title>\n<style>{_STYLE}</style></head>\n"
        "<body><main>\n" + "\n".join(body) + "\n</main></body></html>\n"
    )
