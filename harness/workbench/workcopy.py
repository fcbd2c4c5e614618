"""A cell's private copy of a project, with what the cell varies generated into it.

The samples shipped in the package are never modified.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Mapping
from pathlib import Path

from harness import _toml as toml
from harness.errors import HarnessError
from harness.install.pyo3 import Pyo3
from harness.process import run
from harness.workbench.samples import Sample

# One dependency line per pyo3 crate, e.g. `pyo3 = { version = "=0.29.2", features = [...] }`.
PYO3_REQUIREMENT = re.compile(
    r'^(pyo3(?:-ffi|-build-config)?\s*=\s*\{\s*version\s*=\s*")=[^"]+(")', re.MULTILINE
)
_IGNORED = shutil.ignore_patterns("target", ".git", "__pycache__", "*.pyc", "dist", "build", ".venv")


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


def cargo_manifests(tree: Path) -> list[Path]:
    return sorted(p for p in tree.rglob("Cargo.toml") if "target" not in p.relative_to(tree).parts)


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
        shutil.copytree(base.directory, dest, ignore=_IGNORED)
    shutil.copytree(sample.directory, dest, ignore=_IGNORED, dirs_exist_ok=True)
    if sample.pyo3_selectable:
        for manifest in cargo_manifests(dest):
            manifest.write_text(set_pyo3_version(manifest.read_text(encoding="utf-8"), pyo3.version))
    root = root_manifest(dest)
    root.write_text(add_patch_overrides(root.read_text(encoding="utf-8"), pyo3.overrides))
    if variant is not None and sample.variant_file is not None:
        (dest / sample.variant_file).write_text(variant + "\n", encoding="utf-8")
    return dest


def fetch_crates(tree: Path, env: Mapping[str, str], log: Path) -> None:
    """Resolve and download every crate now, so measured builds can run with the network off."""
    manifest = root_manifest(tree)
    if not (manifest.parent / "Cargo.lock").exists():
        run(["cargo", "generate-lockfile", "--manifest-path", manifest], cwd=tree, env=env, log=log)
    run(["cargo", "fetch", "--manifest-path", manifest], cwd=tree, env=env, log=log.with_suffix(".fetch.log"))


def locked_version(tree: Path, crate: str) -> str | None:
    """The version of ``crate`` recorded in the project's Cargo.lock, if any."""
    lock = root_manifest(tree).parent / "Cargo.lock"
    if not lock.exists():
        return None
    for package in toml.loads(lock.read_text(encoding="utf-8")).get("package", []):
        if package.get("name") == crate:
            return str(package["version"])
    return None
