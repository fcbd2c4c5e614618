"""Where a virtual environment keeps its programs, on each platform: a fact the installers,
the wheel check and the run all need, so it lives below all of them."""

from __future__ import annotations

import sys
from pathlib import Path


def bin_dir(root: Path, platform: str = sys.platform) -> Path:
    """Where an environment keeps its interpreter and scripts: ``Scripts`` on Windows."""
    return root / ("Scripts" if platform == "win32" else "bin")


def exe_name(name: str, platform: str = sys.platform) -> str:
    return f"{name}.exe" if platform == "win32" else name


def executable(root: Path, name: str, platform: str = sys.platform) -> Path:
    return bin_dir(root, platform) / exe_name(name, platform)
