"""Seeds for cold builds: the crates no interpreter can change, compiled once and reused.

A cell's first build starts from an empty target dir, so every cell compiles syn, libc and the
other third-party crates again although nothing about them differs between cells. With
``run --seed-dir DIR`` the first cold build of a lock file leaves a copy of its target dir in
DIR, less every unit of pyo3's own crates (``pyo3``, ``pyo3-*``: the ones whose build depends on
the interpreter), and later cold builds of the same lock file and compile settings start from
that copy. cargo still decides what is fresh: pyo3's crates and the project's own (a new work copy
is a new path, so new units) compile as in an empty target dir, and a crate whose inputs differ
is rebuilt. The build is then no longer cold: its record says it was seeded. Only frontends that
build a wheel get a seed: an installing one may key its own cache on files under target/ (uv sync
does, with maturin's `**/*.rs`), and a seed would change what it decides (``run/plan.py``).
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Mapping
from pathlib import Path

from harness.files import digest, locked

# A unit's directory under .fingerprint/ and build/: its package name and a 16-digit hash.
_UNIT = re.compile(r"^(?P<package>.+)-[0-9a-f]{16}$")


def interpreter_bound(package: str) -> bool:
    """pyo3's crates: their build scripts read the interpreter, or depend on one that does."""
    return package == "pyo3" or package.startswith("pyo3-")


def seed_key(src: Path, settings: Mapping[str, str]) -> str | None:
    """What a seed is kept under: the work copy's lock files and the compile settings; None
    when the project has no lock file (its dependencies are not fixed)."""
    locks = sorted(p for p in src.rglob("Cargo.lock") if "target" not in p.relative_to(src).parts)
    if not locks:
        return None
    return digest(*(p.read_text(encoding="utf-8") for p in locks), sorted(settings.items()))


def restore(seeds: Path, key: str, target: Path) -> bool:
    """Copy the seed kept under ``key`` into the (empty) ``target``; False when there is none."""
    seed = seeds / key
    if not (seed / "complete").is_file():
        return False
    shutil.copytree(seed / "target", target, symlinks=True, dirs_exist_ok=True)
    return True


def store(seeds: Path, key: str, target: Path) -> None:
    """Keep ``target``, just built cold, as the seed for ``key`` (once: the first one stays)."""
    seed = seeds / key
    seeds.mkdir(parents=True, exist_ok=True)
    with locked(seed):
        if (seed / "complete").is_file():
            return
        shutil.rmtree(seed, ignore_errors=True)
        shutil.copytree(target, seed / "target", symlinks=True)
        prune(seed / "target")
        (seed / "complete").write_text(str(target) + "\n", encoding="utf-8")


def prune(target: Path) -> list[str]:
    """Remove every unit of an interpreter-bound package (its records under .fingerprint/ and its
    build-script dirs under build/), in every profile dir of ``target``; what was removed."""
    removed = []
    for records in target.rglob(".fingerprint"):
        profile = records.parent
        for kind in (records, profile / "build"):
            if not kind.is_dir():
                continue
            for unit in sorted(kind.iterdir()):
                match = _UNIT.match(unit.name)
                if match and interpreter_bound(match["package"]):
                    shutil.rmtree(unit) if unit.is_dir() and not unit.is_symlink() else os.unlink(unit)
                    removed.append(str(unit.relative_to(target)))
    return removed
