"""report.html: one self-contained page (inline CSS and SVG, no scripts, fonts or links out).

It formats the document ``harness.report.compose`` builds, the same one report.md formats, and
draws what only a page can: a chart per cell and the overview's colour key. Every piece of text
from the results file is escaped.
"""

from __future__ import annotations

from html import escape

from harness.model.results import RunResult
from harness.report import bars
from harness.report.cells import CellDetail
from harness.report.charts import CAUSE_COLOURS, CAUSE_LABELS, SECONDS_COLOUR, cell_chart, scales
from harness.report.compare import Comparison
from harness.report.compose import compose
from harness.report.document import Bars, Block, Bullets, Charts, Details, Document, Prose, Section, Swatches
from harness.report.rows import Content, Span, Table

# The overview's squares: background and text colour per style, light to dark with the count.
HEAT_COLOURS = {
    "heat-0": ("#2e7d32", "#ffffff"),
    "heat-1": ("#f9a825", "#1a1a1a"),
    "heat-2": ("#ef6c00", "#ffffff"),
    "heat-3": ("#c62828", "#ffffff"),
    "heat-failed": ("#9e9e9e", "#ffffff"),
    # Cold: everything compiles by design, so no heat colour; blue-grey, apart from failed's grey.
    "heat-neutral": ("#cfd8dc", "#1a1a1a"),
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


def _legend() -> str:
    items = [f'<span class="swatch" style="background:{SECONDS_COLOUR}"></span> wall seconds']
    items += [
        f'<span class="swatch" style="background:{colour}"></span> {_e(CAUSE_LABELS[kind])}'
        for kind, colour in CAUSE_COLOURS.items()
    ]
    return "<p>" + " &nbsp; ".join(items) + "</p>"


def _charts(charts: Charts) -> str:
    shared = scales(list(charts.cells))
    parts = [f"<p>{content(charts.note)}</p>", _legend()]
    for cell in charts.cells:
        state = "" if cell.ok else ' <span class="failed">(failed)</span>'
        parts.append(f'<article class="cell" id="cell-{_e(cell.id)}"><h3>{_e(cell.id)}{state}</h3>')
        parts.append(f'<figure class="cell-chart" data-cell="{_e(cell.id)}">{cell_chart(cell, shared)}')
        parts.append(f"<figcaption><code>{_e(cell.reproduce)}</code></figcaption></figure></article>")
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


def _prose(prose: Prose) -> str:
    klass = ' class="banner"' if prose.banner else ""
    return f"<p{klass}>{content(prose.text)}</p>"


def _block(block: Block) -> str:
    if isinstance(block, Table):
        return table(block)
    if isinstance(block, Prose):
        return _prose(block)
    if isinstance(block, Bullets):
        return _list([content(item) for item in block.items], "" if block.style == "plain" else block.style)
    if isinstance(block, Swatches):
        keys = (f'<span class="swatch {style}"></span> {_e(label)}' for style, label in block.items)
        return "<p>" + " &nbsp; ".join(keys) + "</p>"
    if isinstance(block, Charts):
        return _charts(block)
    if isinstance(block, Bars):
        return bars.svg(block)
    assert isinstance(block, Details)
    return "\n".join(_cell_detail(c) for c in block.cells)


def _section(section: Section) -> str:
    parts = [f'<section id="{_e(section.name)}"><h2>{content(section.title)}</h2>']
    parts += [_block(block) for block in section.blocks]
    return "\n".join([*parts, "</section>"])


def page(doc: Document) -> str:
    body = [f"<h1>{_e(doc.title)}</h1>", *(_prose(p) for p in doc.lead), *(_section(s) for s in doc.sections)]
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_e(doc.title)}</title>\n<style>{_STYLE}</style></head>\n"
        "<body><main>\n" + "\n".join(body) + "\n</main></body></html>\n"
    )


def render(result: RunResult, comparison: Comparison | None = None) -> str:
    return page(compose(result, comparison))
