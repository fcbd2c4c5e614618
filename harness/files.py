"""File helpers every layer uses: atomic writes, short digests, cross-process locks, and the two
routines built on them ("fill a folder once, under a lock, then mark it complete" and "download,
check sha256, store")."""

from __future__ import annotations

import contextlib
import hashlib
import http.client
import json
import os
import shutil
import sys
import tarfile
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

import filelock

from harness.errors import OFFLINE_ADVICE, HarnessError, Unreachable

USER_AGENT = "pyo3-frontend-harness (source fetcher)"


def digest(*parts: object) -> str:
    """A short, stable key for cache entries that depend on ``parts``."""
    text = json.dumps([str(p) for p in parts])
    return hashlib.sha256(text.encode()).hexdigest()[:12]


@contextlib.contextmanager
def locked(path: Path, waiting: Callable[[], None] | None = None) -> Iterator[None]:
    """Hold an exclusive lock next to ``path`` so parallel runs never write it together;
    ``waiting`` is called once when another holder makes this one wait (to say so).

    filelock takes the OS's lock (flock, or msvcrt on Windows, waiting as long as the holder
    needs): it is released if the holder dies, and it excludes other processes and other
    handles in this process alike."""
    path.parent.mkdir(parents=True, exist_ok=True)
    lock = filelock.FileLock(path.with_name(path.name + ".lock"))
    try:
        lock.acquire(timeout=0)
    except filelock.Timeout:
        if waiting is not None:
            waiting()
        lock.acquire()
    try:
        yield
    finally:
        lock.release()


