"""The pins file: exact versions of everything the harness installs or builds against."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from harness import _toml as toml
from harness.errors import UsageError

DEFAULT_PINS = Path(__file__).with_name("pins.toml")


@dataclass(frozen=True)
class Pins:
    pip: str
    build: str
    uv: str
    uv_source: str
    maturin: str
    setuptools_rust: str
    virtualenv: str
    build_requirements: dict[str, str]
    pyo3_versions: tuple[str, ...]
    path: Path
    digest: str

    def as_dict(self) -> dict[str, object]:
        return {
            "file": str(self.path),
            "sha256": self.digest,
            "pip": self.pip,
            "build": self.build,
            "uv": self.uv,
            "uv-source": self.uv_source,
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


def load_pins(path: Path = DEFAULT_PINS) -> Pins:
    try:
        raw = path.read_bytes()
        data = toml.loads(raw.decode())
        frontends, backends = data["frontends"], data["backends"]
        return Pins(
            pip=frontends["pip"],
            build=frontends["build"],
            uv=frontends["uv"],
            uv_source=frontends["uv-source"],
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
