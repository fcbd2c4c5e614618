"""The decision table: one row per strategy, aggregated from the cells that ran it.

Everything here comes from the results: the checks' labels from ``RunResult.safety_checks``,
each strategy's upstream change from its cells, so results from another harness version read
as they were written.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass

from harness.model.results import CellResult, CheckLabel, RunResult
from harness.model.scenarios import HEADLINE
from harness.report.rows import Content, Row, Span, Style, Table, plain

UNRECORDED = "not recorded"  # results from before the harness recorded each cell's upstream change


@dataclass(frozen=True)
class CheckSummary:
    status: str  # "pass", "fail", "error" or "not checked"
    failed: tuple[str, ...] = ()  # ids of the cells that failed it
    detail: str = ""  # the first failure's detail

    def __str__(self) -> str:
        if self.status in ("pass", "not checked"):
            return self.status
        return f"{self.status.upper()} ({len(self.failed)} cell(s))"

    def content(self) -> Content:
        style: Style = "ok" if self.status == "pass" else "muted" if self.status == "not checked" else "fail"
        return (Span(str(self), style, title=self.detail),)


@dataclass(frozen=True)
class DecisionRow:
    strategy: str
    cells: int
    warm_crates: tuple[int, ...]  # crates recompiled by each cell's (successful) headline build
    warm_seconds: float | None  # median wall seconds over those builds
    checks: dict[str, CheckSummary]  # by check name, in the run's order
    upstream: str
    verdict: str
    # median of cargo's own seconds over the builds that recorded them: what compiling cost,
    # without the frontend's environment set-up (None: no build recorded it)
    warm_cargo_seconds: float | None = None

    @property
    def warm_crates_text(self) -> str:
        if not self.warm_crates:
            return "–"
        low, high = min(self.warm_crates), max(self.warm_crates)
        return str(low) if low == high else f"{low}–{high}"


def check_labels(result: RunResult) -> list[CheckLabel]:
    """The run's checks in order; for files that did not record them, the names the cells carry."""
    if result.safety_checks:
        return list(result.safety_checks)
    names = dict.fromkeys(v.check for c in result.cells for v in c.checks)
    return [CheckLabel(name, name) for name in names]


def _summary(cells: list[CellResult], name: str) -> CheckSummary:
    ran = [(c.id, v) for c in cells if (v := c.check(name)) is not None]
    if not ran:
        return CheckSummary("not checked")
    bad = [(cell_id, v) for cell_id, v in ran if v.status != "pass"]
    if not bad:
        return CheckSummary("pass")
    status = "fail" if any(v.status == "fail" for _, v in bad) else "error"
    return CheckSummary(status, tuple(cell_id for cell_id, _ in bad), bad[0][1].detail)


def _speed(units: tuple[int, ...]) -> str:
    rebuild = f"{HEADLINE.name} rebuild"
    if not units:
        return f"no {HEADLINE.name} build succeeded"
    if max(units) == 0:
        return f"recompiles nothing on a {rebuild}"
    if min(units) == max(units):
        return f"recompiles {max(units)} crate(s) on every {rebuild}"
    return f"recompiles {min(units)}–{max(units)} crates on a {rebuild}, depending on the cell"


def _verdict(
    name: str, units: tuple[int, ...], checks: dict[str, CheckSummary], labels: dict[str, str]
) -> str:
    broken = [labels[k].lower() for k, s in checks.items() if s.status in ("fail", "error")]
    unchecked = [labels[k].lower() for k, s in checks.items() if s.status == "not checked"]
    if broken:
        safety = "but fails: " + ", ".join(broken)
    elif len(unchecked) == len(checks):
        safety = "safety not checked in this run"
    elif unchecked:
        safety = "passes the checks run (not checked: " + ", ".join(unchecked) + ")"
    else:
        safety = "passes every safety check"
    return f"{name}: {_speed(units)}, {safety}"


def decision_rows(result: RunResult) -> list[DecisionRow]:
    """Rows in the order strategies first appear in the run."""
    labels = {c.check: c.label for c in check_labels(result)}
    by_strategy: dict[str, list[CellResult]] = {}
    for cell in result.cells:
        by_strategy.setdefault(cell.strategy, []).append(cell)
    rows = []
    for name, cells in by_strategy.items():
        built = [b for b in (c.build(HEADLINE.name) for c in cells) if b is not None and b.ok]
        units = tuple(len(b.rebuilt) for b in built)
        # Seconds over every attempt (`run --repeat`), crates from each cell's first, as in the cells table.
        timed = [b.seconds for c in cells for b in c.attempts(HEADLINE.name) if b.ok]
        seconds = round(statistics.median(timed), 2) if timed else None
        cargo = [b.cargo_seconds for c in cells for b in c.attempts(HEADLINE.name) if b.ok]
        known = [t for t in cargo if t is not None]
        cargo_seconds = round(statistics.median(known), 2) if known else None
        checks = {key: _summary(cells, key) for key in labels}
        upstream = next((c.upstream for c in cells if c.upstream), UNRECORDED)
        needs = "its upstream change is not recorded" if upstream == UNRECORDED else f"needs {upstream}"
        verdict = f"{_verdict(name, units, checks, labels)}; {needs}."
        rows.append(DecisionRow(name, len(cells), units, seconds, checks, upstream, verdict, cargo_seconds))
    return rows


def decision_table(result: RunResult) -> Table:
    labels = check_labels(result)
    head = ["Strategy", "Cells", f"{HEADLINE.label}: crates recompiled", f"{HEADLINE.label} s (median)"]
    head += [f"{HEADLINE.label}: cargo s (median)"]
    head += [c.label for c in labels] + ["Upstream change needed"]
    rows = []
    for row in decision_rows(result):
        seconds = "–" if row.warm_seconds is None else f"{row.warm_seconds:.1f}"
        cargo = "–" if row.warm_cargo_seconds is None else f"{row.warm_cargo_seconds:.1f}"
        cells = [plain(row.strategy), plain(str(row.cells)), plain(row.warm_crates_text), plain(seconds)]
        cells += [plain(cargo)]
        cells += [row.checks[c.check].content() for c in labels]
        rows.append(Row((*cells, plain(row.upstream))))
    return Table("decision", tuple(head), tuple(rows))


def verdicts(result: RunResult) -> tuple[list[str], list[str]]:
    """One plain-language verdict per strategy, and one line per failed check."""
    labels = {c.check: c.label for c in check_labels(result)}
    rows = decision_rows(result)
    failures = [
        f"{labels[key]} failed in {', '.join(summary.failed)}: {summary.detail}"
        for row in rows
        for key, summary in row.checks.items()
        if summary.failed
    ]
    return [row.verdict for row in rows], failures
