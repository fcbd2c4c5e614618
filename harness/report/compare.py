"""Compare a run with a baseline run, cell by cell (same cell id), flagging regressions.

What counts as a regression, per scenario other than cold (cold compiles everything by
definition, so it says nothing about churn):

- the baseline built and now an attempt fails;
- more crates recompile than in the baseline (first attempts, as the tables show them): unit
  counts come from cargo's records, not a clock, so any increase is real;
- the median time is worse by more than the noise threshold, the largest of
  ``NOISE_SECONDS``, ``NOISE_RELATIVE`` of the baseline median, and either side's spread
  (max - min over its ``--repeat`` attempts; 0 for a single attempt). The time is cargo's own
  (its ``Finished … in`` lines) when both sides recorded it, so a frontend's environment set-up
  under load is not read as a build getting faster or slower; wall time otherwise.

The same thresholds, the other way round, make an improvement. Everything else is noise.
Cold here means every scenario that wipes the target dir (``Scenario.wipes_target``).
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from typing import Literal

from harness.model.results import CellResult, RunResult
from harness.model.scenarios import FIRST, measures_churn
from harness.report.rows import NOTHING, Content, Row, Span, Table, plain
from harness.report.stats import ScenarioStats, scenario_stats

Clock = Literal["cargo", "wall"]
NOISE_SECONDS = 1.0
NOISE_RELATIVE = 0.25


@dataclass(frozen=True)
class ScenarioChange:
    scenario: str
    before: ScenarioStats | None  # None: the baseline did not run this scenario
    after: ScenarioStats | None  # None: this run did not
    timed: bool = True  # False: the runs compiled with other cargo settings, so times differ by design

    @property
    def units_delta(self) -> int | None:
        if self.before is None or self.after is None:
            return None
        if self.before.first_units is None or self.after.first_units is None:
            return None
        return self.after.first_units - self.before.first_units

    @property
    def clock(self) -> Clock:
        """cargo's seconds when both sides recorded them, else wall seconds."""
        sides = [s for s in (self.before, self.after) if s is not None]
        return "cargo" if sides and all(s.cargo for s in sides) else "wall"

    def _times(self, stats: ScenarioStats) -> tuple[float, ...]:
        return stats.cargo if self.clock == "cargo" else stats.seconds

    @property
    def seconds_delta(self) -> float | None:
        if self.before is None or self.after is None or not self.timed:
            return None
        before, after = self._times(self.before), self._times(self.after)
        if not before or not after:
            return None
        return statistics.median(after) - statistics.median(before)

    @property
    def threshold(self) -> float:
        """Seconds a median must move by before it counts."""
        times = [self._times(s) for s in (self.before, self.after) if s is not None]
        spreads = [max(t) - min(t) for t in times if len(t) > 1]
        before = self._times(self.before) if self.before is not None else ()
        base = statistics.median(before) if before else 0.0
        return max(NOISE_SECONDS, NOISE_RELATIVE * base, *spreads)

    @property
    def regressions(self) -> tuple[str, ...]:
        if self.before is None or self.after is None:
            return ()
        found = []
        if self.after.failed and not self.before.failed:
            found.append(f"{self.after.failed} of {self.after.attempts} attempt(s) failed")
        units = self.units_delta
        if units is not None and units > 0:
            found.append(f"{units} more crate(s) recompiled")
        seconds = self.seconds_delta
        if seconds is not None and seconds > self.threshold:
            found.append(
                f"{seconds:.1f} s slower by {self.clock} time (noise threshold {self.threshold:.1f} s)"
            )
        return tuple(found)

    @property
    def improvements(self) -> tuple[str, ...]:
        if self.before is None or self.after is None:
            return ()
        found = []
        if self.before.failed and not self.after.failed:
            found.append("builds again")
        units = self.units_delta
        if units is not None and units < 0:
            found.append(f"{-units} fewer crate(s) recompiled")
        seconds = self.seconds_delta
        if seconds is not None and -seconds > self.threshold:
            found.append(f"{-seconds:.1f} s faster by {self.clock} time")
        return tuple(found)

    @property
    def verdict(self) -> str:
        if self.before is None:
            return "new scenario"
        if self.after is None:
            return "scenario no longer run"
        if self.before.failed and self.after.failed:
            return f"fails in both ({self.after.failed} of {self.after.attempts} attempt(s) now)"
        if self.regressions:
            return "REGRESSION: " + "; ".join(self.regressions)
        if self.improvements:
            return "improved: " + "; ".join(self.improvements)
        return "within noise"


@dataclass(frozen=True)
class CellChange:
    id: str
    scenarios: tuple[ScenarioChange, ...]
    failed: str | None = None  # the cell could not be prepared now, though it was in the baseline

    @property
    def regressed(self) -> bool:
        return self.failed is not None or any(s.regressions for s in self.scenarios)


