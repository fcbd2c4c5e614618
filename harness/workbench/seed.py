"""Seeds for cold builds: a target dir an earlier cold build of the same lock file left.

A cell's first build starts from an empty target dir, so every cell compiles syn, libc, pyo3 and
the other crates again although most of them do not differ between cells. With ``run
--seed-dir DIR`` the first cold build of a lock file leaves a copy of its target dir in DIR, and
later cold builds of the same lock file and compile settings start from that copy. cargo alone
decides what of it is fresh, as in any target dir that outlives a build: a unit whose inputs
differ (pyo3-ffi's build script when ``PYO3_PYTHON`` names another environment, a patched pyo3
at another path, the project's own crate in a new work copy) compiles again, the rest is reused.
So a seeded cold build compiles what a build after a build of another cell would: it is no
longer cold, and its record says it was seeded; the scenarios after it are measured against it,
as always. Only frontends that build a wheel get a seed: an installing one may key its own cache
on files under target/ (uv sync does, with maturin's `**/*.rs`), and a seed would change what it
decides (``run/plan.py``).
"""

from __future__ import annotations

import shutil
from collections.abc import Mapping
from pathlib import Path

from harness.files import digest, locked
from harness.workbench.workcopy import source_files


def seed_key(src: Path, settings: Mapping[str, str]) -> str | None:
    """What a seed is kept under: the work copy's lock files and the compile settings; None
    when the project has no lock file (its dependencies are not fixed)."""
    locks = source_files(src, "Cargo.lock")
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
        (seed / "complete").write_text(str(target) + "\n", encoding="utf-8")
