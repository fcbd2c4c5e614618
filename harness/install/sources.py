"""Upstream source trees: sdists from PyPI, pristine or with one of our patch series applied."""

from __future__ import annotations

import json
import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from harness.errors import HarnessError
from harness.files import (
    download_verified,
    filled_once,
    http_get,
    remove,
    say,
    sha256_of,
    unpack_one_directory,
)
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


MARKER = ".harness-complete"


@dataclass(frozen=True)
class _Download:
    """What the unpacked tree's marker records: the archive under sdists/ and PyPI's sha256."""

    filename: str
    sha256: str | None  # None: recorded by a harness that kept only the name

    @classmethod
    def read(cls, marker: Path) -> _Download | None:
        try:
            text = marker.read_text(encoding="utf-8")
        except OSError:
            return None
        try:
            data = json.loads(text)
        except ValueError:
            return cls(text.strip(), None)  # the older marker: the archive's name alone
        return cls(str(data["archive"]), str(data["sha256"])) if isinstance(data, dict) else None


def _problem(cache: Cache, package: str, version: str) -> str | None:
    """Why the cached download of ``package==version`` cannot be used as it is (absent: "");
    None when its archive still has the sha256 PyPI gave for it. Asked on every use."""
    recorded = _Download.read(_unpacked(cache, package, version) / MARKER)
    if recorded is None:
        return ""
    archive = cache.root / "sdists" / recorded.filename
    if recorded.sha256 is None:
        return f"{archive} has no recorded sha256 (an older harness downloaded it)"
    if not archive.is_file():
        return f"{archive} is missing"
    if sha256_of(archive) != recorded.sha256:
        return f"{archive} does not match the sha256 PyPI gave for it (truncated or altered)"
    return None


def has_sdist(cache: Cache, package: str, version: str) -> bool:
    """A complete download of ``package==version`` whose archive matches its sha256."""
    return _problem(cache, package, version) is None


def forget_sdist(cache: Cache, package: str, version: str) -> None:
    """Remove a downloaded sdist, its unpacked tree and their locks (input refused after the
    download, or a download that no longer matches its sha256); the tree's marker names the
    archive."""
    unpacked = _unpacked(cache, package, version)
    recorded = _Download.read(unpacked / MARKER)
    archive = cache.root / "sdists" / recorded.filename if recorded else None
    for path in (unpacked, *([archive] if archive else [])):
        remove(path)
        remove(path.with_name(path.name + ".lock"))
    remove(unpacked.with_name(unpacked.name + ".contents.json"))


def _unpack_into(archive: Path, dest: Path, download: _Download) -> str:
    if not unpack_one_directory(archive, dest):
        raise HarnessError(f"{archive.name}: an sdist holds one top-level directory")
    return json.dumps({"archive": download.filename, "sha256": download.sha256})


def sdist(cache: Cache, package: str, version: str) -> Path:
    """The unpacked sdist of ``package==version``, downloaded once and checked against PyPI's
    sha256 then and on every later use (no build step runs: pip would prepare metadata, which
    for uv means running cargo). A tree that lost files is unpacked again from its checked
    archive; an archive that no longer matches is said, and downloaded again."""
    unpacked = _unpacked(cache, package, version)
    problem = _problem(cache, package, version)
    if problem is None:
        recorded = _Download.read(unpacked / MARKER)
        assert recorded is not None  # _problem found it
        archive = cache.root / "sdists" / recorded.filename
        return filled_once(unpacked, lambda dest: _unpack_into(archive, dest, recorded))
    if problem:
        say(f"{package}=={version}: {problem}; downloading it again")
        forget_sdist(cache, package, version)
    # Asked before anything is written: a name PyPI does not know leaves no trace in the cache.
    filename, url, expected = _sdist_url(package, version)

    def fill(dest: Path) -> str:
        archive = download_verified(url, expected, cache.root / "sdists" / filename, what="PyPI's")
        return _unpack_into(archive, dest, _Download(filename, expected))

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
