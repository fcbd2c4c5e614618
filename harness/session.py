"""A whole run: set up once, run every cell, keep results on disk after each one."""

from __future__ import annotations

import datetime
import itertools
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness import __version__, signals
from harness.build.project import project_backend, project_requirements, project_sample
from harness.build.samples import parse_sample
from harness.build.strategies import STRATEGIES, not_applicable
from harness.doctor import render, toolchain_checks
from harness.engine import PROJECT_PYO3, Cell, Context, Progress, run_cell
from harness.errors import HarnessError, Interrupted
from harness.install.cache import Cache, write_atomic
from harness.install.envs import ensure_tools, probe
from harness.install.frontends import parse_frontend
from harness.install.provision import Provisioner
from harness.install.wheelhouse import ensure_wheelhouse
from harness.measure.machine import machine, toolchain
from harness.pins import Pins
from harness.process import clean_environment
from harness.report.markdown import render as render_markdown
from harness.report.results import RunResult, write_results
from harness.shard import Shard


@dataclass(frozen=True)
class Selection:
    frontends: tuple[str, ...]
    strategies: tuple[str, ...]
    samples: tuple[str, ...]
    pyo3: tuple[str, ...]
    scenarios: tuple[str, ...]
    project: Path | None = None
    repeat: int = 1
    shard: Shard | None = None  # run only this slice of cells()

    def _combinations(self) -> list[tuple[Cell, str | None]]:
        """Every combination, with why it cannot run (None when it can)."""
        samples = (self.project.name,) if self.project else self.samples
        versions = (PROJECT_PYO3,) if self.project else self.pyo3
        backend = project_backend(self.project) if self.project else None
        found = []
        for sa, v, f, st in itertools.product(samples, versions, self.frontends, self.strategies):
            cell = Cell(
                frontend=f, strategy=st, sample=sa, pyo3=v, scenarios=self.scenarios, repeat=self.repeat
            )
            sample_backend = backend or parse_sample(sa)[0].backend
            reason = not_applicable(STRATEGIES[st], parse_frontend(f).plugin, sample_backend)
            found.append((cell, reason))
        return found

    def cells(self) -> list[Cell]:
        """The whole matrix, in its canonical order (shards are dealt from it)."""
        return [cell for cell, reason in self._combinations() if reason is None]

    def skipped(self) -> list[tuple[Cell, str]]:
        """Combinations left out because the strategy does not apply, with the reason."""
        return [(cell, reason) for cell, reason in self._combinations() if reason is not None]

    def to_run(self) -> list[Cell]:
        """The cells this run builds: the shard's share, or every cell."""
        cells = self.cells()
        return self.shard.select(cells) if self.shard else cells

    def shard_record(self) -> dict[str, Any] | None:
        if self.shard is None:
            return None
        return self.shard.record([c.id for c in self.cells()], [c.id for c in self.to_run()])


@dataclass(frozen=True)
class Settings:
    out: Path
    cache: Path
    work: Path | None
    python: str
    refresh: bool
    switch_python: str | None = None


def _now() -> str:
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")


def _save(result: RunResult, out: Path, started: float, ctx: Context | None) -> None:
    totals = dict(ctx.timer.totals) if ctx else {}
    total = time.monotonic() - started
    overhead = total - totals.get("build", 0.0) - totals.get("setup", 0.0)
    result.timing = {k: round(v, 2) for k, v in {**totals, "total": total, "overhead": overhead}.items()}
    if ctx is not None:
        result.installs = list(ctx.provisioner.installs)
    write_results(result, out / "results.json")
    write_atomic(out / "report.md", render_markdown(result))


def execute(
    selection: Selection, settings: Settings, pins: Pins, argv: list[str], progress: Progress
) -> RunResult:
    started = time.monotonic()
    base_env = clean_environment(os.environ)
    cells = selection.to_run()
    missing = [c for c in toolchain_checks(base_env) if not c.ok] if cells else []
    if missing:
        raise HarnessError(
            "the toolchain is incomplete (`pyo3-harness doctor` checks everything):\n" + render(missing)
        )
    project = project_sample(selection.project) if selection.project else None
    cache = Cache(settings.cache)
    settings.out.mkdir(parents=True, exist_ok=True)
    interpreter = probe(settings.python, base_env)
    result = RunResult(
        started=_now(),
        command=argv,
        machine=machine(),
        toolchain=toolchain(base_env),
        python={
            "version": interpreter.version,
            "executable": interpreter.executable,
            "base_executable": interpreter.base_executable,
        },
        pins=pins.as_dict(),
        harness_version=__version__,
        shard=selection.shard_record(),
    )
    if not cells:
        # More shards than cells: an empty but valid results file, so a job matrix that asked
        # for too many shards still merges, and coverage checks see the shard was there.
        progress(
            "note",
            {
                "text": f"shard {selection.shard} has no cells (the selection has "
                f"{len(selection.cells())}); nothing to build, writing an empty results.json"
            },
        )
        result.finished = _now()
        _save(result, settings.out, started, None)
        return result
    ctx: Context | None = None
    try:
        setup_start = time.monotonic()
        progress("note", {"text": f"setting up tools and wheelhouse in {cache.root}"})
        tools = ensure_tools(cache, pins, interpreter=interpreter, env=base_env, refresh=settings.refresh)
        requirements = pins.wheelhouse_requirements()
        if project is not None:
            requirements += project_requirements(project.directory)
        wheelhouse = ensure_wheelhouse(
            cache,
            requirements,
            interpreter=interpreter,
            downloader=tools,
            env=base_env,
            refresh=settings.refresh,
        )
        provisioner = Provisioner(
            cache=cache,
            pins=pins,
            interpreter=interpreter,
            base_env=base_env,
            tools=tools,
            stock_wheelhouse=wheelhouse,
            refresh=settings.refresh,
        )
        ctx = Context(
            provisioner=provisioner,
            out=settings.out,
            work=settings.work or cache.work,
            project=project,
            switch_python=settings.switch_python,
        )
        ctx.timer.add("setup", time.monotonic() - setup_start)
        for cell in cells:
            progress("cell-start", {"cell": cell})
            result.cells.append(run_cell(ctx, cell, progress))
            _save(result, settings.out, started, ctx)
    except KeyboardInterrupt as exc:
        result.interrupted = True
        _save(result, settings.out, started, ctx)
        raise Interrupted(
            f"interrupted by {signals.name(exc)}: {len(result.cells)} finished cell(s) kept in "
            f"{settings.out / 'results.json'}",
            signals.exit_code(exc),
        ) from None
    result.finished = _now()
    _save(result, settings.out, started, ctx)
    return result
