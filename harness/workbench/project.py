"""A user's own pyo3 project, measured like a sample.

``--project`` takes a directory, an sdist file, or ``NAME==VERSION`` (the sdist from PyPI);
archives are unpacked once to a stable path under the cache, so repeated runs compare.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

from harness import _toml as toml
from harness.errors import HarnessError, NoSpace, Unreachable, UsageError
from harness.files import check_archive, filled_once, sha256_of, unpack_one_directory
from harness.install.cache import Cache
from harness.install.sources import forget_sdist, has_sdist, sdist
from harness.process import clean_environment
from harness.workbench.discovery import Pyo3Usage, discover
from harness.workbench.samples import Sample
from harness.workbench.workcopy import cargo_manifests, root_manifest

ACCEPTED = "a project directory, an sdist file (.tar.gz), or NAME==VERSION (an sdist from PyPI)"


def _unpack(archive: Path, cache: Cache) -> Path:
    try:
        check_archive(archive)
    except HarnessError as exc:
        raise UsageError(f"--project {exc}; accepted: {ACCEPTED}") from None
    key = sha256_of(archive)[:12]

    def fill(dest: Path) -> str:
        if not unpack_one_directory(archive, dest):
            raise UsageError(f"--project {archive}: an sdist holds one top-level directory")
        return str(archive)

    return filled_once(cache.root / "projects" / f"{archive.name.removesuffix('.tar.gz')}-{key}", fill)


def resolve_project(text: str, cache: Cache) -> Path:
    """The directory to build for ``--project TEXT``, unpacking or downloading as needed."""
    path = Path(text).expanduser()
    if path.is_dir():
        return path.resolve()
    if path.is_file() and path.name.endswith(".tar.gz"):
        return _unpack(path.resolve(), cache)
    name, found, version = text.partition("==")
    if found and name and version and "/" not in text:
        fresh = not has_sdist(cache, name, version)
        try:
            root = sdist(cache, name, version)
            if fresh:  # checked now, so refused input leaves nothing behind, not even its download
                project_sample(root)
        except NoSpace:
            raise  # not bad input
        except HarnessError as exc:
            if fresh:
                forget_sdist(cache, name, version)
            if isinstance(exc, Unreachable):  # not bad input either: the network, said as such
                raise Unreachable(f"--project {text}: {exc}") from exc
            raise exc if isinstance(exc, UsageError) else UsageError(f"--project {text}: {exc}") from exc
        return root
    raise UsageError(f"--project {text}: not found; accepted: {ACCEPTED}")


def project_sample(path: Path) -> Sample:
    """Check that ``path`` is a PEP 517 project with a pyo3 crate and describe it as a sample."""
    root = path.expanduser().resolve()
    if not root.is_dir():
        raise UsageError(f"--project {path}: not a directory")
    if not (root / "pyproject.toml").exists():
        raise UsageError(f"--project {path}: no pyproject.toml, so not a PEP 517 project")
    manifests = cargo_manifests(root)
    if not manifests:
        raise UsageError(f"--project {path}: no Cargo.toml, so not a Rust extension project")
    usage = project_usage(root)
    if not usage.found:
        raise UsageError(f"--project {path}: cargo resolves no pyo3 in it ({usage.describe()})")
    modules = [
        rs
        for m in manifests
        for rs in sorted((m.parent / "src").rglob("*.rs"))
        if "#[pymodule" in rs.read_text(encoding="utf-8", errors="replace")
    ]
    edit = modules[0] if modules else manifests[0].parent / "src" / "lib.rs"
    return Sample(
        name=root.name,
        description=f"user project at {root}",
        directory=root,
        check="",
        edit=edit.relative_to(root).as_posix(),
        pyo3_selectable=False,
        backend=project_backend(root),
        imports_build_requirements=None,
    )


def project_usage(root: Path) -> Pyo3Usage:
    """What cargo resolves for the project: its pyo3 crates' versions and the members using them."""
    env = clean_environment(os.environ)
    with tempfile.TemporaryDirectory(prefix="pyo3-harness-discovery-") as scratch:
        where = Path(scratch)
        try:
            return discover(
                root, root_manifest(root), env=env, log=where / "cargo-metadata.log", scratch=where
            )
        except HarnessError as exc:
            raise UsageError(f"--project {root}: {exc}") from exc


def _pyproject(root: Path) -> dict[str, Any]:
    data: dict[str, Any] = toml.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    return data


def build_requirements(root: Path) -> list[str]:
    return [str(r) for r in _pyproject(root).get("build-system", {}).get("requires", [])]


def project_requirements(root: Path) -> list[str]:
    """Build requirements and runtime dependencies, for the offline wheelhouse."""
    runtime = _pyproject(root).get("project", {}).get("dependencies", [])
    return [*build_requirements(root), *(str(r) for r in runtime)]


def project_name(root: Path) -> str:
    return str(_pyproject(root).get("project", {}).get("name", root.name))


def project_backend(root: Path) -> str:
    """``maturin`` or ``setuptools-rust``, from the project's build-system table."""
    requires = " ".join(build_requirements(root))
    return "setuptools-rust" if "setuptools-rust" in requires or "setuptools_rust" in requires else "maturin"
