"""Patch series: ``patches/<tool>/<version>/series`` lists patch files, applied in order, strictly.

A hunk that does not apply exactly is an error that shows git's report of the rejection:
no fuzz, no offsets guessed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from harness.errors import HarnessError, UsageError
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


def release_line(version: str) -> str:
    """A version's release line, ``MAJOR.MINOR``: 0.29 for pyo3 0.29.3, 1.6 for build 1.6.1.
    Patch releases of a line rarely touch the code a series changes; a strict apply checks it."""
    return ".".join(version.split(".")[:2])


def covering(version: str, have: list[str]) -> str | None:
    """Which of the series versions ``have`` covers ``version``: its own, else the newest of its
    release line (which must still apply strictly); None when its line has none."""
    if version in have:
        return version
    line = [v for v in have if release_line(v) == release_line(version)]
    if not line:
        return None
    return max(line, key=lambda v: tuple(int(x) if x.isdigit() else 0 for x in v.split(".")))


def series_version(tool: str, version: str) -> str:
    """The series directory that covers ``version`` (``covering``)."""
    have = available(tool)
    found = covering(version, have)
    if found is None:
        listed = ", ".join(have) or "none"
        raise HarnessError(
            f"no patch series for {tool} {version} (release line {release_line(version)}); series exist "
            f"for {listed}. To add one, port the nearest series to {tool} {version} in "
            f"patches/{tool}/{version}/ and check it with `pyo3-harness patches check --tool {tool}`"
        )
    return found


def load_series(tool: str, version: str) -> Series:
    """The series covering ``version`` of ``tool``: its own or its release line's."""
    return read_series(patches_root() / tool / series_version(tool, version), tool, version)


def check_series_dir(directory: Path) -> None:
    """A series directory given by the user: one with a ``series`` file."""
    if not (directory / "series").is_file():
        raise UsageError(
            f"--pyo3-series {directory}: no file {directory / 'series'}; accepted: a directory whose "
            "`series` file lists its patches, one per line, as patches/pyo3/VERSION/ does"
        )


def read_series(directory: Path, tool: str, version: str) -> Series:
    """The series in ``directory`` (its ``series`` file lists the patches), for ``version``."""
    series_file = directory / "series"
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
