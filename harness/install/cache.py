"""Where the harness keeps what it installs and downloads, and how writers take turns."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

APP = "pyo3-frontend-harness"


def default_cache_dir(
    environ: Mapping[str, str], platform: str = sys.platform, home: Path | None = None
) -> Path:
    """``$PYO3_HARNESS_CACHE``, else the platform's user cache directory."""
    home = home or Path.home()
    if environ.get("PYO3_HARNESS_CACHE"):
        return Path(environ["PYO3_HARNESS_CACHE"])
    if platform == "win32":
        local = environ.get("LOCALAPPDATA") or str(home / "AppData" / "Local")
        return Path(local) / APP / "Cache"
    if platform == "darwin":
        return home / "Library" / "Caches" / APP
    base = environ.get("XDG_CACHE_HOME") or str(home / ".cache")
    return Path(base) / APP


@dataclass(frozen=True)
class Cache:
    root: Path

    @property
    def envs(self) -> Path:
        return self.root / "envs"

    @property
    def wheelhouse(self) -> Path:
        return self.root / "wheelhouse"

    @property
    def crates(self) -> Path:
        return self.root / "crates"

    @property
    def uv_cache(self) -> Path:
        return self.root / "uv-cache"

    @property
    def pip_cache(self) -> Path:
        return self.root / "pip-cache"

    @property
    def work(self) -> Path:
        return self.root / "work"
