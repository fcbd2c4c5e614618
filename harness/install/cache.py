"""Where the harness keeps what it installs and downloads, and how writers take turns."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

APP = "pyo3-frontend-harness"


def default_cache_dir(environ: Mapping[str, str]) -> Path:
    """``$PYO3_HARNESS_CACHE``, else the platform's user cache directory."""
    if environ.get("PYO3_HARNESS_CACHE"):
        return Path(environ["PYO3_HARNESS_CACHE"])
    if sys.platform == "win32" and environ.get("LOCALAPPDATA"):
        return Path(environ["LOCALAPPDATA"]) / APP / "Cache"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / APP
    base = environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
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


def digest(*parts: object) -> str:
    """A short, stable key for cache entries that depend on ``parts``."""
    text = json.dumps([str(p) for p in parts])
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def _lock_file(handle: IO[Any]) -> None:
    if sys.platform == "win32":
        import msvcrt

        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_LOCK, 1)
    else:
        import fcntl

        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)


@contextlib.contextmanager
def locked(path: Path) -> Iterator[None]:
    """Hold an exclusive lock next to ``path`` so parallel runs never write it together."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_name(path.name + ".lock"), "a+") as handle:
        _lock_file(handle)
        yield


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` so readers see the old file or the new one, never half of one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)