@dataclass(frozen=True)
class Comparison:
    baseline: str  # how the baseline was named on the command line
    cells: tuple[CellChange, ...]
    added: tuple[str, ...]  # cell ids only in this run
    removed: tuple[str, ...]  # cell ids only in the baseline
    untimed: str | None = None  # why times are not compared (the cargo settings differ)

    @property
    def regressions(self) -> list[str]:
        """One line per regression: ``cell scenario: why``."""
        found = [f"{c.id}: cell failed: {c.failed}" for c in self.cells if c.failed]
        found += [
            f"{c.id} {s.scenario}: {'; '.join(s.regressions)}"
            for c in self.cells
            for s in c.scenarios
            if s.regressions
        ]
        return found


def _scenarios(before: CellResult, after: CellResult) -> list[str]:
    names = [b.scenario for b in after.builds] + [b.scenario for b in before.builds]
    return [name for name in dict.fromkeys(names) if measures_churn(name)]


def compare(baseline: RunResult, current: RunResult, name: str) -> Comparison:
    old = {c.id: c for c in baseline.cells}
    new = {c.id: c for c in current.cells}
    untimed = _settings_differ(baseline, current)
    changes = []
    for cell_id, after in new.items():
        before = old.get(cell_id)
        if before is None:
            continue
        scenarios = tuple(
            ScenarioChange(s, scenario_stats(before, s), scenario_stats(after, s), timed=untimed is None)
            for s in _scenarios(before, after)
        )
        failed = after.error.splitlines()[0] if after.error and not before.error else None
        changes.append(CellChange(cell_id, scenarios, failed))
    return Comparison(
        baseline=name,
        cells=tuple(changes),
        added=tuple(i for i in new if i not in old),
        removed=tuple(i for i in old if i not in new),
        untimed=untimed,
    )


def _settings_differ(baseline: RunResult, current: RunResult) -> str | None:
    before, after = baseline.toolchain.settings, current.toolchain.settings
    if before is not None and before == after:
        return None

    def said(settings: dict[str, str] | None) -> str:
        if settings is None:
            return "differing between its sources"
        return " ".join(f"{k}={v}" for k, v in settings.items()) or "none"

    return (
        f"The two runs compiled with different cargo settings (baseline: {said(before)}; now: "
        f"{said(after)}), so their times are not compared; crate counts still are."
    )


NOISE_RULE = (
    "A regression is: a build that worked in the baseline now fails; more crates recompiled (any "
    "increase: counts come from cargo's records, not a clock); or a median slower by more than the "
    f"largest of {NOISE_SECONDS:.1f} s, {NOISE_RELATIVE:.0%} of the baseline median, and either side's "
    "spread (max − min over its attempts). Times are cargo's own (its `Finished … in` lines) where both "
    "runs recorded them, else wall time. The same margins the other way are improvements; the rest is "
    f"noise, single attempts included. {FIRST.label} builds are not compared."
)
COMPARISON_HEAD = ("Cell", "Scenario", "Baseline: crates / s", "Now: crates / s", "Δ crates", "Δ s")


def figures(stats: ScenarioStats | None, clock: Clock) -> Content:
    if stats is None:
        return NOTHING
    units = "–" if stats.first_units is None else stats.first_units
    if clock == "cargo" and stats.cargo_median is not None:
        return plain(f"{units} / {stats.cargo_median:.1f}")
    return plain(f"{units} / {stats.seconds_text()}")


def _verdict(change: ScenarioChange) -> Content:
    if change.regressions:
        return (Span("REGRESSION", "regression"), Span(": " + "; ".join(change.regressions)))
    return (Span(change.verdict, "improved" if change.improvements else "muted"),)


def _change_row(cell_id: str, change: ScenarioChange) -> Row:
    units, seconds = change.units_delta, change.seconds_delta
    before, after = figures(change.before, change.clock), figures(change.after, change.clock)
    cells = [plain(cell_id), plain(change.scenario), before, after]
    cells += [NOTHING if units is None else plain(f"{units:+d}")]
    cells += [NOTHING if seconds is None else plain(f"{seconds:+.1f}")]
    return Row((*cells, plain(change.clock), plain(f"{change.threshold:.1f}"), _verdict(change)))


def comparison_table(comparison: Comparison) -> Table:
    rows = []
    for cell in comparison.cells:
        if cell.failed:
            failed = (Span("REGRESSION", "regression"), Span(f": cell failed: {cell.failed}"))
            rows.append(Row((plain(cell.id), NOTHING, (), (), (), (), (), (), failed)))
        rows += [_change_row(cell.id, change) for change in cell.scenarios]
    return Table("comparison", (*COMPARISON_HEAD, "Clock", "Noise s", "Verdict"), tuple(rows))
