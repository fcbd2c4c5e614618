"""Crate sources straight from crates.io, verified against the registry index checksum."""

from __future__ import annotations

import hashlib
import json
import shutil
import tarfile
import urllib.error
import urllib.request
from pathlib import Path

from harness.errors import HarnessError
from harness.install.cache import Cache, locked

INDEX = "https://index.crates.io"
DOWNLOAD = "https://static.crates.io/crates/{name}/{name}-{version}.crate"
USER_AGENT = "pyo3-frontend-harness (source fetcher)"


def index_path(name: str) -> str:
    """The sparse index path of a crate (cargo's layout rules)."""
    lower = name.lower()
    if len(lower) <= 2:
        return f"{len(lower)}/{lower}"
    if len(lower) == 3:
        return f"3/{lower[0]}/{lower}"
    return f"{lower[:2]}/{lower[2:4]}/{lower}"


def http_get(url: str, accept: str | None = None) -> bytes:
    headers = {"User-Agent": USER_AGENT, **({"Accept": accept} if accept else {})}
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            data: bytes = response.read()
            return data
    except (urllib.error.URLError, TimeoutError) as exc:
        raise HarnessError(f"cannot download {url}: {exc}") from exc


def checksum(name: str, version: str) -> str:
    for line in http_get(f"{INDEX}/{index_path(name)}").decode().splitlines():
        entry = json.loads(line)
        if entry.get("vers") == version:
            return str(entry["cksum"])
    raise HarnessError(f"crates.io has no {name} {version}")


def crate_source(cache: Cache, name: str, version: str) -> Path:
    """The unpacked, checksum-verified source of ``name`` ``version``; downloaded once."""
    unpacked = cache.crates / "src" / f"{name}-{version}"
    with locked(unpacked):
        if not (unpacked / "Cargo.toml").exists():
            archive = cache.crates / f"{name}-{version}.crate"
            expected = checksum(name, version)
            if not archive.exists() or hashlib.sha256(archive.read_bytes()).hexdigest() != expected:
                data = http_get(DOWNLOAD.format(name=name, version=version))
                actual = hashlib.sha256(data).hexdigest()
                if actual != expected:
                    raise HarnessError(f"{name}-{version}.crate: sha256 {actual} != index {expected}")
                archive.parent.mkdir(parents=True, exist_ok=True)
                archive.write_bytes(data)
            shutil.rmtree(unpacked, ignore_errors=True)
            with tarfile.open(archive) as tar:
                tar.extractall(unpacked.parent, filter="data")
    return unpacked
