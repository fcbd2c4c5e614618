"""Where the harness keeps what it installs and downloads, and how writers take turns."""

from __future__ import annotations

import contextlib
import errno
import hashlib
import importlib
import json
import os
import sys
import time
from collections.abc import Callable, Iterator, Mapping
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


def digest(*parts: object) -> str:
    """A short, stable key for cache entries that depend on ``parts``."""
    text = json.dumps([str(p) for p in parts])
    return hashlib.sha256(text.encode()).hexdigest()[:12]


# msvcrt reports a byte locked by another process as EACCES (non-blocking) or EDEADLOCK.
_WINDOWS_BUSY = frozenset({errno.EACCES, getattr(errno, "EDEADLOCK", errno.EDEADLK)})


def lock_windows(
    fileno: int,
    locking: Callable[[int, int, int], None],
    nonblocking: int,
    *,
    sleep: Callable[[float], object] = time.sleep,
    poll: float = 0.2,
) -> None:
    """Take byte 0 of ``fileno`` with ``msvcrt.locking``, waiting as long as it takes.

    msvcrt's blocking mode (LK_LOCK) gives up with OSError after ten one-second tries, and a
    harness lock can be held for a whole uv build (minutes), so poll the non-blocking mode.
    """
    while True:
        try:
            locking(fileno, nonblocking, 1)
            return
        except OSError as exc:
            if exc.errno not in _WINDOWS_BUSY:
                raise
        sleep(poll)


@dataclass(frozen=True)
class FileLock:
    """Exclusive whole-process locks on an open file: acquire and release take its fileno."""

    acquire: Callable[[int], None]
    release: Callable[[int], None]


def file_lock(platform: str = sys.platform) -> FileLock:
    if platform == "win32":
        # Imported by name: mypy on Linux knows no msvcrt, and the stub is win32-only.
        msvcrt = importlib.import_module("msvcrt")
        return FileLock(
            acquire=lambda fd: lock_windows(fd, msvcrt.locking, msvcrt.LK_NBLCK),
            release=lambda fd: msvcrt.locking(fd, msvcrt.LK_UNLCK, 1),
        )
    import fcntl

    return FileLock(
        acquire=lambda fd: fcntl.flock(fd, fcntl.LOCK_EX),
        release=lambda fd: fcntl.flock(fd, fcntl.LOCK_UN),
    )


@contextlib.contextmanager
def locked(path: Path, *, platform: str = sys.platform) -> Iterator[None]:
    """Hold an exclusive lock next to ``path`` so parallel runs never write it together.

    The lock is the OS's (flock, or msvcrt on Windows): it is released if the holder dies, and
    it excludes other processes and other open handles in this process alike.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    lock = file_lock(platform)
    with open(path.with_name(path.name + ".lock"), "a+") as handle:
        # msvcrt locks bytes from the current position: always byte 0.
        handle.seek(0)
        lock.acquire(handle.fileno())
        try:
            yield
        finally:
            handle.seek(0)
            lock.release(handle.fileno())


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` so readers see the old file or the new one, never half of one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)
