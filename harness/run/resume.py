"""Resuming a stopped run: what an earlier results file in --out lets this run keep.

A run writes results.json after every cell, so a run stopped by Ctrl-C, a signal, a full disk
or SIGKILL leaves every finished cell on disk. Run again with the same selection and --out, it
keeps those cells and builds the rest, but only when they were measured as this run would
measure them: the same planned cells, pins, harness, toolchain and interpreter.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from harness.model.results import CellResult, RunResult, schema_problem


@dataclass(frozen=True)
class Resumption:
    kept: list[CellResult]
    why: str  # what the harness says about the earlier file: kept, or why not


def _differs(earlier: RunResult, now: RunResult) -> str | None:
    checks = (
        (earlier.planned == now.planned, "it planned other cells"),
        (earlier.pins.sha256 == now.pins.sha256, "its pins differ"),
        (earlier.harness_version == now.harness_version, "another harness version wrote it"),
        (earlier.toolchain == now.toolchain, "another toolchain measured it"),
        (earlier.python == now.python, "another interpreter ran it"),
    )
    return next((why for same, why in checks if not same), None)


def resume(path: Path, now: RunResult) -> Resumption:
    """The finished cells of ``path`` this run may keep (none when the file is absent, from a
    run that finished, unreadable, or measured otherwise: then the run starts afresh)."""
    if not path.exists():
        return Resumption([], "")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        return Resumption([], f"{path} is not readable ({exc}); starting afresh")
    problem = schema_problem(data)
    if problem is not None:
        return Resumption([], f"{path} is no results file ({problem}); starting afresh")
    earlier = RunResult.from_json(data)
    if earlier.finished:
        return Resumption([], "")  # a finished run is measured again, not resumed
    why = _differs(earlier, now)
    if why is not None:
        return Resumption([], f"{path} is from a stopped run, but {why}: starting afresh")
    kept = [c for c in earlier.cells if c.id in now.planned]
    # A run SIGKILLed (or on a machine that went down) recorded neither its end nor a signal;
    # its file is as valid as a stopped run's, since it is rewritten whole after every cell.
    how = "stopped run" if earlier.interrupted else "run that was killed (it recorded no end)"
    return Resumption(kept, f"resuming the {how} in {path}: {len(kept)} finished cell(s) kept")
