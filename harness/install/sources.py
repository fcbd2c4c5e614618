"""Upstream source trees: sdists from PyPI, pristine or with one of our patch series applied."""

from __future__ import annotations

import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from harness.errors import HarnessError
from harness.files import download_verified, filled_once, http_get, remove, unpack_one_directory
from harness.install.cache import Cache
from harness.install.patches import Series, apply_series, load_series
from harness.install.pypi import ACCEPT, find_sdist, parse_page, project_url


@dataclass(frozen=True)
class SourceTree:
    """An unpacked source tree, and the series applied to it (None: pristine)."""

    package: str
    version: str
    root: Path
    series: Series | None = None

    @property
    def patch_digest(self) -> str | None:
        return self.series.digest if self.series else None

    def describe(self) -> str:
        patched = f" + patches/{self.series.tool}/{self.version} {self.patch_digest}" if self.series else ""
        return f"{self.package} {self.version} sdist from PyPI{patched}"


def _sdist_url(package: str, version: str) -> tuple[str, str, str]:
    """(filename, url, sha256) of the sdist of ``package==version`` in PyPI's JSON index."""
    page = parse_page(http_get(project_url(package), accept=ACCEPT), package)
    found = find_sdist(page, package, version)
    return found.filename, found.url, found.sha256


def _unpacked(cache: Cache, package: str, version: str) -> Path:
    return cache.root / "sources" / f"{package}-{version}"


def has_sdist(cache: Cache, package: str, version: str) -> bool:
    return (_unpacked(cache, package, version) / ".harness-complete").exists()


def forget_sdist(cache: Cache, package: str, version: str) -> None:
    """Remove a downloaded sdist, its unpacked tree and their locks (input refused after the
    download); the unpacked tree's marker names the archive."""
    unpacked = _unpacked(cache, package, version)
    marker = unpacked / ".harness-complete"
    archive = cache.root / "sdists" / marker.read_text(encoding="utf-8") if marker.exists() else None
    for path in (unpacked, *([archive] if archive else [])):
        remove(path)
        remove(path.with_name(path.name + ".lock"))


def sdist(cache: Cache, package: str, version: str) -> Path:
    """The unpacked sdist of ``package==version``, downloaded once and checked against PyPI's
    sha256 (no build step runs: pip would prepare metadata, which for uv means running cargo)."""
    unpacked = _unpacked(cache, package, version)
    if has_sdist(cache, package, version):
        return unpacked
    # Asked before anything is written: a name PyPI does not know leaves no trace in the cache.
    filename, url, expected = _sdist_url(package, version)

    def fill(dest: Path) -> str:
        archive = download_verified(url, expected, cache.root / "sdists" / filename, what="PyPI's")
        if not unpack_one_directory(archive, dest):
            raise HarnessError(f"{filename}: an sdist holds one top-level directory")
        return filename

    return filled_once(unpacked, fill)


def source_tree(
    cache: Cache,
    package: str,
    version: str,
    *,
    patched: bool,
    env: Mapping[str, str],
    tool: str | None = None,
) -> SourceTree:
    """The sdist of ``package==version``, with ``patches/<tool>/<version>`` applied if ``patched``."""
    pristine = sdist(cache, package, version)
    if not patched:
        return SourceTree(package, version, pristine)
    series = load_series(tool or package, version)
    tree = cache.root / "sources" / "patched" / f"{package}-{version}-{series.digest}" / pristine.name

    def fill(dest: Path) -> str:
        shutil.copytree(pristine, dest, ignore=shutil.ignore_patterns(".harness-complete"))
        apply_series(series, dest, env)
        return series.digest

    filled_once(tree, fill, marker=".harness-applied")
    return SourceTree(package, version, tree, series)
