"""A user's own pyo3 project, measured like a sample (``--project PATH``)."""

from __future__ import annotations

import re
from pathlib import Path

from harness import _toml as toml
from harness.build.samples import Sample
from harness.build.workcopy import cargo_manifests
from harness.errors import UsageError

_PYO3_DEP = re.compile(r"^\s*pyo3(-ffi)?\s*=", re.MULTILINE)


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
    if not any(_PYO3_DEP.search(m.read_text(encoding="utf-8")) for m in manifests):
        raise UsageError(f"--project {path}: no Cargo.toml depends on pyo3, so not a pyo3 project")
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
    )


def project_requirements(root: Path) -> list[str]:
    """Build requirements and runtime dependencies, for the offline wheelhouse."""
    data = toml.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    build = data.get("build-system", {}).get("requires", [])
    runtime = data.get("project", {}).get("dependencies", [])
    return [str(r) for r in (*build, *runtime)]
