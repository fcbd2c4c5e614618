"""report.html: one self-contained page (inline CSS and SVG, no scripts, fonts or links out).

It shows what report.md shows, in the same order of importance: the decision table (the same
``decision_rows`` as the Markdown), a comparison with a baseline if one was given, a chart per
cell, the cells table, and every build with its causes and log. Every piece of text from the
results file is escaped.
"""

from __future__ import annotations

from html import escape
from typing import Any

from harness.report.charts import CAUSE_COLOURS, CAUSE_LABELS, SECONDS_COLOUR, cell_chart, scales
from harness.report.compare import Comparison
from harness.report.decision import CHECKS, decision_rows
from harness.report.markdown import (
    NOISE_RULE,
    SPREAD_RULE,
    cause_lines,
    figures,
    frontend_label,
    root_cause,
    sample_label,
)
from harness.report.results import BuildRecord, CellResult, RunResult
from harness.report.stats import repeated, scenario_stats

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
"""


def _e(value: object) -> str:
    return escape(str(value), quote=True)


def _table(head: list[str], rows: list[list[str]], *, cls: str = "") -> str:
    """``rows`` hold already-escaped HTML; ``head`` is plain text."""
    klass = f' class="{cls}"' if cls else ""
    out = [f"<table{klass}><thead><tr>" + "".join(f"<th>{_e(h)}</th>" for h in head) + "</tr></thead>"]
    out.append("<tbody>")
    out += ["<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows]
    out.append("</tbody></table>")
    return "\n".join(out)


def _decision(result: RunResult) -> str:
    rows = []
    found = decision_rows(result)
    for row in found:
        seconds = "–" if row.warm_seconds is None else f"{row.warm_seconds:.1f}"
        cols = [f"<code>{_e(row.strategy)}</code>", str(row.cells), _e(row.warm_units_text), seconds]
        for key in CHECKS:
            check = row.checks[key]
            title = f' title="{_e(check.detail)}"' if check.detail else ""
            cols.append(f'<span class="{_e(check.status.replace(" ", "-"))}"{title}>{_e(check)}</span>')
        cols += [_e(row.upstream), _e(row.verdict)]
        rows.append(cols)
    head = ["Strategy", "Cells", "Warm: crates recompiled", "Warm s (median)", *CHECKS.values()]
    head += ["Upstream change needed", "Verdict"]
    return '<section id="decision"><h2>Decision</h2>\n' + _table(head, rows) + "\n</section>"


def _failure(record: BuildRecord) -> str:
    where = f" (log <code>{_e(record.log)}</code>)" if record.log else ""
    return f'<span class="failed">FAILED</span>: {_e(record.error or "")}{where}'


def _units(cell: CellResult, scenario: str) -> str:
    record = cell.build(scenario)
    if record is None:
        return "–"
    if not record.ok:
        return _failure(record)
    text = _e(len(record.rebuilt)) + (f": {_e(', '.join(record.rebuilt))}" if record.rebuilt else "")
    if any(not (b.wheel or {}).get("ok", True) for b in cell.attempts(scenario)):
        text += ' <span class="failed">(wheel check failed)</span>'
    stats = scenario_stats(cell, scenario)
    if stats is not None and stats.unstable_units:
        text += f' <span class="warn">(unstable: {_e(", ".join(map(str, stats.units)))})</span>'
    if stats is not None and stats.failed:
        text += f' <span class="failed">({stats.failed} of {stats.attempts} attempts failed)</span>'
    return text


def _seconds(cell: CellResult, scenario: str) -> str:
    record = cell.build(scenario)
    stats = scenario_stats(cell, scenario)
    if record is None or stats is None:
        return "–"
    if not record.ok:
        return '<span class="failed">FAILED</span>'
    text = _e(stats.seconds_text().replace(" wide spread", ""))
    return text + (' <span class="warn">wide spread</span>' if stats.wide else "")


def _logs(cell: CellResult) -> str:
    logs = list(dict.fromkeys(b.log for b in cell.builds if b.log))
    if not logs:
        return "–"
    folder = logs[0].rsplit("/", 1)[0]
    names = ", ".join(_e(log.rsplit("/", 1)[-1]) for log in logs)
    return f"<code>{_e(folder)}/</code>: {names}"


def _cells_table(result: RunResult) -> str:
    scenarios = [s for s in ("warm", "incremental", "other-venv") if any(c.build(s) for c in result.cells)]
    head = ["Frontend", "Strategy", "Sample", "pyo3", "Cold s"]
    for scenario in scenarios:
        head += [f"{scenario}: crates recompiled", f"{scenario} s"]
    head.append("Root cause of the warm rebuild")
    out = ["<table><thead><tr>" + "".join(f"<th>{_e(h)}</th>" for h in head) + "</tr></thead><tbody>"]
    for cell in result.cells:
        row = [
            _e(frontend_label(cell)),
            _e(cell.strategy),
            _e(sample_label(cell)),
            _e(cell.pyo3_support or cell.pyo3),
        ]
        cold = cell.build("cold")
        row.append(_failure(cold) if cold is not None and not cold.ok else _seconds(cell, "cold"))
        for scenario in scenarios:
            row += [_units(cell, scenario), _seconds(cell, scenario)]
        row.append(root_cause(cell, esc=_e, failed='<span class="failed">cell failed</span>'))
        out.append('<tr class="cell-row">' + "".join(f"<td>{c}</td>" for c in row) + "</tr>")
        # The command and logs get a full-width line of their own: long, but needed to act on a row.
        out.append(
            f'<tr class="cell-sub"><td colspan="{len(head)}">Reproduce: <code>{_e(cell.reproduce)}</code>'
            f"<br>Logs: {_logs(cell)}</td></tr>"
        )
    out.append("</tbody></table>")
    return '<section id="cells"><h2>Cells</h2>\n' + "\n".join(out) + "\n</section>"


def _legend() -> str:
    items = [f'<span class="swatch" style="background:{SECONDS_COLOUR}"></span> wall seconds']
    items += [
        f'<span class="swatch" style="background:{colour}"></span> {_e(CAUSE_LABELS[kind])}'
        for kind, colour in CAUSE_COLOURS.items()
    ]
    return "<p>" + " &nbsp; ".join(items) + "</p>"


def _charts(result: RunResult) -> str:
    shared = scales(result.cells)
    parts = [
        '<section id="charts"><h2>Per cell</h2>',
        "<p>Left: wall seconds of each scenario's build (with <code>--repeat</code>: the bar is the "
        "median, the whisker min–max). Right: crates recompiled, each counted under its root cause "
        "(a crate rebuilt only because a dependency was rebuilt is a <em>dep</em> cascade). Every chart has "
        "the same scales.</p>",
        _legend(),
    ]
    for cell in result.cells:
        state = "" if cell.ok else ' <span class="failed">(failed)</span>'
        parts.append(f'<article class="cell" id="cell-{_e(cell.id)}"><h3>{_e(cell.id)}{state}</h3>')
        parts.append(f'<figure class="cell-chart" data-cell="{_e(cell.id)}">{cell_chart(cell, shared)}')
        parts.append(f"<figcaption><code>{_e(cell.reproduce)}</code></figcaption></figure></article>")
    parts.append("</section>")
    return "\n".join(parts)


def _build_item(build: BuildRecord) -> str:
    status = '<span class="ok">ok</span>' if build.ok else '<span class="failed">FAILED</span>'
    attempt = f" attempt {build.attempt + 1}" if build.attempt else ""
    log = f"log <code>{_e(build.log)}</code>" if build.log else "no log"
    head = f"<b>{_e(build.scenario)}</b>{attempt} ({status}, {build.seconds:.1f} s, {log})"
    items = []
    if build.error:
        items.append(f"error: {_e(build.error)}")
    if build.rebuilt or build.reran:
        items.append(
            f"recompiled: {_e(', '.join(build.rebuilt) or 'none')}; build scripts re-ran: "
            f"{_e(', '.join(build.reran) or 'none')}"
        )
    if build.scenario != "cold":
        items += [f"cause: {_e(text)}" for text in cause_lines(build, full=True)]
    if build.wheel:
        verdict = (
            "imports and works"
            if build.wheel.get("ok")
            else "FAILED: " + str(build.wheel.get("detail"))[-300:]
        )
        cls = "ok" if build.wheel.get("ok") else "failed"
        items.append(
            f'wheel <code>{_e(build.wheel.get("file"))}</code>: <span class="{cls}">{_e(verdict)}</span>'
        )
    inner = "".join(f"<li>{item}</li>" for item in items)
    return f"<li>{head}" + (f"<ul>{inner}</ul>" if inner else "") + "</li>"


def _builds(result: RunResult) -> str:
    parts = ['<section id="builds"><h2>Every build</h2>']
    for cell in result.cells:
        source = result.source_of(cell.id)
        parts.append(
            f"<details{' open' if not cell.ok else ''}><summary><code>{_e(cell.id)}</code></summary>"
        )
        parts.append(f"<p>Reproduce: <code>{_e(cell.reproduce)}</code><br>")
        parts.append(
            f"Frontend: {_e(cell.frontend_source or cell.frontend)}. "
            f"Backend: {_e(cell.backend_source or 'unrecorded')}."
        )
        if source is not None:
            parts.append(f"<br>Measured by the run in <code>{_e(source.get('file'))}</code>.")
        parts.append("</p>")
        if cell.error:
            parts.append(f'<pre class="failed">{_e(cell.error)}</pre>')
        parts.append("<ul>" + "".join(_build_item(b) for b in cell.builds) + "</ul></details>")
    parts.append("</section>")
    return "\n".join(parts)


def _comparison(comparison: Comparison) -> str:
    parts = [f'<section id="comparison"><h2>Compared with <code>{_e(comparison.baseline)}</code></h2>']
    parts.append(f"<p>{_e(NOISE_RULE)}</p>")
    regressions = comparison.regressions
    if regressions:
        parts.append(f'<p class="regression">{len(regressions)} regression(s):</p><ul>')
        parts += [f'<li class="regression">{_e(line)}</li>' for line in regressions]
        parts.append("</ul>")
    else:
        parts.append('<p class="ok">No regressions beyond noise.</p>')
    rows = []
    for cell in comparison.cells:
        if cell.failed:
            rows.append(
                [f"<code>{_e(cell.id)}</code>", "–", "", "", "", "", "", _e(f"cell failed: {cell.failed}")]
            )
        for change in cell.scenarios:
            before, after = change.before, change.after
            units, seconds = change.units_delta, change.seconds_delta
            cls = "regression" if change.regressions else "improved" if change.improvements else "muted"
            rows.append(
                [
                    f"<code>{_e(cell.id)}</code>",
                    _e(change.scenario),
                    _e(figures(before.seconds_text(), before.first_units)) if before else "–",
                    _e(figures(after.seconds_text(), after.first_units)) if after else "–",
                    "–" if units is None else f"{units:+d}",
                    "–" if seconds is None else f"{seconds:+.1f}",
                    f"{change.threshold:.1f}",
                    f'<span class="{cls}">{_e(change.verdict)}</span>',
                ]
            )
    if rows:
        head = ["Cell", "Scenario", "Baseline: crates / s", "Now: crates / s", "Δ crates", "Δ s", "Noise s"]
        parts.append(_table([*head, "Verdict"], rows))
    for label, ids in (
        ("Added (not in the baseline)", comparison.added),
        ("Removed (only in the baseline)", comparison.removed),
    ):
        if ids:
            parts.append(f"<p>{_e(label)}: " + ", ".join(f"<code>{_e(i)}</code>" for i in ids) + "</p>")
    parts.append("</section>")
    return "\n".join(parts)


def _measured_on(where: dict[str, Any]) -> str:
    tools, python, machine = (
        where.get("toolchain") or {},
        where.get("python") or {},
        where.get("machine") or {},
    )
    return _e(
        f"Toolchain: {tools.get('rustc')}; {tools.get('cargo')}. Python: {python.get('version')} "
        f"({python.get('base_executable')}). Machine: {machine.get('platform')}, {machine.get('cpus')} CPUs."
    )


def _footer(result: RunResult) -> str:
    parts = ["<footer><h2>Provenance</h2>"]
    if result.sources:
        parts.append(f"<p>Merged from {len(result.sources)} run(s):</p><ul>")
        for source in result.sources:
            command = " ".join(source.get("command") or [])
            cells = len(source.get("cells") or [])
            parts.append(
                f"<li><code>{_e(source.get('file'))}</code>: <code>{_e(command)}</code> on "
                f"{_e(source.get('started'))}, {cells} cell(s). {_measured_on(source)}</li>"
            )
        parts.append("</ul>")
    else:
        here = {"toolchain": result.toolchain, "python": result.python, "machine": result.machine}
        parts.append(f"<p>{_measured_on(here)}</p>")
    timing = result.timing
    if timing:
        parts.append(
            f"<p>Build seconds {timing.get('build', 0.0):.0f}, setup {timing.get('setup', 0.0):.0f}, "
            f"total {timing.get('total', 0.0):.0f}"
            + (" (summed over the merged runs)" if result.sources else "")
            + ".</p>"
        )
    parts.append(
        f"<p>Pins sha256 {_e(str(result.pins.get('sha256'))[:12])}; harness {_e(result.harness_version)}.</p>"
    )
    parts.append("</footer>")
    return "\n".join(parts)


def render(result: RunResult, comparison: Comparison | None = None) -> str:
    failed = [c for c in result.cells if not c.ok]
    body = [
        "<h1>pyo3 warm-rebuild report</h1>",
        f"<p>Made by <code>{_e(' '.join(result.command))}</code> "
        + (f"from {len(result.sources)} run(s), the first started " if result.sources else "on ")
        + f"{_e(result.started)}.</p>",
    ]
    if result.interrupted:
        body.append('<p class="banner">Interrupted: only finished cells are shown.</p>')
    if failed:
        ids = ", ".join(f"<code>{_e(c.id)}</code>" for c in failed)
        body.append(f'<p class="banner"><span class="failed">{len(failed)} cell(s) failed</span>: {ids}</p>')
    body.append(_decision(result))
    if comparison is not None:
        body.append(_comparison(comparison))
    body.append(_charts(result))
    body.append(_cells_table(result))
    if any(repeated(c) for c in result.cells):
        body.append(f"<p>{_e(SPREAD_RULE.replace('**', ''))}</p>")
    body.append(_builds(result))
    body.append(_footer(result))
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>pyo3 warm-rebuild report</title>\n<style>{_STYLE}</style></head>\n"
        "<body><main>\n" + "\n".join(body) + "\n</main></body></html>\n"
    )
