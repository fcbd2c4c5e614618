"""The overview: for each scenario, one grid of frontend x strategy (rows) by sample x pyo3
(columns). Each square holds the crates its first attempt recompiled and cargo's seconds for
it (wall seconds, marked, where cargo printed no time), and its style says how many crates,
so a matrix answers "which frontend and strategy stop the churn" at a glance.

The headline rebuild's grid (warm) comes first: it is the one that answers that question. A
scenario that empties the target dir compiles everything by design, so its squares get a
neutral style, not the heat of churn, and its grid comes last.
"""

from __future__ import annotations

from dataclasses import dataclass

from harness.model.results import CellResult, RunResult
from harness.model.scenarios import HEADLINE, SCENARIOS, Scenario
from harness.report.cells import frontend_label, sample_label
from harness.report.rows import Content, Row, Span, Style, Table, plain
from harness.report.stats import scenario_stats


@dataclass(frozen=True)
class Heat:
    """One band of crates-recompiled counts, and its style."""

    low: int
    high: int | None  # None: no upper bound
    style: Style

    def describe(self) -> str:
        if self.high is None:
            return f"{self.low}+"
        return str(self.low) if self.low == self.high else f"{self.low}–{self.high}"


HEAT = (Heat(0, 0, "heat-0"), Heat(1, 2, "heat-1"), Heat(3, 5, "heat-2"), Heat(6, None, "heat-3"))
# A square of a scenario that compiles everything by design (Scenario.wipes_target).
NEUTRAL: Style = "heat-neutral"
_WIPING = " and ".join(s.label.lower() for s in SCENARIOS.values() if s.wipes_target)
LEGEND = (
    "Squares: crates recompiled · seconds (cargo's own; wall where marked), coloured by crates: "
    + ", ".join(h.describe() for h in HEAT)
    + f"; grey: failed or not run. The {HEADLINE.label.lower()} grid, the rebuild that matters, comes "
    f"first; the {_WIPING} grid comes last, blue-grey rather than heat: it starts from an empty "
    "target dir, so everything compiles by design and its count is not churn."
)


def swatches() -> tuple[tuple[Style, str], ...]:
    """The colour key under the legend: each style a square can have, and what it means."""
    heat = tuple((h.style, h.describe()) for h in HEAT)
    return (*heat, ("heat-failed", "failed"), (NEUTRAL, f"{_WIPING}: everything compiles"))


def heat(crates: int) -> Style:
    return next(h.style for h in HEAT if crates >= h.low and (h.high is None or crates <= h.high))


def _column(cell: CellResult) -> str:
    return f"{sample_label(cell)} · pyo3 {cell.pyo3}"


def _row(cell: CellResult) -> str:
    return f"{frontend_label(cell)} · {cell.strategy}"


def square(cell: CellResult, scenario: Scenario) -> Content:
    stats = scenario_stats(cell, scenario.name)
    anchor, title = f"cell-{cell.id}", f"{cell.id}: {scenario.name}"
    if stats is None:
        return (Span("–", "muted", title=f"{title} not run", anchor=anchor),)
    if stats.first_units is None:
        return (Span("failed", "heat-failed", title=f"{title} failed", anchor=anchor),)
    if stats.cargo_median is not None:
        seconds = f"{stats.cargo_median:.1f} s"
    else:
        seconds = "–" if stats.median is None else f"{stats.median:.1f} s wall"
    style = NEUTRAL if scenario.wipes_target else heat(stats.first_units)
    return (Span(f"{stats.first_units} · {seconds}", style, title=title, anchor=anchor),)


def _reading_order(measured: set[str]) -> list[Scenario]:
    """The headline first, then the other rebuilds in run order, then what compiles everything."""
    shown = [s for s in SCENARIOS.values() if s.name in measured]
    return sorted(shown, key=lambda s: (not s.headline, s.wipes_target))


def overview_tables(result: RunResult) -> list[Table]:
    """One grid per scenario the run measured, in reading order."""
    columns = list(dict.fromkeys(_column(c) for c in result.cells))
    rows = list(dict.fromkeys(_row(c) for c in result.cells))
    by_place = {(_row(c), _column(c)): c for c in result.cells}
    measured = {b.scenario for c in result.cells for b in c.builds}
    tables = []
    for scenario in _reading_order(measured):
        body = []
        for row in rows:
            found = [by_place.get((row, column)) for column in columns]
            squares = [square(c, scenario) if c else (Span("–", "muted"),) for c in found]
            body.append(Row((plain(row), *squares)))
        head = (f"{scenario.label}: frontend · strategy", *columns)
        tables.append(Table(f"overview-{scenario.name}", head, tuple(body)))
    return tables
