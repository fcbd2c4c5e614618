"""Inline SVG charts for report.html, drawn here so the page needs nothing from the network.

One chart per cell, two panels sharing the scenario rows: wall seconds per scenario (median
bar, min-max whisker when the scenario was repeated) and crates recompiled per scenario, stacked
by root cause. Every cell uses the same scales, so bars compare across cells.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from html import escape

from harness.model.results import BuildRecord, CellResult
from harness.model.scenarios import FIRST, measures_churn
from harness.report.stats import ScenarioStats, scenario_stats

SECONDS_COLOUR = "#1f77b4"
FAILED_COLOUR = "#b00020"
WIDE_COLOUR = "#b35900"
# Cause kinds in stacking order, most telling first; a crate counts under the first of its
# units' cause kinds in this order, so a crate rebuilt only as a cascade counts as "dep".
CAUSE_COLOURS = {
    "env": "#d62728",
    "config": "#9467bd",
    "file": "#2ca02c",
    "new": "#8c564b",
    "unknown": "#7f7f7f",
    "dep": "#ff7f0e",
}
CAUSE_LABELS = {
    "env": "env: a tracked variable changed",
    "config": "config: build configuration changed",
    "file": "file: a watched file changed",
    "new": "new: no earlier record",
    "unknown": "unknown: nothing recorded explains it",
    "dep": "dep: cascade from a rebuilt dependency",
}

_WIDTH = 1040
_LABEL_W = 96  # scenario names left of each panel
_PANEL_W = 300
_GAP = 120  # between the panels: room for the seconds labels
_ROW_H = 26
_TOP = 34
_AXIS_H = 44
_LEGEND_ROW = 18


@dataclass(frozen=True)
class Scales:
    """Shared maxima, so every cell's chart uses the same axes."""

    seconds: float
    crates: int


def scales(cells: list[CellResult]) -> Scales:
    seconds, crates = 0.0, 0
    for cell in cells:
        for build in cell.builds:
            if build.ok:
                seconds = max(seconds, build.seconds)
                if measures_churn(build.scenario):
                    crates = max(crates, len(build.rebuilt))
    return Scales(seconds=seconds or 1.0, crates=crates or 1)


def root_kind(record: BuildRecord, crate: str) -> str:
    """The cause kind a recompiled crate is counted under (the first in ``CAUSE_COLOURS``)."""
    kinds = {c.kind for c in record.causes if c.unit == crate}
    return next((k for k in CAUSE_COLOURS if k in kinds), "unknown")


def crates_by_cause(record: BuildRecord) -> dict[str, list[str]]:
    """Crates recompiled (``record.rebuilt``, as the tables count them) by root cause kind."""
    found: dict[str, list[str]] = {kind: [] for kind in CAUSE_COLOURS}
    for crate in record.rebuilt:
        found[root_kind(record, crate)].append(crate)
    return found


def ticks(high: float, *, whole: bool) -> list[float]:
    """0 and a round step (1, 2 or 5 times a power of ten) up to ``high``, at most 6 ticks."""
    raw = high / 5
    power = 10.0 ** math.floor(math.log10(raw)) if raw > 0 else 1.0
    step = next(m * power for m in (1.0, 2.0, 5.0, 10.0) if m * power >= raw)
    if whole:
        step = max(1.0, float(math.ceil(step)))
    count = math.floor(high / step + 1e-9)
    return [i * step for i in range(count + 1)]


def svg_text(x: float, y: float, content: str, *, anchor: str = "start", cls: str = "") -> str:
    klass = f' class="{cls}"' if cls else ""
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}"{klass}>{escape(content)}</text>'


def svg_rect(x: float, y: float, w: float, h: float, fill: str, title: str) -> str:
    return (
        f'<rect x="{x:.1f}" y="{y:.1f}" width="{max(w, 0.0):.1f}" height="{h:.1f}" fill="{fill}">'
        f"<title>{escape(title)}</title></rect>"
    )


def svg_axis(x0: float, y: float, width: float, high: float, label: str, *, whole: bool) -> list[str]:
    parts = [f'<line x1="{x0:.1f}" y1="{y:.1f}" x2="{x0 + width:.1f}" y2="{y:.1f}" class="axis"/>']
    for tick in ticks(high, whole=whole):
        x = x0 + width * tick / high
        parts.append(f'<line x1="{x:.1f}" y1="{y:.1f}" x2="{x:.1f}" y2="{y + 4:.1f}" class="axis"/>')
        parts.append(svg_text(x, y + 15, f"{tick:g}", anchor="middle", cls="tick"))
    parts.append(svg_text(x0 + width / 2, y + 32, label, anchor="middle", cls="axis-label"))
    return parts


def _failed(record: BuildRecord | None, stats: ScenarioStats) -> str | None:
    if record is not None and not record.ok:
        return "FAILED" if record.log else "not run"
    if stats.failed:
        return f"{stats.failed} of {stats.attempts} attempts FAILED"
    return None