def unwritable(path: Path) -> str | None:
    """Why a directory at ``path`` could not be created or written, asked without creating
    anything (the nearest existing ancestor decides), or None when it could."""
    existing = next(p for p in (path, *path.absolute().parents) if p.exists())
    if not existing.is_dir():
        return f"{existing} is a file"
    if not os.access(existing, os.W_OK | os.X_OK):
        return f"{existing} cannot be written"
    return None


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` so readers see the old file or the new one, never half of one."""
    write_set({path: text})


def write_set(files: Mapping[Path, str]) -> None:
    """Write several files that describe one thing (results.json and its reports) as a set:
    every one is written out in full before the first replaces its old version, so a failure
    while writing (a full disk, a read-only directory) leaves all the old ones in place."""
    staged: list[tuple[Path, Path]] = []
    try:
        for path, text in files.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
            staged.append((tmp, path))
            with open(tmp, "w", encoding="utf-8") as handle:
                handle.write(text)
                handle.flush()
                os.fsync(handle.fileno())
    except BaseException:
        for tmp, _ in staged:
            tmp.unlink(missing_ok=True)
        raise
    for tmp, path in staged:
        os.replace(tmp, path)


def remove(path: Path) -> None:
    """Whatever is at ``path`` gone: a directory tree, a file, a link. An error if it stays."""
    if path.is_symlink() or path.is_file():
        path.unlink()
    elif path.exists():
        shutil.rmtree(path)


def say(text: str) -> None:
    """One line to the user about the cache, from a layer with no progress to report through."""
    print(f"pyo3-harness: {text}", file=sys.stderr, flush=True)


def _contents(dest: Path) -> Path:
    """Where the list of ``dest``'s files is kept: beside it, so the entry itself is unchanged."""
    return dest.with_name(dest.name + ".contents.json")


def _files(dest: Path) -> list[str]:
    return sorted(p.relative_to(dest).as_posix() for p in dest.rglob("*") if p.is_file() or p.is_symlink())


def incomplete(dest: Path) -> str | None:
    """Why a filled entry is not whole: its list of files missing, or a listed file gone (a
    crash, or a hand, that removed part of it); None when every file it was filled with is there.

    Only presence is checked, not content: some entries are built in place later (a patched
    uv's tree gets its Cargo.lock rewritten), and the downloads they come from are checked
    against their sha256 where they are used."""
    try:
        listed = json.loads(_contents(dest).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return "it has no list of its files (an older harness filled it, or its fill was cut short)"
    gone = [name for name in listed if not (dest / name).exists() and not (dest / name).is_symlink()]
    if gone:
        return f"{len(gone)} of its {len(listed)} files are missing ({gone[0]} first)"
    return None


def filled_once(
    dest: Path,
    fill: Callable[[Path], str | None],
    *,
    marker: str = ".harness-complete",
    refresh: bool = False,
) -> Path:
    """``dest``, filled by ``fill(dest)`` once across processes and runs.

    The text ``fill`` returns is written to ``dest/marker`` last, so a folder a killed run left
    half-filled is filled again; ``fill`` returning None means it wrote the marker itself (a
    crate's Cargo.toml). The list of files it was filled with is kept beside it, and an entry
    whose marker is there but some of whose files are not is said and filled again."""
    done = dest / marker
    with locked(dest):
        broken = incomplete(dest) if done.exists() and not refresh else None
        if broken:
            say(f"{dest} is incomplete: {broken}; filling it again")
        if refresh or not done.exists() or broken:
            remove(dest)
            _contents(dest).unlink(missing_ok=True)
            note = fill(dest)
            if note is not None:
                dest.mkdir(parents=True, exist_ok=True)
                done.write_text(note, encoding="utf-8")
            elif not done.exists():
                raise HarnessError(f"{dest}: filled without its {marker}")
            write_atomic(_contents(dest), json.dumps(_files(dest)))
    return dest


def check_archive(archive: Path) -> None:
    """A HarnessError saying why ``archive`` is not an sdist-shaped tar (unreadable, a member the
    "data" filter refuses: outside the destination, a link out of it, a device; or not one
    top-level directory), found before anything is written."""
    tops: set[str] = set()
    try:
        with tarfile.open(archive) as tar:
            for member in tar:
                kept = tarfile.data_filter(member, "/unpacked") or member
                parts = Path(kept.name).parts
                tops.add(parts[0] if len(parts) > 1 or kept.isdir() else "")
    except (tarfile.TarError, EOFError, OSError) as exc:
        raise HarnessError(f"{archive}: cannot unpack it ({exc or type(exc).__name__})") from None
    if len(tops) != 1 or "" in tops:
        raise HarnessError(f"{archive}: an sdist holds one top-level directory")


def unpack_one_directory(archive: Path, dest: Path) -> bool:
    """Unpack a tar archive holding one top-level directory as ``dest``; False (and nothing
    at ``dest``) when it holds anything else."""
    staging = dest.with_name(dest.name + ".staging")
    shutil.rmtree(staging, ignore_errors=True)
    try:
        with tarfile.open(archive) as tar:
            # filter="data" refuses members that would land outside staging, links out of it,
            # device files and setuid bits.
            tar.extractall(staging, filter="data")
    except (tarfile.TarError, EOFError, OSError) as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise HarnessError(f"{archive}: cannot unpack it ({exc or type(exc).__name__})") from None
    tops = list(staging.iterdir())
    if len(tops) != 1 or not tops[0].is_dir():
        shutil.rmtree(staging, ignore_errors=True)
        return False
    tops[0].rename(dest)
    staging.rmdir()
    return True


def http_get(url: str, accept: str | None = None) -> bytes:
    headers = {"User-Agent": USER_AGENT, **({"Accept": accept} if accept else {})}
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            data: bytes = response.read()
            return data
    except urllib.error.HTTPError as exc:  # the server answered: not the network's fault
        raise HarnessError(f"cannot download {url}: {exc}") from exc
    except (urllib.error.URLError, OSError, http.client.HTTPException) as exc:
        # Refused, timed out, or dropped mid-answer (by the server or a proxy in between).
        reason = getattr(exc, "reason", None) or exc or type(exc).__name__
        raise Unreachable(f"cannot reach {url} ({reason}): {OFFLINE_ADVICE}") from exc


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _sha256_record(path: Path) -> Path:
    return path.with_name(path.name + ".sha256")


def record_sha256(path: Path) -> None:
    """Keep ``path``'s sha256 beside it, for ``unlike_recorded`` on every later use."""
    write_atomic(_sha256_record(path), sha256_of(path))


def unlike_recorded(path: Path) -> str | None:
    """Why ``path`` is not the file ``record_sha256`` recorded ("" when nothing was recorded);
    None when it is."""
    try:
        expected = _sha256_record(path).read_text(encoding="utf-8").strip()
    except OSError:
        return ""
    if not path.is_file():
        return "it is missing"
    if sha256_of(path) != expected:
        return "it does not match the sha256 recorded when it was built (truncated or altered)"
    return None


def download_verified(url: str, expected: str, archive: Path, *, what: str) -> Path:
    """``archive``, downloaded from ``url`` unless a copy with sha256 ``expected`` is there;
    a download with another sha256 is refused (``what`` names whose checksum it is)."""
    if archive.exists() and sha256_of(archive) == expected:
        return archive
    data = http_get(url)
    actual = hashlib.sha256(data).hexdigest()
    if actual != expected:
        raise HarnessError(f"{archive.name}: sha256 {actual} != {what} {expected}")
    archive.parent.mkdir(parents=True, exist_ok=True)
    archive.write_bytes(data)
    return archive
