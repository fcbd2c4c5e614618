"""Crate sources straight from crates.io, verified against the registry index checksum."""

from __future__ import annotations

import json
import tarfile
from pathlib import Path

from harness.errors import HarnessError
from harness.files import download_verified, filled_once, http_get
from harness.install.cache import Cache

INDEX = "https://index.crates.io"
DOWNLOAD = "https://static.crates.io/crates/{name}/{name}-{version}.crate"


def index_path(name: str) -> str:
    """The sparse index path of a crate (cargo's layout rules)."""
    lower = name.lower()
    if len(lower) <= 2:
        return f"{len(lower)}/{lower}"
    if len(lower) == 3:
        return f"3/{lower[0]}/{lower}"
    return f"{lower[:2]}/{lower[2:4]}/{lower}"


def checksum(name: str, version: str) -> str:
    for line in http_get(f"{INDEX}/{index_path(name)}").decode().splitlines():
        entry = json.loads(line)
        if entry.get("vers") == version:
            return str(entry["cksum"])
    raise HarnessError(f"crates.io has no {name} {version}")


def crate_source(cache: Cache, name: str, version: str) -> Path:
    """The unpacked, checksum-verified source of ``name`` ``version``; downloaded once."""

    def fill(dest: Path) -> None:
        url = DOWNLOAD.format(name=name, version=version)
        archive = cache.crates / f"{name}-{version}.crate"
        download_verified(url, checksum(name, version), archive, what="index")
        with tarfile.open(archive) as tar:
            tar.extractall(dest.parent, filter="data")  # the crate's own top directory is dest

    # The crate's Cargo.toml is its completion marker (caches made before this helper have it).
    return filled_once(cache.crates / "src" / f"{name}-{version}", fill, marker="Cargo.toml")
