"""A cell's private copy of a project, with what the cell varies generated into it.

The samples shipped in the package are never modified.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable, Mapping
from pathlib import Path

from harness import _toml as toml
from harness.errors import HarnessError, Unreachable
from harness.install.pyo3 import Pyo3
from harness.process import run
from harness.workbench.samples import Sample

# One dependency line per pyo3 crate, e.g. `pyo3 = { version = "=0.29.2", features = [...] }`.
PYO3_REQUIREMENT = re.compile(
    r'^(pyo3(?:-ffi|-build-config)?\s*=\s*\{\s*version\s*=\s*")=[^"]+(")', re.MULTILINE
)
# A project's own build outputs, left out of its copy at its top level only: deeper in the tree
# a directory of that name may hold sources (the cc crate vendors a `src/target/`).
_TOP_LEVEL_OUTPUTS = frozenset({"target", "dist", "build", ".venv"})
_NEVER_SOURCES = frozenset({".git", "__pycache__"})
# Cargo marks every target dir it makes with this file (the Cache Directory Tagging spec).
CACHE_TAG = "CACHEDIR.TAG"


def build_output(tree: Path, directory: Path) -> bool:
    """Whether ``directory`` (in ``tree``) is build output rather than sources: one of the
    top-level output directories, or a directory cargo tagged as its target dir."""
    relative = directory.relative_to(tree).parts
    top_level = len(relative) == 1 and relative[0] in _TOP_LEVEL_OUTPUTS
    return top_level or (directory / CACHE_TAG).is_file()


def sources_only(tree: Path) -> Callable[[str, list[str]], set[str]]:
    """A ``shutil.copytree`` ignore function that keeps every source file of ``tree``."""

    def ignored(directory: str, names: list[str]) -> set[str]:
        here = Path(directory)
        skip = {n for n in names if n in _NEVER_SOURCES or n.endswith(".pyc")}
        return skip | {n for n in names if (here / n).is_dir() and build_output(tree, here / n)}

    return ignored


def set_pyo3_version(manifest: str, version: str) -> str:
    return PYO3_REQUIREMENT.sub(lambda m: f"{m.group(1)}={version}{m.group(2)}", manifest)


def add_patch_overrides(manifest: str, overrides: Mapping[str, Path]) -> str:
    """Point crates at local sources through ``[patch.crates-io]`` (merging an existing table)."""
    if not overrides:
        return manifest
    lines = "".join(
        f'{name} = {{ path = "{path.as_posix()}" }}\n' for name, path in sorted(overrides.items())
    )
    header = "[patch.crates-io]\n"
    if header in manifest:
        return manifest.replace(header, header + lines, 1)
    return manifest.rstrip("\n") + "\n\n" + header + lines


def source_files(tree: Path, name: str) -> list[Path]:
    """Every file called ``name`` among the project's sources (none from its build outputs)."""

    def in_sources(found: Path) -> bool:
        parents = found.relative_to(tree).parents
        return not any(build_output(tree, tree / p) for p in parents if p != Path("."))

    return sorted(p for p in tree.rglob(name) if in_sources(p))


def cargo_manifests(tree: Path) -> list[Path]:
    """Every Cargo.toml of the project's sources (none from its build outputs)."""
    return source_files(tree, "Cargo.toml")


def package_roots(tree: Path) -> dict[str, Path]:
    """Package name -> directory, for every local crate in ``tree``."""
    roots = {}
    for manifest in cargo_manifests(tree):
        try:
            name = toml.loads(manifest.read_text(encoding="utf-8")).get("package", {}).get("name")
        except toml.TOMLDecodeError:
            continue
        if isinstance(name, str):
            roots[name] = manifest.parent
    return roots


def root_manifest(tree: Path) -> Path:
    """The manifest that owns ``[patch]``: the project's top-level Cargo.toml."""
    manifests = cargo_manifests(tree)
    if not manifests:
        raise HarnessError(f"{tree} has no Cargo.toml: not a Rust extension project")
    return min(manifests, key=lambda p: len(p.relative_to(tree).parts))


def make_work_copy(
    sample: Sample,
    dest: Path,
    *,
    pyo3: Pyo3,
    variant: str | None,
    base: Sample | None = None,
) -> Path:
    """Copy ``sample`` (over ``base`` if it overlays one) to ``dest`` and generate its variations."""
    shutil.rmtree(dest, ignore_errors=True)
    if base is not None:
        shutil.copytree(base.directory, dest, ignore=sources_only(base.directory))
    shutil.copytree(sample.directory, dest, ignore=sources_only(sample.directory), dirs_exist_ok=True)
    if sample.pyo3_selectable:
        for manifest in cargo_manifests(dest):
            manifest.write_text(set_pyo3_version(manifest.read_text(encoding="utf-8"), pyo3.version))
    root = root_manifest(dest)
    root.write_text(add_patch_overrides(root.read_text(encoding="utf-8"), pyo3.overrides))
    if variant is not None and sample.variant_file is not None:
        (dest / sample.variant_file).write_text(variant + "\n", encoding="utf-8")
    return dest


def fetch_crates(tree: Path, env: Mapping[str, str], log: Path) -> None:
    """Resolve and download every crate now, so measured builds can run with the network off.

    When crates.io cannot be reached, cargo is asked again with --offline: what an earlier run
    left in cargo's own cache (its index and downloaded crates) still serves; only if that
    cannot resolve the project either is the network failure said."""
    try:
        _fetch(tree, env, log, offline=[])
    except Unreachable as online:
        try:
            _fetch(tree, env, log.with_name(log.stem + ".offline.log"), offline=["--offline"])
        except HarnessError:
            raise online from None


def _fetch(tree: Path, env: Mapping[str, str], log: Path, offline: list[str]) -> None:
    manifest = root_manifest(tree)
    if not (manifest.parent / "Cargo.lock").exists():
        run(["cargo", "generate-lockfile", *offline, "--manifest-path", manifest], cwd=tree, env=env, log=log)
    fetch_log = log.with_suffix(".fetch.log")
    run(["cargo", "fetch", *offline, "--manifest-path", manifest], cwd=tree, env=env, log=fetch_log)


def locked_version(tree: Path, crate: str) -> str | None:
    """The version of ``crate`` recorded in the project's Cargo.lock, if any."""
    lock = root_manifest(tree).parent / "Cargo.lock"
    if not lock.exists():
        return None
    for package in toml.loads(lock.read_text(encoding="utf-8")).get("package", []):
        if package.get("name") == crate:
            return str(package["version"])
    return None
