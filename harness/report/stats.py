"""Figures for one scenario of one cell, over its attempts (`run --repeat N`).

Seconds are summarised as median, min and max over the attempts that built; crates recompiled
come from the first attempt, the one every table has always shown, and attempts that disagree on
them are flagged, because a count that changes between identical rebuilds is not a measurement.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass

from harness.model.results import CellResult

# A spread is too wide to trust when it is large both relative to the median and in absolute
# terms: (max - min) / median > WIDE_RELATIVE and max - min > WIDE_SECONDS. The absolute floor
# keeps sub-second builds (0.2 s vs 0.4 s) from being flagged for scheduler jitter.
WIDE_RELATIVE = 0.25
WIDE_SECONDS = 0.5


@dataclass(frozen=True)
class ScenarioStats:
    scenario: str
    attempts: int  # records of this scenario, failed and not-run ones included
    failed: int  # attempts that did not build (a failed wheel check is the report's to show)
    seconds: tuple[float, ...]  # wall seconds of the attempts that built, in attempt order
    units: tuple[int, ...]  # crates recompiled by each attempt that built, in attempt order
    first_units: int | None  # crates recompiled by the first attempt, if it built
    # cargo's own seconds (its `Finished … in` lines) for the attempts that built, when every one
    # of them recorded it; () otherwise, and then only wall time can be compared.
    cargo: tuple[float, ...] = ()

    @property
    def cargo_median(self) -> float | None:
        return statistics.median(self.cargo) if self.cargo else None

    @property
    def median(self) -> float | None:
        return statistics.median(self.seconds) if self.seconds else None

    @property
    def low(self) -> float | None:
        return min(self.seconds) if self.seconds else None

    @property
    def high(self) -> float | None:
        return max(self.seconds) if self.seconds else None

    @property
    def spread(self) -> float:
        """max - min over the attempts that built; 0.0 with fewer than two."""
        return max(self.seconds) - min(self.seconds) if len(self.seconds) > 1 else 0.0

    @property
    def wide(self) -> bool:
        median = self.median
        if median is None or len(self.seconds) < 2:
            return False
        relative = self.spread / median if median > 0 else float("inf")
        return relative > WIDE_RELATIVE and self.spread > WIDE_SECONDS

    @property
    def unstable_units(self) -> bool:
        """Attempts disagree on how many crates recompiled."""
        return len(set(self.units)) > 1

    def seconds_text(self) -> str:
        """``1.2``; with repeats, median then min and max in brackets, and ``wide spread`` if so."""
        if self.median is None or self.low is None or self.high is None:
            return "–"
        if len(self.seconds) < 2:
            return f"{self.median:.1f}"
        text = f"{self.median:.1f} ({self.low:.1f}–{self.high:.1f})"
        return text + " wide spread" if self.wide else text


def scenario_stats(cell: CellResult, scenario: str) -> ScenarioStats | None:
    records = cell.attempts(scenario)
    if not records:
        return None
    built = [r for r in records if r.ok]
    first = records[0]
    cargo = tuple(r.cargo_seconds for r in built if r.cargo_seconds is not None)
    return ScenarioStats(
        scenario=scenario,
        attempts=len(records),
        failed=len(records) - len(built),
        seconds=tuple(r.seconds for r in built),
        units=tuple(len(r.rebuilt) for r in built),
        first_units=len(first.rebuilt) if first.ok else None,
        cargo=cargo if len(cargo) == len(built) else (),
    )


def repeated(cell: CellResult) -> bool:
    return any(b.attempt > 0 for b in cell.builds)
