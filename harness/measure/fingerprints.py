"""Read cargo's own records of what it built: the per-unit fingerprint directories.

Layout (cargo 1.95, ``src/cargo/core/compiler/fingerprint/mod.rs``)::

    target/<profile>/.fingerprint/<package>-<16 hex>/
        lib-<target>              hash of the unit's fingerprint, as hex of the u64 (LE bytes)
        lib-<target>.json         the fingerprint itself: deps, local, rustflags, ...
        dep-lib-<target>          cargo's encoded dep-info (files and env vars rustc read)
        invoked.timestamp         touched when the unit starts building

cargo rewrites the hash file when, and only when, it rebuilds the unit, so comparing hash
file mtimes before and after a build names exactly the units it rebuilt.
"""

from __future__ import annotations

import json
import struct
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

FINGERPRINT_DIR = ".fingerprint"

# Prefixes of hash file names, longest first, mapped to the unit kind we report.
_KIND_PREFIXES = (
    ("run-build-script-", "run-build-script"),
    ("build-script-", "build-script"),
    ("lib-", "lib"),
    ("bin-", "bin"),
    ("test-", "test"),
    ("example-", "example"),
    ("bench-", "bench"),
)


@dataclass(frozen=True)
class DepInfo:
    """cargo's encoded dep-info: the files and env vars rustc reported reading."""

    files: tuple[tuple[str, str], ...]  # (path type: "package" | "build", path)
    env: tuple[tuple[str, str | None], ...]


@dataclass(frozen=True)
class Unit:
    """One cargo unit as recorded on disk at a moment in time."""

    key: str  # "<profile>/<unit dir>", unique within a target dir
    package: str
    kind: str
    target: str  # the hash file's name, e.g. "lib-pyo3_ffi"
    hash: str
    mtime_ns: int
    fingerprint: dict[str, Any] = field(default_factory=dict)
    dep_info: DepInfo | None = None

    @property
    def directory(self) -> str:
        return self.key.rsplit("/", 1)[-1]


@dataclass(frozen=True)
class Snapshot:
    """All units under one target directory."""

    target_dir: str
    units: dict[str, Unit]

    def to_json(self) -> dict[str, Any]:
        return {
            "target_dir": self.target_dir,
            "units": {
                key: {
                    "package": u.package,
                    "kind": u.kind,
                    "target": u.target,
                    "hash": u.hash,
                    "mtime_ns": u.mtime_ns,
                    "fingerprint": u.fingerprint,
                    "dep_info": None
                    if u.dep_info is None
                    else {"files": list(u.dep_info.files), "env": list(u.dep_info.env)},
                }
                for key, u in sorted(self.units.items())
            },
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Snapshot:
        units = {}
        for key, u in data["units"].items():
            di = u.get("dep_info")
            units[key] = Unit(
                key=key,
                package=u["package"],
                kind=u["kind"],
                target=u["target"],
                hash=u["hash"],
                mtime_ns=u["mtime_ns"],
                fingerprint=u["fingerprint"],
                dep_info=None
                if di is None
                else DepInfo(
                    files=tuple((t, p) for t, p in di["files"]),
                    env=tuple((k, v) for k, v in di["env"]),
                ),
            )
        return cls(target_dir=data["target_dir"], units=units)


def unit_kind(hash_file_name: str) -> str:
    for prefix, kind in _KIND_PREFIXES:
        if hash_file_name.startswith(prefix):
            return kind
    return "other"


def package_of(unit_dir_name: str) -> str:
    """``pyo3-ffi-0123456789abcdef`` -> ``pyo3-ffi``."""
    name, _, suffix = unit_dir_name.rpartition("-")
    return name if name and len(suffix) == 16 else unit_dir_name


def parse_dep_info(data: bytes) -> DepInfo | None:
    """Decode cargo's encoded dep-info (format version 1, cargo >= 1.83).

    Returns None for a format we do not know rather than guessing.
    """
    view = memoryview(data)
    pos = 0

    def take(n: int) -> bytes:
        nonlocal pos
        if pos + n > len(view):
            raise ValueError("truncated")
        chunk = bytes(view[pos : pos + n])
        pos += n
        return chunk

    def u32() -> int:
        value: int = struct.unpack("<I", take(4))[0]
        return value

    def u8() -> int:
        return take(1)[0]

    def blob() -> bytes:
        return take(u32())

    try:
        # Magic marker "one file, path type 255" so that old cargoes stop parsing.
        if u32() != 1 or u8() != 0xFF or u8() != 1:
            return None
        files = []
        for _ in range(u32()):
            path_type = {0: "package", 1: "build"}.get(u8())
            if path_type is None:
                return None
            path = blob().decode("utf-8", "surrogateescape")
            if u8():  # checksum present: file length then checksum string
                take(8)
                blob()
            files.append((path_type, path))
        env = []
        for _ in range(u32()):
            key = blob().decode()
            has_value = u8()
            env.append((key, blob().decode("utf-8", "surrogateescape") if has_value else None))
    except ValueError:
        return None
    return DepInfo(files=tuple(files), env=tuple(env))


def _read_unit(profile: str, unit_dir: Path) -> Unit | None:
    hash_files = [
        p
        for p in unit_dir.iterdir()
        if p.is_file()
        and p.suffix != ".json"
        and not p.name.startswith("dep-")
        and p.name != "invoked.timestamp"
        and p.name != "output"
        and not p.name.startswith("output-")
    ]
    if not hash_files:
        return None  # a unit that started but never finished
    hash_file = min(hash_files, key=lambda p: p.name)
    json_file = hash_file.with_name(hash_file.name + ".json")
    try:
        fingerprint = json.loads(json_file.read_text(encoding="utf-8")) if json_file.exists() else {}
    except json.JSONDecodeError:
        fingerprint = {}
    dep_file = unit_dir / f"dep-{hash_file.name}"
    dep_info = parse_dep_info(dep_file.read_bytes()) if dep_file.exists() else None
    return Unit(
        key=f"{profile}/{unit_dir.name}",
        package=package_of(unit_dir.name),
        kind=unit_kind(hash_file.name),
        target=hash_file.name,
        hash=hash_file.read_text(encoding="utf-8").strip(),
        mtime_ns=hash_file.stat().st_mtime_ns,
        fingerprint=fingerprint,
        dep_info=dep_info,
    )


def snapshot(target_dir: Path) -> Snapshot:
    """Record every unit under ``target_dir`` (any profile, any target triple)."""
    units: dict[str, Unit] = {}
    # <profile>/.fingerprint, or <triple>/<profile>/.fingerprint when cross-compiling.
    fp_dirs = [*target_dir.glob(f"*/{FINGERPRINT_DIR}"), *target_dir.glob(f"*/*/{FINGERPRINT_DIR}")]
    if target_dir.is_dir():
        for fp_dir in sorted(fp_dirs):
            if not fp_dir.is_dir():
                continue
            profile = fp_dir.parent.relative_to(target_dir).as_posix()
            for unit_dir in sorted(fp_dir.iterdir()):
                if unit_dir.is_dir():
                    unit = _read_unit(profile, unit_dir)
                    if unit is not None:
                        units[unit.key] = unit
    return Snapshot(target_dir=str(target_dir), units=units)


def hash_hex(value: int) -> str:
    """A fingerprint hash as cargo writes it to the hash file."""
    return value.to_bytes(8, "little").hex()
