"""The results file: versioned records of every build, written atomically after each cell.

The format is documented by ``schema/results.schema.json`` in the repository; bump
``SCHEMA_VERSION`` on any incompatible change.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from harness.install.cache import write_atomic

SCHEMA_VERSION = 1


@dataclass
class BuildRecord:
    scenario: str
    ok: bool
    seconds: float
    rebuilt: list[str]
    reran: list[str]
    units: list[str]
    causes: list[dict[str, Any]]
    log: str
    command: list[str]
    env: dict[str, str]  # variables added to the caller's environment for this build
    returncode: int
    wheel: dict[str, Any] | None = None
    error: str | None = None
    # "fingerprints" (cargo's records before and after), or cargo's output when the target
    # dir is gone with the frontend's temp dir (sdist builds).
    measured_from: str = "fingerprints"
    python: str = ""  # the base interpreter the frontend ran on
    python_version: str = ""
    attempt: int = 0  # 0, 1, ... when `run --repeat N` runs the scenario N times in the cell


@dataclass
class CellResult:
    id: str
    frontend: str
    frontend_version: str
    frontend_source: str
    strategy: str
    sample: str
    variant: str | None
    pyo3: str
    pyo3_support: str
    reproduce: str
    builds: list[BuildRecord] = field(default_factory=list)
    error: str | None = None  # set when the cell could not be prepared at all
    frontend_spec: str = ""  # as given: pip, pip==26.1, pip@PATH, uv=PATH
    frontend_patch: str | None = None  # digest of the patch series built into the frontend
    backend_source: str = ""  # where maturin came from
    # Safety verdicts (harness.measure.safety): {"check", "status": pass|fail|error, "detail"}.
    checks: list[dict[str, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.error is None and all(b.ok and (b.wheel or {}).get("ok", True) for b in self.builds)

    def build(self, scenario: str) -> BuildRecord | None:
        """The scenario's first attempt (the only one unless the run used ``--repeat``)."""
        return next((b for b in self.builds if b.scenario == scenario), None)

    def attempts(self, scenario: str) -> list[BuildRecord]:
        return [b for b in self.builds if b.scenario == scenario]

    def check(self, name: str) -> dict[str, str] | None:
        return next((c for c in self.checks if c["check"] == name), None)


@dataclass
class RunResult:
    started: str
    command: list[str]
    machine: dict[str, Any]
    toolchain: dict[str, Any]
    python: dict[str, Any]
    pins: dict[str, Any]
    cells: list[CellResult] = field(default_factory=list)
    finished: str | None = None
    interrupted: bool = False
    timing: dict[str, float] = field(default_factory=dict)
    # Environments installed and tools built during the run, with their wall seconds.
    installs: list[dict[str, Any]] = field(default_factory=list)
    # A sharded run (--shard I/N): {"index", "count", "cells": every cell id of the whole
    # selection, "assigned": this shard's}; None when the run was not sharded.
    shard: dict[str, Any] | None = None
    schema_version: int = SCHEMA_VERSION
    harness_version: str = ""
    # Set by `pyo3-harness report` when it merges results files: one entry per source run, with
    # its machine, toolchain, python and command, and the ids of the cells it measured.
    sources: list[dict[str, Any]] = field(default_factory=list)

    def source_of(self, cell_id: str) -> dict[str, Any] | None:
        return next((s for s in self.sources if cell_id in s.get("cells", ())), None)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        for cell, raw in zip(self.cells, data["cells"], strict=True):
            raw["ok"] = cell.ok
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RunResult:
        cells = []
        for raw in data.get("cells", []):
            raw = {k: v for k, v in raw.items() if k != "ok"}
            raw["builds"] = [BuildRecord(**b) for b in raw.get("builds", [])]
            cells.append(CellResult(**raw))
        fields = {k: v for k, v in data.items() if k != "cells"}
        return cls(**fields, cells=cells)


def write_results(result: RunResult, path: Path) -> None:
    write_atomic(path, json.dumps(result.to_json(), indent=2, sort_keys=False) + "\n")


def read_results(path: Path) -> RunResult:
    return RunResult.from_json(json.loads(path.read_text(encoding="utf-8")))
