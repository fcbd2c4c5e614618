"""pyo3 as a build consumes it: stock from crates.io, or with PYO3_BASE_PYTHON support.

Support comes from the release itself when it already reads the variable ("native"), else
from our patch series applied to pyo3-build-config's crates.io source ("patched"), wired
into a work copy through ``[patch.crates-io]``.
"""

from __future__ import annotations

import shutil
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from harness.errors import HarnessError, NoSpace
from harness.files import filled_once
from harness.install.cache import Cache
from harness.install.crates import crate_source
from harness.install.patches import apply_series, load_series, read_series, release_line

CONFIG_CRATE = "pyo3-build-config"
BASE_VAR = "PYO3_BASE_PYTHON"


@dataclass(frozen=True)
class Pyo3:
    version: str
    support: str  # "stock" | "native" | "patched"
    overrides: dict[str, Path] = field(default_factory=dict)  # crate -> path for [patch.crates-io]
    patch_digest: str | None = None
    series_dir: Path | None = None  # a series given instead of patches/pyo3/ (`run --pyo3-series`)

    def describe(self) -> str:
        if self.support == "patched" and self.series_dir is not None:
            return f"{self.version} + series {self.series_dir} {self.patch_digest}"
        if self.support == "patched":
            return f"{self.version} + base-python patch {self.patch_digest}"
        return f"{self.version} ({self.support})"


def honours_base_python(source: Path) -> bool:
    """Whether a pyo3-build-config source tree already reads PYO3_BASE_PYTHON."""
    return any(
        BASE_VAR in p.read_text(encoding="utf-8", errors="replace") for p in (source / "src").rglob("*.rs")
    )


def prepare(
    cache: Cache, version: str, *, base_support: bool, env: Mapping[str, str], series_dir: Path | None = None
) -> Pyo3:
    """pyo3 ``version`` as a strategy needs it; ``series_dir`` replaces our series (a candidate
    series, or a known-bad one) and is applied even to a release that reads the variable."""
    if not base_support:
        return Pyo3(version=version, support="stock")
    pristine = crate_source(cache, CONFIG_CRATE, version)
    if series_dir is None and honours_base_python(pristine):
        return Pyo3(version=version, support="native")
    series = read_series(series_dir, "pyo3", version) if series_dir else load_series("pyo3", version)
    patched = cache.crates / "patched" / f"{CONFIG_CRATE}-{version}-{series.digest}"

    def fill(dest: Path) -> str:
        shutil.copytree(pristine, dest)
        try:
            apply_series(series, dest, env)
        except NoSpace:
            raise  # the disk, not the series
        except HarnessError as exc:
            if series_dir is not None:
                raise HarnessError(
                    f"--pyo3-series {series_dir} does not apply to {CONFIG_CRATE} {version}\n{exc}"
                ) from exc
            covering = series.patches[0].parent if series.patches else "its series"
            raise HarnessError(
                f"{covering} covers pyo3 {release_line(version)}.x only where it applies strictly, "
                f"and it does not apply to pyo3-build-config {version}: port it to "
                f"patches/pyo3/{version}/ (check with `pyo3-harness patches check --tool pyo3`)\n{exc}"
            ) from exc
        return series.digest

    filled_once(patched, fill, marker=".harness-applied")
    return Pyo3(
        version=version,
        support="patched",
        overrides={CONFIG_CRATE: patched},
        patch_digest=series.digest,
        series_dir=series_dir,
    )
