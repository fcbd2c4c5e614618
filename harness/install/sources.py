"""Upstream source trees: sdists from PyPI, pristine or with one of our patch series applied."""

from __future__ import annotations

import shutil
import tarfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from harness.errors import HarnessError
from harness.install.cache import Cache, locked
from harness.install.envs import PythonEnv
from harness.install.patches import Series, apply_series, load_series
from harness.process import run


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


def sdist(cache: Cache, package: str, version: str, *, downloader: PythonEnv, env: Mapping[str, str]) -> Path:
    """The unpacked sdist of ``package==version`` (downloaded once, with pip)."""
    unpacked = cache.root / "sources" / f"{package}-{version}"
    with locked(unpacked):
        if not (unpacked / ".harness-complete").exists():
            shutil.rmtree(unpacked, ignore_errors=True)
            downloads = cache.root / "sdists"
            downloads.mkdir(parents=True, exist_ok=True)
            download: list[str | Path] = [downloader.python, "-m", "pip", "download", "--no-deps"]
            download += ["--no-binary", ":all:", "--dest", downloads, f"{package}=={version}"]
            run(
                download,
                cwd=cache.root,
                env={**env, "PIP_CACHE_DIR": str(cache.pip_cache)},
            )
            archives = sorted(downloads.glob(f"{package.replace('-', '_')}-{version}.tar.gz"))
            archives += sorted(downloads.glob(f"{package}-{version}.tar.gz"))
            if not archives:
                raise HarnessError(f"pip downloaded no sdist for {package}=={version} into {downloads}")
            staging = unpacked.with_name(unpacked.name + ".staging")
            shutil.rmtree(staging, ignore_errors=True)
            with tarfile.open(archives[0]) as tar:
                tar.extractall(staging, filter="data")
            [top] = list(staging.iterdir())
            top.rename(unpacked)
            staging.rmdir()
            (unpacked / ".harness-complete").write_text(archives[0].name)
    return unpacked


def source_tree(
    cache: Cache,
    package: str,
    version: str,
    *,
    patched: bool,
    downloader: PythonEnv,
    env: Mapping[str, str],
    tool: str | None = None,
) -> SourceTree:
    """The sdist of ``package==version``, with ``patches/<tool>/<version>`` applied if ``patched``."""
    pristine = sdist(cache, package, version, downloader=downloader, env=env)
    if not patched:
        return SourceTree(package, version, pristine)
    series = load_series(tool or package, version)
    tree = cache.root / "sources" / "patched" / f"{package}-{version}-{series.digest}" / pristine.name
    with locked(tree):
        if not (tree / ".harness-applied").exists():
            shutil.rmtree(tree.parent, ignore_errors=True)
            shutil.copytree(pristine, tree, ignore=shutil.ignore_patterns(".harness-complete"))
            apply_series(series, tree, env)
            (tree / ".harness-applied").write_text(series.digest)
    return SourceTree(package, version, tree, series)