def _seconds_row(stats: ScenarioStats, failure: str | None, x0: float, y: float, scale: float) -> list[str]:
    mid = y + _ROW_H / 2
    if stats.median is None or stats.low is None or stats.high is None:
        return [svg_text(x0 + 4, mid + 4, failure or "–", cls="failed")]
    width = _PANEL_W * stats.median / scale
    title = f"{stats.scenario}: {stats.seconds_text()} s over {len(stats.seconds)} attempt(s)"
    parts = [svg_rect(x0, y + 5, width, _ROW_H - 10, SECONDS_COLOUR, title)]
    if len(stats.seconds) > 1:
        lo, hi = x0 + _PANEL_W * stats.low / scale, x0 + _PANEL_W * stats.high / scale
        parts.append(f'<line x1="{lo:.1f}" y1="{mid:.1f}" x2="{hi:.1f}" y2="{mid:.1f}" class="whisker"/>')
        for x in (lo, hi):
            parts.append(
                f'<line x1="{x:.1f}" y1="{mid - 5:.1f}" x2="{x:.1f}" y2="{mid + 5:.1f}" class="whisker"/>'
            )
    label = stats.seconds_text().replace(" wide spread", "") + " s"
    end = x0 + _PANEL_W * max(stats.high, stats.median) / scale
    parts.append(svg_text(end + 5, mid + 4, label, cls="value"))
    notes = [n for n in ("wide spread" if stats.wide else "", failure or "") if n]
    if notes:
        parts.append(svg_text(end + 5, mid + 15, "; ".join(notes), cls="warn" if not failure else "failed"))
    return parts


def _crates_row(
    cell: CellResult, stats: ScenarioStats, failure: str | None, x0: float, y: float, scale: int
) -> list[str]:
    mid = y + _ROW_H / 2
    record = cell.build(stats.scenario)
    if record is None or not record.ok:
        return [svg_text(x0 + 4, mid + 4, failure or "–", cls="failed")]
    if not measures_churn(stats.scenario):
        return [svg_text(x0 + 4, mid + 4, f"{len(record.rebuilt)}: everything (not drawn)", cls="muted")]
    parts, x = [], x0
    for kind, crates in crates_by_cause(record).items():
        if crates:
            width = _PANEL_W * len(crates) / scale
            title = f"{stats.scenario}: {len(crates)} crate(s) by {kind}: {', '.join(crates)}"
            parts.append(svg_rect(x, y + 5, width, _ROW_H - 10, CAUSE_COLOURS[kind], title))
            x += width
    label = str(len(record.rebuilt)) if record.rebuilt else "0: nothing recompiled"
    if stats.unstable_units:
        label += f" (unstable: {', '.join(map(str, stats.units))})"
    parts.append(svg_text(x + 5, mid + 4, label, cls="warn" if stats.unstable_units else "value"))
    return parts


def _legend(y: float) -> list[str]:
    parts, x = [], float(_LABEL_W)
    parts.append(svg_rect(x, y - 9, 12, 10, SECONDS_COLOUR, "wall seconds"))
    parts.append(svg_text(x + 16, y, "wall seconds (bar: median; whisker: min–max)"))
    y += _LEGEND_ROW
    for index, (kind, colour) in enumerate(CAUSE_COLOURS.items()):
        column, row = index % 3, index // 3
        cx, cy = x + column * 270, y + row * _LEGEND_ROW
        parts.append(svg_rect(cx, cy - 9, 12, 10, colour, CAUSE_LABELS[kind]))
        parts.append(svg_text(cx + 16, cy, CAUSE_LABELS[kind]))
    return parts


def cell_chart(cell: CellResult, shared: Scales) -> str:
    """One cell's chart as an ``<svg>`` element (no xmlns: inline SVG in HTML needs none)."""
    scenarios = list(dict.fromkeys(b.scenario for b in cell.builds))
    rows = max(len(scenarios), 1)
    axis_y = _TOP + rows * _ROW_H + 4
    height = axis_y + _AXIS_H + 3 * _LEGEND_ROW + 8
    left, right = _LABEL_W, _LABEL_W + _PANEL_W + _GAP + _LABEL_W
    parts = [
        f'<svg class="chart" width="{_WIDTH}" height="{height}" viewBox="0 0 {_WIDTH} {height}" '
        f'role="img" aria-label="{escape(cell.id)}: seconds and crates recompiled per scenario">',
        svg_text(left, 16, "Wall seconds per scenario", cls="panel-title"),
        svg_text(right, 16, "Crates recompiled, by root cause", cls="panel-title"),
    ]
    if cell.error:
        parts.append(svg_text(left, _TOP + 16, f"cell failed: {cell.error.splitlines()[0]}", cls="failed"))
    for index, scenario in enumerate(scenarios):
        stats = scenario_stats(cell, scenario)
        if stats is None:
            continue
        failure = _failed(cell.build(scenario), stats)
        y = _TOP + index * _ROW_H
        for x in (left, right):
            parts.append(svg_text(x - 6, y + _ROW_H / 2 + 4, scenario, anchor="end", cls="row-label"))
        parts += _seconds_row(stats, failure, left, y, shared.seconds)
        parts += _crates_row(cell, stats, failure, right, y, shared.crates)
    parts += svg_axis(
        left, axis_y, _PANEL_W, shared.seconds, "seconds (wall time of the frontend)", whole=False
    )
    parts += svg_axis(
        right, axis_y, _PANEL_W, shared.crates, f"crates recompiled (not {FIRST.name})", whole=True
    )
    parts += _legend(axis_y + _AXIS_H + 6)
    parts.append("</svg>")
    return "\n".join(parts)
