"""What the survey says of each project and of all of them, from each project's own results file.

A project's figure for a rebuild is taken over the frontends it went through: the crates cargo
recompiled (their range) and cargo's own seconds (the median). The aggregate adds those up over
the projects that have them; nothing here guesses a figure a results file does not hold.
"""

from __future__ import annotations

import json
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from harness.model.results import BuildRecord, CellResult, RunResult, schema_problem
from harness.survey.listing import SurveyProject
from harness.survey.runner import Row, row_path

STOCK, PATCHED = "stock", "frontend-patch"
WARM, CI = "warm", "ci-restore"  # a local rebuild with nothing changed; a CI job's build


@dataclass(frozen=True)
class Cost:
    crates: tuple[int, ...]  # recompiled, one per frontend (sorted)
    seconds: float | None  # cargo's own, the median over the frontends; None: cargo printed none

    @property
    def churns(self) -> bool:
        return any(self.crates)

    def text(self) -> str:
        low, high = self.crates[0], self.crates[-1]
        crates = str(low) if low == high else f"{low}–{high}"
        return crates if self.seconds is None else f"{crates}, {self.seconds:.1f} s"


@dataclass(frozen=True)
class Measured:
    project: SurveyProject
    row: Row | None
    result: RunResult | None

    def cells(self, strategy: str, frontend: str | None = None) -> list[CellResult]:
        if self.result is None:
            return []
        return [
            c
            for c in self.result.cells
            if c.strategy == strategy and (frontend is None or c.frontend == frontend)
        ]

    def cost(self, strategy: str, scenario: str, frontend: str | None = None) -> Cost | None:
        builds = [b for c in self.cells(strategy, frontend) for b in c.attempts(scenario) if b.ok]
        return cost(builds)

    def frontends(self) -> list[str]:
        return sorted({c.frontend for c in self.result.cells}) if self.result else []

    def broken(self) -> list[str]:
        """What fails with the patch set and not stock: a build, or a safety verdict."""
        stock = self.cells(STOCK)
        built = {(c.frontend, b.scenario) for c in stock for b in c.builds if b.ok}
        failed = {(c.frontend, v.check) for c in stock for v in c.checks if v.status == "fail"}
        found = []
        for cell in self.cells(PATCHED):
            builds = [b for b in cell.builds if b.ran and not b.ok and (cell.frontend, b.scenario) in built]
            found += [f"{cell.frontend}: {b.scenario} build failed" for b in builds]
            checks = [v for v in cell.checks if v.status == "fail" and (cell.frontend, v.check) not in failed]
            found += [f"{cell.frontend}: {v.check} verdict" for v in checks]
        return found


def cost(builds: Sequence[BuildRecord]) -> Cost | None:
    if not builds:
        return None
    timed = [b.cargo_seconds for b in builds if b.cargo_seconds is not None]
    seconds = round(statistics.median(timed), 1) if timed else None
    return Cost(tuple(sorted(len(b.rebuilt) for b in builds)), seconds)


def results_of(out: Path, project: SurveyProject) -> RunResult | None:
    path = row_path(out, project).parent / "out" / "results.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return None if schema_problem(data) else RunResult.from_json(data)


def measured(projects: Sequence[SurveyProject], rows: dict[str, Row], out: Path) -> list[Measured]:
    return [Measured(p, rows.get(p.spec), results_of(out, p)) for p in projects]


@dataclass(frozen=True)
class Total:
    """One rebuild's cargo seconds over the projects that have it."""

    projects: int
    median: float
    total: float

    def text(self) -> str:
        return f"median {self.median:.1f} s, {self.total:.0f} s in all over {self.projects} project(s)"


def total(costs: Sequence[Cost | None]) -> Total | None:
    seconds = [c.seconds for c in costs if c is not None and c.seconds is not None]
    if not seconds:
        return None
    return Total(len(seconds), round(statistics.median(seconds), 1), round(sum(seconds), 1))


def saved(all_measured: Sequence[Measured], scenario: str) -> Total | None:
    """Stock's cargo seconds minus the patch set's, over projects measured both ways."""
    differences = []
    for m in all_measured:
        stock, patched = m.cost(STOCK, scenario), m.cost(PATCHED, scenario)
        if stock and patched and stock.seconds is not None and patched.seconds is not None:
            differences.append(Cost((0,), round(stock.seconds - patched.seconds, 1)))
    return total(differences)


def churning(all_measured: Sequence[Measured], strategy: str, frontend: str) -> tuple[int, int]:
    """(projects whose warm rebuild recompiles crates, projects with a warm rebuild) for one
    frontend and strategy."""
    costs = [m.cost(strategy, WARM, frontend) for m in all_measured]
    found = [c for c in costs if c is not None]
    return sum(c.churns for c in found), len(found)
