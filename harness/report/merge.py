"""Merge results files from several runs (shards of one matrix, other machines) into one.

A merged file is an ordinary results file: its cells are the sources' cells, in the order the
files were given, and ``sources`` keeps what each source run was measured on and which cells it
measured. Anything that would make the merge lie is refused: mixed schema versions, files that
are not results, and a cell measured twice.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import fields, replace
from pathlib import Path
from typing import Any, TypeVar

from harness.errors import UsageError
from harness.model.provenance import Machine, PinsRecord, PinValue, RunPython, Source, Toolchain
from harness.model.results import SCHEMA_VERSION, RunResult, schema_problem

Agreed = TypeVar("Agreed", Machine, Toolchain, RunPython)

ACCEPTED = (
    "a results.json written by `pyo3-harness run` or `report` (format: harness/model/results.schema.json)"
)


def _read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise UsageError(f"{path}: cannot read it ({exc.strerror or exc})") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UsageError(f"{path}: not a results file (invalid JSON: {exc})") from None
    if not isinstance(data, dict) or "cells" not in data or "schema_version" not in data:
        raise UsageError(f"{path}: not a results file (no schema_version or cells)")
    return data


def _parse(path: Path, data: dict[str, Any]) -> RunResult:
    try:
        return RunResult.from_json(data)
    except (TypeError, KeyError, ValueError, AttributeError) as exc:
        raise UsageError(f"{path}: not a valid results file ({exc})") from None


def load(path: Path) -> RunResult:
    """One results file, or a UsageError that names it and says what is wrong."""
    data = _read_json(path)
    version = data["schema_version"]
    if version != SCHEMA_VERSION:
        raise UsageError(
            f"{path}: schema_version {version!r}, but this harness reads schema_version {SCHEMA_VERSION}"
        )
    problem = schema_problem(data)
    if problem:
        raise UsageError(f"{path}: not a valid results file ({problem}); accepted: {ACCEPTED}")
    return _parse(path, data)


def _sources(path: Path, result: RunResult) -> list[Source]:
    if result.sources:
        # Merging a merged file: keep its own sources, so provenance never collapses.
        return [replace(source, via=str(path)) for source in result.sources]
    source = Source(
        file=str(path),
        started=result.started,
        command=tuple(result.command),
        machine=result.machine,
        toolchain=result.toolchain,
        python=result.python,
        cells=tuple(c.id for c in result.cells),
        finished=result.finished,
        interrupted=result.interrupted,
        harness_version=result.harness_version,
        pins_sha256=result.pins.sha256,
    )
    return [source]


def _agreed(records: list[Agreed]) -> Agreed:
    """Each field's value where every source agrees on it, else None (the sources hold each one)."""
    first = records[0]
    merged = {
        f.name: getattr(first, f.name)
        if all(getattr(r, f.name) == getattr(first, f.name) for r in records)
        else None
        for f in fields(first)
    }
    return type(first)(**merged)


def _agreed_pins(pins: list[PinsRecord]) -> PinsRecord:
    """The pins every source agrees on, key by key (None where they differ or one lacks it)."""
    keys = dict.fromkeys(k for p in pins for k in p.versions)
    versions: dict[str, PinValue] = {}
    for key in keys:
        seen = [p.versions.get(key) for p in pins]
        versions[key] = seen[0] if all(s == seen[0] for s in seen) else None
    first = pins[0]
    file = first.file if all(p.file == first.file for p in pins) else None
    sha256 = first.sha256 if all(p.sha256 == first.sha256 for p in pins) else None
    return PinsRecord(file, sha256, versions)


def _timing(results: list[RunResult]) -> dict[str, float]:
    """Seconds summed over the sources: machine time spent, not the wall time of anything."""
    totals: dict[str, float] = {}
    for result in results:
        for key, value in result.timing.items():
            totals[key] = round(totals.get(key, 0.0) + value, 2)
    return totals


def merge(paths: Sequence[Path], command: list[str]) -> RunResult:
    """Merge ``paths`` (read in this order); ``command`` is the one that asked for the merge."""
    if not paths:
        raise UsageError("report needs at least one results file")
    raw = [(path, _read_json(path)) for path in paths]
    versions = {data["schema_version"] for _, data in raw}
    if len(versions) > 1:
        listed = "; ".join(f"{path}: {data['schema_version']!r}" for path, data in raw)
        raise UsageError(f"cannot merge results with different schema_version values ({listed})")
    loaded = [(path, load(path)) for path, _ in raw]

    owner: dict[str, Path] = {}
    for path, result in loaded:
        for cell in result.cells:
            if cell.id in owner:
                first = owner[cell.id]
                where = f"twice in {path}" if first == path else f"in both {first} and {path}"
                raise UsageError(
                    f"cell {cell.id} is {where}; a cell must be measured once "
                    "(drop one file, or rerun the cell into one of them)"
                )
            owner[cell.id] = path

    results = [result for _, result in loaded]
    sources = [source for path, result in loaded for source in _sources(path, result)]
    finished = [r.finished for r in results]
    versions_used = list(dict.fromkeys(r.harness_version for r in results))
    return RunResult(
        started=min(r.started for r in results),
        command=command,
        machine=_agreed([s.machine for s in sources]),
        toolchain=_agreed([s.toolchain for s in sources]),
        python=_agreed([s.python for s in sources]),
        pins=_agreed_pins([r.pins for r in results]),
        cells=[cell for result in results for cell in result.cells],
        finished=None if None in finished else max(f for f in finished if f is not None),
        interrupted=any(r.interrupted for r in results),
        timing=_timing(results),
        installs=[item for r in results for item in r.installs],
        harness_version=", ".join(versions_used),
        sources=sources,
        safety_checks=list(dict.fromkeys(c for r in results for c in r.safety_checks)),
    )
