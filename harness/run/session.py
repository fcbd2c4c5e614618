"""A whole run: set up once, run every cell, keep results on disk after each one."""

from __future__ import annotations

import datetime
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness import __version__
from harness.doctor import render, toolchain_checks
from harness.errors import HarnessError, Interrupted, NoSpace, is_no_space
from harness.files import write_set
from harness.install.cache import Cache
from harness.install.envs import Interpreter, ensure_tools, probe
from harness.install.provision import Provisioner
from harness.install.wheelhouse import ensure_wheelhouse
from harness.measure.machine import machine, toolchain
from harness.measure.safety import catalogue
from harness.model.progress import CellStarted, Note, Progress
from harness.model.provenance import Install, PinsRecord, RunPython
from harness.model.results import RunResult, results_text
from harness.pins import Pins
from harness.process import clean_environment
from harness.report.html import render as render_html
from harness.report.markdown import render as render_markdown
from harness.run import signals
from harness.run.context import Context, Timer
from harness.run.engine import run_cell
from harness.run.resume import resume
from harness.run.selection import Selection, run_order
from harness.workbench.project import project_requirements


@dataclass(frozen=True)
class Settings:
    out: Path
    cache: Path
    work: Path | None
    python: str
    refresh: bool
    switch_python: tuple[str, ...] = ()
    pyo3_series: Path | None = None
    seed_dir: Path | None = None  # --seed-dir


def _now() -> str:
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")


def _save(result: RunResult, out: Path, started: float, ctx: Context | None) -> None:
    totals = dict(ctx.timer.totals) if ctx else {}
    total = time.monotonic() - started
    overhead = total - totals.get("build", 0.0) - totals.get("setup", 0.0)
    result.timing = {k: round(v, 2) for k, v in {**totals, "total": total, "overhead": overhead}.items()}
    if ctx is not None:
        result.installs = [Install.from_json(done) for done in ctx.provisioner.installs]
    write_set(
        {
            out / "results.json": results_text(result),
            out / "report.md": render_markdown(result),
            out / "report.html": render_html(result),
        }
    )


def _new_result(
    selection: Selection, pins: Pins, argv: list[str], interpreter: Interpreter, env: dict[str, str]
) -> RunResult:
    return RunResult(
        started=_now(),
        command=argv,
        machine=machine(),
        toolchain=toolchain(env),
        python=RunPython(interpreter.version, interpreter.executable, interpreter.base_executable),
        pins=PinsRecord.from_json(pins.as_dict()),
        harness_version=__version__,
        shard=selection.shard_record(),
        safety_checks=catalogue(),
    )


