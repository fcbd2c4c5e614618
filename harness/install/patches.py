"""Patch series: ``patches/<tool>/<version>/series`` lists patch files, applied in order, strictly.

A hunk that does not apply exactly is an error that shows git's report of the rejection:
no fuzz, no offsets guessed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from harness.errors import HarnessError
from harness.process import run

_PACKAGED = Path(__file__).resolve().parents[1] / "_patches"  # inside an installed wheel
_CHECKOUT = Path(__file__).resolve().parents[2] / "patches"  # in a source checkout


def patches_root() -> Path:
    return _PACKAGED if _PACKAGED.is_dir() else _CHECKOUT


@dataclass(frozen=True)
class Series:
    tool: str
    version: str
    patches: tuple[Path, ...]

    @property
    def digest(self) -> str:
        h = hashlib.sha256()
        for patch in self.patches:
            h.update(patch.name.encode() + b"\0" + patch.read_bytes())
        return h.hexdigest()[:12]


def available(tool: str) -> list[str]:
    directory = patches_root() / tool
    return (
        sorted(p.name for p in directory.iterdir() if (p / "series").exists()) if directory.is_dir() else []
    )


def load_series(tool: str, version: str) -> Series:
    directory = patches_root() / tool / version
    series_file = directory / "series"
    if not series_file.exists():
        have = ", ".join(available(tool)) or "none"
        raise HarnessError(f"no patch series for {tool} {version} in {directory.parent}; available: {have}")
    names = [line.strip() for line in series_file.read_text(encoding="utf-8").splitlines()]
    patches = tuple(directory / n for n in names if n and not n.startswith("#"))
    missing = [p.name for p in patches if not p.exists()]
    if missing:
        raise HarnessError(f"{series_file} lists missing patches: {', '.join(missing)}")
    return Series(tool=tool, version=version, patches=patches)


def apply_series(series: Series, tree: Path, env: Mapping[str, str]) -> None:
    """Apply every patch of ``series`` to the source tree ``tree`` (its root is ``-p1``)."""
    # Keep git from treating an enclosing repository as the tree to patch.
    git_env = {**env, "GIT_CEILING_DIRECTORIES": str(tree.parent)}
    for patch in series.patches:
        check = run(
            ["git", "apply", "--check", "--verbose", "-p1", patch], cwd=tree, env=git_env, check=False
        )
        if check.returncode != 0:
            raise HarnessError(
                f"patch {patch} does not apply strictly to {tree} (no fuzz allowed):\n{check.output}"
            )
        applied = run(["git", "apply", "--verbose", "-p1", patch], cwd=tree, env=git_env)
        # git exits 0 when it skips a patch it thinks lies outside its work tree; insist on
        # its own confirmation instead.
        if "Skipped patch" in applied.output or "cleanly" not in applied.output:
            raise HarnessError(f"git did not apply {patch} to {tree}:\n{applied.output}")
