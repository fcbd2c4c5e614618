"""Whether a project builds pyo3, asked of cargo itself (``cargo metadata``), not of manifest text.

Every manifest form resolves the same way: a ``[dependencies.pyo3]`` table, ``workspace = true``
inheritance, a renamed dependency (``ffi = { package = "pyo3-ffi" }``), a target-specific one.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.errors import HarnessError
from harness.process import run
from harness.workbench.workcopy import sources_only

PYO3_CRATES = ("pyo3", "pyo3-ffi", "pyo3-build-config")
# A workspace member that depends on one of these (directly) builds a Python extension.
_BINDINGS = frozenset({"pyo3", "pyo3-ffi"})


@dataclass(frozen=True)
class Pyo3Usage:
    """What cargo resolved: each pyo3 crate's versions, and the members that use pyo3."""

    versions: Mapping[str, tuple[str, ...]]  # crate name -> sorted versions in the graph
    members: tuple[str, ...]  # workspace members with a direct pyo3 / pyo3-ffi dependency

    @property
    def found(self) -> bool:
        return bool(self.members)

    @property
    def config_versions(self) -> tuple[str, ...]:
        """The pyo3-build-config versions a build compiles (what a patch series must cover)."""
        return self.versions.get("pyo3-build-config", ())

    def describe(self) -> str:
        if not self.found:
            return "no workspace member depends on pyo3 or pyo3-ffi"
        crates = ", ".join(f"{c} {'/'.join(v)}" for c, v in self.versions.items() if v)
        return f"{crates}; used by {', '.join(self.members)}"


def parse_metadata(metadata: Mapping[str, Any]) -> Pyo3Usage:
    """Read ``cargo metadata --format-version 1`` output."""
    packages = {str(p["id"]): p for p in metadata["packages"]}
    versions = {
        crate: tuple(sorted({str(p["version"]) for p in packages.values() if p["name"] == crate}))
        for crate in PYO3_CRATES
    }
    members = set(metadata["workspace_members"])
    nodes = (metadata.get("resolve") or {}).get("nodes", [])
    using = sorted(
        str(packages[node["id"]]["name"])
        for node in nodes
        if node["id"] in members
        and any(packages[dep["pkg"]]["name"] in _BINDINGS for dep in node.get("deps", []))
    )
    return Pyo3Usage(versions=versions, members=tuple(using))


def cargo_error(output: str) -> str:
    """cargo's last error, from its ``error:`` line on (what it failed at, then why)."""
    lines = output.strip().splitlines()
    starts = [i for i, line in enumerate(lines) if line.startswith("error")]
    return "\n".join(lines[starts[-1] :] if starts else lines[-3:])


def discover(root: Path, manifest: Path, *, env: Mapping[str, str], log: Path, scratch: Path) -> Pyo3Usage:
    """Resolve the workspace of ``manifest`` (in ``root``) with cargo and read it. A project with
    a lock file is read in place (``--locked``: nothing is written); one without is copied to
    ``scratch`` first, so cargo's new lock file lands there, not in the user's project."""
    if not (manifest.parent / "Cargo.lock").exists() and not (root / "Cargo.lock").exists():
        copy = scratch / root.name
        shutil.rmtree(copy, ignore_errors=True)
        shutil.copytree(root, copy, ignore=sources_only(root))
        manifest, root = copy / manifest.relative_to(root), copy
    argv = ["cargo", "metadata", "--format-version", "1", "--manifest-path", str(manifest)]
    if (manifest.parent / "Cargo.lock").exists() or (root / "Cargo.lock").exists():
        argv.append("--locked")
    done = run(argv, cwd=manifest.parent, env=env, log=log, check=False)
    if done.returncode != 0:
        raise HarnessError(f"cargo metadata could not resolve {manifest}:\n{cargo_error(done.output)}")
    # run() merges stderr in; cargo prints the JSON as one line on stdout.
    line = next((ln for ln in done.output.splitlines() if ln.startswith("{")), "")
    try:
        return parse_metadata(json.loads(line))
    except (ValueError, KeyError) as exc:
        raise HarnessError(f"cargo metadata for {manifest}: unreadable output ({exc}; log: {log})") from exc
