"""Grouped horizontal bars as inline SVG (``document.Bars``): one group per row, one bar per
series, every bar on one scale with its value written beside it."""

from __future__ import annotations

from html import escape

from harness.report.charts import svg_axis, svg_rect, svg_text, ticks
from harness.report.document import Bars

COLOURS = ("#d62728", "#2ca02c", "#1f77b4", "#9467bd")  # series in order: stock red, patched green
_LABEL, _WIDTH, _BAR, _GAP, _TOP = 220.0, 420.0, 12.0, 8.0, 24.0


def _group(bars: Bars, index: int, high: float) -> list[str]:
    label, row = bars.rows[index]
    top = _TOP + index * (_BAR * len(bars.series) + _GAP)
    parts = [svg_text(_LABEL - 8, top + _BAR * len(row) / 2 + 4, label, anchor="end")]
    for which, value in enumerate(row):
        y, name = top + which * _BAR, bars.series[which]
        if value is None:
            parts.append(svg_text(_LABEL + 2, y + _BAR - 2, f"{name}: not measured", cls="muted"))
            continue
        width = _WIDTH * value / high
        title = f"{label}, {name}: {value:g} {bars.unit}"
        parts.append(svg_rect(_LABEL, y, width, _BAR - 2, COLOURS[which % len(COLOURS)], title))
        parts.append(svg_text(_LABEL + width + 4, y + _BAR - 3, f"{value:g}"))
    return parts


def _legend(bars: Bars, y: float) -> list[str]:
    parts = []
    for i, name in enumerate(bars.series):
        parts.append(svg_rect(_LABEL + 90 * i, y - 10, 10, 10, COLOURS[i % len(COLOURS)], name))
        parts.append(svg_text(_LABEL + 90 * i + 14, y, name))
    return parts


def svg(bars: Bars) -> str:
    values = [v for _, row in bars.rows for v in row if v is not None]
    high = ticks(max(values, default=0.0) or 1.0, whole=False)[-1] or 1.0
    bottom = _TOP + (_BAR * len(bars.series) + _GAP) * len(bars.rows)
    height, width = bottom + 56, _LABEL + _WIDTH + 60
    parts = [svg_text(0, 14, bars.title, cls="panel-title")]
    for index in range(len(bars.rows)):
        parts += _group(bars, index, high)
    parts += svg_axis(_LABEL, bottom, _WIDTH, high, bars.unit, whole=False)
    parts += _legend(bars, height - 2)
    head = f'<svg class="chart" width="{width:.0f}" height="{height:.0f}" role="img"'
    return f'{head} aria-label="{escape(bars.title)}">{"".join(parts)}</svg>'
