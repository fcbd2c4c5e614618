"""What a run was measured on and with: the run-level records of a results file.

The machine, the Rust toolchain, the interpreter frontends were installed from, the pins, the
one-time installs, the shard, and for a merged file each source run. Each record reads and
writes its own piece of results.json (``from_json``/``to_json``, used only by
``harness.model.results``), so the file keeps the shape ``results.schema.json`` documents. In a
merged file a field the sources disagree on is None (written as null): each source keeps its own.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any

# A pinned version ("26.3"), a list of them (pyo3's lines) or a table of them (build
# requirements); None in a merged file whose sources pinned different ones.
PinValue = str | list[str] | dict[str, str] | None


def _strict(cls: type, data: Mapping[str, Any], where: str) -> dict[str, Any]:
    """``data``'s keys, refused when it holds one the record does not know (a misspelt or
    newer field would otherwise vanish when the file is written back)."""
    known = {f.name for f in fields(cls)}
    unknown = sorted(set(data) - known)
    if unknown:
        raise ValueError(f"{where}: unknown field(s) {', '.join(unknown)}")
    return dict(data)


@dataclass(frozen=True)
class Machine:
    platform: str | None = None
    system: str | None = None
    machine: str | None = None
    cpus: int | None = None
    memory_gib: float | None = None

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Machine:
        return cls(**_strict(cls, data, "machine"))

    def to_json(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass(frozen=True)
class Toolchain:
    rustc: str | None = None  # its --version line; None when it gave none
    cargo: str | None = None
    # Cargo and rustc settings the environment passed to every build (CARGO_PROFILE_*, RUSTFLAGS,
    # ...): they change what is compiled and how long it takes. None in a merged file whose
    # sources had different ones.
    settings: dict[str, str] | None = field(default_factory=dict)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Toolchain:
        return cls(**_strict(cls, data, "toolchain"))

    def to_json(self) -> dict[str, Any]:
        data = {f.name: getattr(self, f.name) for f in fields(self)}
        if data["settings"] == {}:
            del data["settings"]  # no settings: the file reads as one written before they were recorded
        return data


@dataclass(frozen=True)
class RunPython:
    """The interpreter the frontends were installed from."""

    version: str | None
    executable: str | None
    base_executable: str | None  # its sys._base_executable: what PYO3_BASE_PYTHON is set to

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> RunPython:
        return cls(**_strict(cls, data, "python"))

    def to_json(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass(frozen=True)
class PinsRecord:
    """The pins file a run read: where it was, its digest, and every version it pinned."""

    file: str | None
    sha256: str | None
    # An open mapping: each pinned tool by its key in the pins file ("uv-source",
    # "build-requirements", "pyo3"), written beside file and sha256 as the pins file names them.
    versions: dict[str, PinValue] = field(default_factory=dict)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> PinsRecord:
        versions = {k: v for k, v in data.items() if k not in ("file", "sha256")}
        return cls(data.get("file"), data.get("sha256"), versions)

    def to_json(self) -> dict[str, Any]:
        return {"file": self.file, "sha256": self.sha256, **self.versions}


@dataclass(frozen=True)
class Install:
    """An environment installed or a tool built during the run, and its wall seconds."""

    what: str
    seconds: float
    artifact: str | None = None  # what a build made (uv's binary), when it made a file

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Install:
        return cls(**_strict(cls, data, "installs"))

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"what": self.what, "seconds": self.seconds}
        return data if self.artifact is None else {**data, "artifact": self.artifact}


@dataclass(frozen=True)
class ShardRecord:
    """A run of one shard (``--shard I/N``): which slice of which selection it measured."""

    index: int  # I, 1-based
    count: int  # N
    cells: tuple[str, ...]  # every cell id of the whole selection, in its canonical order
    assigned: tuple[str, ...]  # the ids dealt to this shard

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ShardRecord:
        raw = _strict(cls, data, "shard")
        return cls(int(raw["index"]), int(raw["count"]), tuple(raw["cells"]), tuple(raw["assigned"]))

    def to_json(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "count": self.count,
            "cells": list(self.cells),
            "assigned": list(self.assigned),
        }


@dataclass(frozen=True)
class Source:
    """One run merged into a results file by ``pyo3-harness report``."""

    file: str  # the results file as given to `report`
    started: str
    command: tuple[str, ...]
    machine: Machine
    toolchain: Toolchain
    python: RunPython
    cells: tuple[str, ...]  # the ids of the cells it measured
    finished: str | None = None
    interrupted: bool = False
    harness_version: str = ""
    pins_sha256: str | None = None
    via: str | None = None  # the merged file it was read from, when a merged file was merged again

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Source:
        raw = _strict(cls, data, "sources")
        raw["command"], raw["cells"] = tuple(raw["command"]), tuple(raw["cells"])
        raw["machine"] = Machine.from_json(raw["machine"])
        raw["toolchain"] = Toolchain.from_json(raw["toolchain"])
        raw["python"] = RunPython.from_json(raw["python"])
        return cls(**raw)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"file": self.file, "harness_version": self.harness_version}
        data |= {"started": self.started, "finished": self.finished, "interrupted": self.interrupted}
        data |= {"command": list(self.command), "machine": self.machine.to_json()}
        data |= {"toolchain": self.toolchain.to_json(), "python": self.python.to_json()}
        data |= {"pins_sha256": self.pins_sha256, "cells": list(self.cells)}
        return data if self.via is None else {**data, "via": self.via}
