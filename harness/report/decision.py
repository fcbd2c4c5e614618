"""The decision table: one row per strategy, aggregated from the cells that ran it.

Markdown and HTML render the same rows, so the two reports can never disagree.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass

from harness.build.strategies import STRATEGIES
from harness.report.results import CellResult, RunResult

# The safety checks a cell can carry, in table order, with their column headings.
CHECKS = {
    "isolation": "Isolation kept",
    "requirements": "Build requirements reachable",
    "stale": "No stale cache",
    "wheel": "Wheel correct",
}


@dataclass(frozen=True)
class CheckSummary:
    status: str  # "pass", "fail", "error" or "not checked"
    failed: tuple[str, ...] = ()  # ids of the cells that failed it
    detail: str = ""  # the first failure's detail

    def __str__(self) -> str:
        if self.status in ("pass", "not checked"):
            return self.status
        return f"{self.status.upper()} ({len(self.failed)} cell(s))"


@dataclass(frozen=True)
class DecisionRow:
    strategy: str
    cells: int
    warm_units: tuple[int, ...]  # units recompiled by each cell's (successful) warm build
    warm_seconds: float | None  # median over those builds
    checks: dict[str, CheckSummary]
    upstream: str
    verdict: str

    @property
    def warm_units_text(self) -> str:
        if not self.warm_units:
            return "–"
        low, high = min(self.warm_units), max(self.warm_units)
        return str(low) if low == high else f"{low}–{high}"


def _summary(cells: list[CellResult], name: str) -> CheckSummary:
    found = [(c.id, c.check(name)) for c in cells]
    ran = [(cell_id, check) for cell_id, check in found if check is not None]
    if not ran:
        return CheckSummary("not checked")
    bad = [(cell_id, check) for cell_id, check in ran if check["status"] != "pass"]
    if not bad:
        return CheckSummary("pass")
    status = "fail" if any(check["status"] == "fail" for _, check in bad) else "error"
    return CheckSummary(status, tuple(cell_id for cell_id, _ in bad), bad[0][1]["detail"])


def _verdict(name: str, units: tuple[int, ...], checks: dict[str, CheckSummary], upstream: str) -> str:
    if not units:
        speed = "no warm build succeeded"
    elif max(units) == 0:
        speed = "recompiles nothing on a warm rebuild"
    elif min(units) == max(units):
        speed = f"recompiles {max(units)} unit(s) on every warm rebuild"
    else:
        speed = f"recompiles {min(units)}–{max(units)} units on a warm rebuild, depending on the cell"
    broken = [CHECKS[k].lower() for k, s in checks.items() if s.status in ("fail", "error")]
    unchecked = [CHECKS[k].lower() for k, s in checks.items() if s.status == "not checked"]
    if broken:
        safety = "but fails: " + ", ".join(broken)
    elif unchecked and len(unchecked) == len(checks):
        safety = "safety not checked in this run"
    elif unchecked:
        safety = "passes the checks run (not checked: " + ", ".join(unchecked) + ")"
    else:
        safety = "passes every safety check"
    return f"{name}: {speed}, {safety}; needs {upstream}."


def decision_rows(result: RunResult) -> list[DecisionRow]:
    """Rows in the order strategies first appear in the run."""
    by_strategy: dict[str, list[CellResult]] = {}
    for cell in result.cells:
        by_strategy.setdefault(cell.strategy, []).append(cell)
    rows = []
    for name, cells in by_strategy.items():
        warm = [b for b in (c.build("warm") for c in cells) if b is not None and b.ok]
        units = tuple(len(b.rebuilt) for b in warm)
        # Seconds over every attempt (`run --repeat`), units from each cell's first, as in the cells table.
        timed = [b.seconds for c in cells for b in c.attempts("warm") if b.ok]
        seconds = round(statistics.median(timed), 2) if timed else None
        checks = {key: _summary(cells, key) for key in CHECKS}
        strategy = STRATEGIES.get(name)
        upstream = strategy.upstream if strategy else "unknown (strategy not in this harness version)"
        rows.append(
            DecisionRow(
                strategy=name,
                cells=len(cells),
                warm_units=units,
                warm_seconds=seconds,
                checks=checks,
                upstream=upstream,
                verdict=_verdict(name, units, checks, upstream),
            )
        )
    return rows


def decision_table(rows: list[DecisionRow]) -> str:
    head = ["Strategy", "Cells", "Warm: units recompiled", "Warm s (median)", *CHECKS.values()]
    head.append("Upstream change needed")
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for row in rows:
        seconds = "–" if row.warm_seconds is None else f"{row.warm_seconds:.1f}"
        cols = [row.strategy, str(row.cells), row.warm_units_text, seconds]
        cols += [str(row.checks[key]) for key in CHECKS]
        cols.append(row.upstream)
        lines.append("| " + " | ".join(cols) + " |")
    return "\n".join(lines)