def _context(
    selection: Selection, settings: Settings, pins: Pins, interpreter: Interpreter, progress: Progress
) -> Context:
    """Tools, the wheelhouse and the provisioner: what every cell shares (timed as setup)."""
    base_env = clean_environment(os.environ)
    cache = Cache(settings.cache)
    timer = Timer()
    with timer.timing("setup"):
        progress(Note(f"setting up tools and wheelhouse in {cache.root}"))
        tools = ensure_tools(cache, pins, interpreter=interpreter, env=base_env, refresh=settings.refresh)
        requirements = pins.wheelhouse_requirements()
        project = selection.project_sample
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
        cache,
        pins,
        interpreter,
        base_env,
        tools,
        wheelhouse,
        refresh=settings.refresh,
        say=lambda text: progress(Note(text)),
    )
    work = settings.work or cache.work
    return Context(
        provisioner,
        settings.out,
        work,
        switch_python=settings.switch_python,
        pyo3_series=settings.pyo3_series,
        seed_dir=settings.seed_dir,
        # Not the interpreter running the harness: every cell's reproduce command must say so.
        python=None if settings.python == sys.executable else settings.python,
        timer=timer,
    )


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
    settings.out.mkdir(parents=True, exist_ok=True)
    interpreter = probe(settings.python, base_env)
    result = _new_result(selection, pins, argv, interpreter, base_env)
    result.planned = [c.id for c in cells]
    resumed = resume(settings.out / "results.json", result)
    if resumed.why:
        progress(Note(resumed.why))
    result.cells, result.resumed = list(resumed.kept), len(resumed.kept)
    ctx: Context | None = None
    if not cells:
        # More shards than cells: an empty but valid results file, so a job matrix that asked
        # for too many shards still merges, and coverage checks see the shard was there.
        text = f"shard {selection.shard} has no cells (the selection has {len(selection.cells())}); "
        progress(Note(text + "nothing to build, writing an empty results.json"))
    try:
        if cells:
            ctx = _context(selection, settings, pins, interpreter, progress)
            later = sum(c.compiles_a_tool for c in cells)
            if later and later < len(cells):
                text = f"{later} cell(s) that compile uv or maturin from source first run last"
                progress(Note(text))
            position = {c.id: i for i, c in enumerate(cells)}
            done = {c.id for c in result.cells}
            if settings.switch_python and any(s.needs_second_python for c in cells for s in c.scenarios):
                # Found, or compiled into the cache (minutes), once before the first cell: a
                # failure stops the run with its own exit code instead of failing every cell.
                for index in range(ctx.switches):
                    ctx.switched(index)
            for cell in run_order([c for c in cells if c.id not in done]):
                progress(CellStarted(str(cell.frontend), cell.strategy.name, cell.sample.spec, cell.pyo3))
                result.cells.append(run_cell(ctx, cell, progress))
                result.cells.sort(key=lambda done: position[done.id])
                _save(result, settings.out, started, ctx)
    except KeyboardInterrupt as exc:
        result.interrupted = True
        _save(result, settings.out, started, ctx)
        raise Interrupted(
            f"interrupted by {signals.name(exc)}: {len(result.cells)} finished cell(s) kept in "
            f"{settings.out / 'results.json'}",
            signals.exit_code(exc),
        ) from None
    except (NoSpace, OSError) as exc:
        if not is_no_space(exc):
            raise
        raise _out_of_space(exc, result, settings.out, started, ctx) from None
    result.finished = _now()
    _save(result, settings.out, started, ctx)
    return result


def _out_of_space(
    exc: NoSpace | OSError, result: RunResult, out: Path, started: float, ctx: Context | None
) -> NoSpace:
    """A full disk stops the run like a signal: the finished cells are kept, marked interrupted,
    so the same command resumes once space is freed (the cell it stopped in is not kept)."""
    result.interrupted = True
    kept = f"{len(result.cells)} finished cell(s) kept in {out / 'results.json'}"
    try:
        _save(result, out, started, ctx)
    except OSError:
        # --out is on the full disk too: the file saved after the last cell stays, whole (it
        # was written as a set), and is resumed as a run that recorded no end.
        kept = f"{len(result.cells)} finished cell(s) kept in {out / 'results.json'} as saved after the last"
    return NoSpace(str(exc), kept=kept)


def prepare(selection: Selection, settings: Settings, pins: Pins, progress: Progress) -> list[dict[str, Any]]:
    """Install, once, everything the selection's cells need (frontend environments, uv and maturin
    built from source, the wheelhouses, pyo3 sources) without building any cell: the one-time
    work, as a step of its own. Returns what was installed or built, with its wall seconds."""
    base_env = clean_environment(os.environ)
    interpreter = probe(settings.python, base_env)
    ctx = _context(selection, settings, pins, interpreter, progress)
    for cell in selection.to_run():
        strategy = cell.strategy
        progress(Note(f"preparing {cell.frontend} for {strategy.name}"))
        ctx.frontend(cell.frontend, patched=strategy.frontend_patch)
        ctx.wheelhouse(patched_backend=strategy.backend_patch)
        for index in range(ctx.switches):
            if any(s.switch_python for s in cell.scenarios):
                ctx.frontend(cell.frontend, patched=strategy.frontend_patch, switched=index)
            if any(s.needs_second_python for s in cell.scenarios):
                ctx.wheelhouse(patched_backend=False, switched=index)  # where its wheels are checked
        if cell.project is None:  # a project's pyo3 version is read from its lock file later
            ctx.pyo3(cell.pyo3, strategy.base_support)
    return ctx.provisioner.installs
