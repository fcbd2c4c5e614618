"""The pins file: exact versions of everything the harness installs or builds against."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from harness import _toml as toml
from harness.errors import UsageError

DEFAULT_PINS = Path(__file__).with_name("pins.toml")
# In [frontends], "<package>-source" pins the sdist a package is compiled from when that differs
# from its release (uv-source: the newest uv this toolchain builds); other keys are packages.
SOURCE_SUFFIX = "-source"


@dataclass(frozen=True)
class Pins:
    # Keyed by package name, so a frontend plug-in finds its pin without a field of its own.
    frontends: Mapping[str, str]  # [frontends]: each frontend package's release ("pip": "26.3")
    sources: Mapping[str, str]  # [frontends] "<package>-source", keyed by package ("uv": "0.12.5")
    maturin: str
    setuptools_rust: str
    virtualenv: str
    build_requirements: dict[str, str]
    pyo3_versions: tuple[str, ...]
    path: Path
    digest: str

    def frontend_keys(self) -> list[str]:
        """The ``[frontends]`` keys as the file spells them."""
        return [*self.frontends, *(package + SOURCE_SUFFIX for package in self.sources)]

    def as_dict(self) -> dict[str, object]:
        # The shape results files have always recorded: [frontends] keys at the top level.
        return {
            "file": str(self.path),
            "sha256": self.digest,
            **self.frontends,
            **{package + SOURCE_SUFFIX: version for package, version in self.sources.items()},
            "maturin": self.maturin,
            "setuptools-rust": self.setuptools_rust,
            "virtualenv": self.virtualenv,
            "build-requirements": dict(self.build_requirements),
            "pyo3": list(self.pyo3_versions),
        }

    def wheelhouse_requirements(self) -> list[str]:
        reqs = {
            "maturin": self.maturin,
            "setuptools-rust": self.setuptools_rust,
            **self.build_requirements,
        }
        return [f"{name}=={version}" for name, version in sorted(reqs.items())]


PINS_ACCEPTED = (
    "accepted: a TOML file with the [frontends], [backends], [tools] and [pyo3] tables of harness/pins.toml"
)


def _frontend_table(table: object) -> tuple[Mapping[str, str], Mapping[str, str]]:
    """``[frontends]`` split into releases and source pins, both keyed by package."""
    if not isinstance(table, dict):
        raise TypeError(f"[frontends] is {table!r}, not a table")
    releases: dict[str, str] = {}
    sources: dict[str, str] = {}
    for key, version in table.items():
        if not isinstance(version, str):
            raise TypeError(f"[frontends] {key} = {version!r} is not a version string")
        if key.endswith(SOURCE_SUFFIX):
            sources[key.removesuffix(SOURCE_SUFFIX)] = version
        else:
            releases[key] = version
    return MappingProxyType(releases), MappingProxyType(sources)


def load_pins(path: Path = DEFAULT_PINS) -> Pins:
    try:
        raw = path.read_bytes()
        data = toml.loads(raw.decode())
        frontends, sources = _frontend_table(data["frontends"])
        backends = data["backends"]
        return Pins(
            frontends=frontends,
            sources=sources,
            maturin=backends["maturin"],
            setuptools_rust=backends["setuptools-rust"],
            virtualenv=data["tools"]["virtualenv"],
            build_requirements=dict(data.get("build-requirements", {})),
            pyo3_versions=tuple(data["pyo3"]["versions"]),
            path=path,
            digest=hashlib.sha256(raw).hexdigest(),
        )
    except OSError as exc:
        raise UsageError(f"--pins {path}: cannot read it ({exc.strerror or exc})") from None
    except (KeyError, TypeError, ValueError) as exc:
        # TOMLDecodeError and UnicodeDecodeError are ValueErrors.
        what = f"no {exc} entry" if isinstance(exc, KeyError) else str(exc)
        raise UsageError(f"--pins {path}: {what}; {PINS_ACCEPTED}") from None


def require_frontends(pins: Pins, keys: Iterable[str]) -> Pins:
    """``pins``, if its ``[frontends]`` has every key in ``keys`` (what the frontend registry
    needs: this module does not know the registry); else the error load_pins gives."""
    have = set(pins.frontend_keys())
    missing = [key for key in keys if key not in have]
    if missing:
        raise UsageError(f"--pins {pins.path}: no {missing[0]!r} entry in [frontends]; {PINS_ACCEPTED}")
    return pins
