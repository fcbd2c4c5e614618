"""What a CI job restores: a target dir pruned, saved and restored as Swatinem/rust-cache does.

Follows rust-cache v2.9.2 (tag commit 6323deb102c322ba6fcbdcafc7e3dddab59af2b6), with its default
inputs (`cache-targets: true`, `cache-workspace-crates: false`), as its save step runs:
`src/save.ts` collects, with `cargo metadata --all-features --format-version 1`, the packages
whose manifest lies outside the workspace root (`src/workspace.ts`), and `cleanTargetDir` in
`src/cleanup.ts` prunes the target dir to them:

- in the target dir and every directory that is not a profile, every *file* goes, except
  `CACHEDIR.TAG` (so maturin's `target/maturin/pyo3-config-*.txt` goes, and `target/wheels/*`);
- a profile is a directory named `tests` or holding `build`, `.fingerprint` or `deps`; in it
  everything but those three goes (the linked extension, `incremental/`, ...);
- in `build/` and `.fingerprint/` an entry stays when its name, or its name up to the last `-`,
  is a kept package's name or one of its library-like targets' names with `-` as `_`;
- in `deps/` the same with `NAME` and `libNAME` for the package and each of those targets.

The registry clean-up (`cleanRegistry`) is not modelled: cargo keys registry crates on their
version, not on their files' mtimes, and the measured builds share this machine's CARGO_HOME.
The cache (actions/cache, a tar archive) keeps mtimes; a new checkout gives the sources new ones.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.errors import HarnessError
from harness.process import run

# src/workspace.ts SAVE_TARGETS: the target kinds whose names are kept.
SAVE_TARGETS = frozenset({"lib", "cdylib", "dylib", "rlib", "staticlib", "proc-macro"})
_PROFILE_MARKERS = ("build", ".fingerprint", "deps")


@dataclass(frozen=True)
class Package:
    name: str
    targets: tuple[str, ...]  # names of the library-like targets


def packages_outside(metadata: Mapping[str, Any], workspace_root: Path) -> list[Package]:
    """The packages of ``cargo metadata`` output whose manifest is not under ``workspace_root``
    (a plain string prefix test, as rust-cache's ``startsWith``)."""
    root = str(workspace_root)
    found = []
    for package in metadata["packages"]:
        if str(package["manifest_path"]).startswith(root):
            continue
        targets = tuple(
            str(t["name"]) for t in package["targets"] if any(k in SAVE_TARGETS for k in t["kind"])
        )
        found.append(Package(name=str(package["name"]), targets=targets))
    return found


def _keep_names(packages: Iterable[Package]) -> set[str]:
    return {n for p in packages for n in (p.name, *(t.replace("-", "_") for t in p.targets))}


def _keep_deps(packages: Iterable[Package]) -> set[str]:
    names = {n.replace("-", "_") for p in packages for n in (p.name, *p.targets)}
    return names | {f"lib{n}" for n in names}


def _remove(path: Path, removed: list[Path]) -> None:
    # rust-cache removes files and directories; a symlink is neither to Node's Dirent.
    if path.is_symlink():
        return
    if path.is_dir():
        shutil.rmtree(path)
    elif path.is_file():
        path.unlink()
    else:
        return
    removed.append(path)


def _remove_except(directory: Path, keep: set[str], removed: list[Path]) -> None:
    if not directory.is_dir():
        return
    for entry in sorted(directory.iterdir()):
        name = entry.name
        # Cargo's layout suffixes a unit's directory with its hash: keep "pyo3-ffi-<hash>".
        if name in keep or (name.rpartition("-")[0] or name) in keep:
            continue
        _remove(entry, removed)


def _is_profile(directory: Path) -> bool:
    return directory.name == "tests" or any((directory / m).exists() for m in _PROFILE_MARKERS)


def _clean_profile(profile: Path, packages: Sequence[Package], removed: list[Path]) -> None:
    if profile.name == "tests":
        for nested in ("target", "trybuild"):
            if (profile / nested).is_dir():
                _clean_target(profile / nested, packages, removed)
        _remove_except(profile, {"target", "trybuild"}, removed)
        return
    _remove_except(profile, set(_PROFILE_MARKERS), removed)
    keep = _keep_names(packages)
    _remove_except(profile / "build", keep, removed)
    _remove_except(profile / ".fingerprint", keep, removed)
    _remove_except(profile / "deps", _keep_deps(packages), removed)


def _clean_target(directory: Path, packages: Sequence[Package], removed: list[Path]) -> None:
    for entry in sorted(directory.iterdir()):
        if entry.is_dir() and not entry.is_symlink():
            if _is_profile(entry):
                _clean_profile(entry, packages, removed)
            else:
                _clean_target(entry, packages, removed)
        elif entry.name != "CACHEDIR.TAG":
            _remove(entry, removed)


def prune(target: Path, packages: Sequence[Package]) -> list[Path]:
    """Prune ``target`` as rust-cache's save step does; returns what was removed."""
    removed: list[Path] = []
    _clean_target(target, packages, removed)
    return removed


def save(target: Path, archive: Path) -> None:
    """Keep a copy of ``target`` with its mtimes, as the cache's tar archive does."""
    shutil.rmtree(archive, ignore_errors=True)
    shutil.copytree(target, archive, symlinks=True, copy_function=shutil.copy2)


def restore(archive: Path, target: Path) -> None:
    """Put the saved copy back at ``target``, mtimes included."""
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(archive, target, symlinks=True, copy_function=shutil.copy2)


def _metadata(manifest: Path, env: Mapping[str, str], log: Path) -> dict[str, Any]:
    """``cargo metadata --all-features --format-version 1``, as rust-cache's save step runs it."""
    argv = ["cargo", "metadata", "--all-features", "--format-version", "1", "--manifest-path", str(manifest)]
    done = run(argv, cwd=manifest.parent, env=env, log=log, check=False)
    line = next((ln for ln in done.output.splitlines() if ln.startswith("{")), "")
    try:
        data: dict[str, Any] = json.loads(line)
        return data
    except ValueError:
        raise HarnessError(
            f"cargo metadata for {manifest} failed (exit {done.returncode}); see {log}"
        ) from None


def _checkout_afresh(source: Path, target: Path) -> None:
    """Every file of the work copy gets a new mtime, as a new checkout's files do."""
    now = time.time()
    for path in source.rglob("*"):
        if path.is_file() and not path.is_symlink() and target not in path.parents:
            os.utime(path, (now, now))


def as_ci_job(manifest: Path, target: Path, archive: Path, *, env: Mapping[str, str], log: Path) -> int:
    """What a CI job starts from after an earlier job built this project: the target dir pruned
    and saved as rust-cache's save step does, a fresh checkout, the saved dir restored. Returns
    how many entries the pruning removed."""
    metadata = _metadata(manifest, env, log)
    packages = packages_outside(metadata, Path(str(metadata["workspace_root"])))
    removed = prune(target, packages) if target.is_dir() else []
    save(target, archive)
    _checkout_afresh(manifest.parent, target)
    restore(archive, target)
    return len(removed)
