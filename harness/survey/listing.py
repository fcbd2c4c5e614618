"""The survey list (``harness/survey/projects.toml``): the pyo3 projects the survey measures.

The file says how the list was chosen and what each field means; here it is read into records
and checked, so a misspelt or missing field is bad input before any build starts.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from harness import _toml as toml
from harness.errors import UsageError

LIST = Path(__file__).with_name("projects.toml")
Backend = Literal["maturin", "setuptools-rust"]
_BACKENDS: tuple[Backend, ...] = ("maturin", "setuptools-rust")


@dataclass(frozen=True)
class SurveyProject:
    spec: str  # NAME==VERSION, what `run --project` takes
    sha256: str  # of the sdist
    rank: int  # in the download ranking the list was chosen from
    backend: Backend
    binding: str  # "pyo3" or "pyo3-ffi"
    pyo3: str  # the version its Cargo.lock pins ("" when it has none)
    abi3: bool
    workspace: bool
    crates: int
    sdist_mb: float
    needs: tuple[str, ...]  # what a build needs beyond Rust, a C compiler, PyPI and crates.io
    why: str

    @property
    def name(self) -> str:
        return self.spec.split("==", 1)[0]

    @property
    def pyo3_line(self) -> str:
        """``0.29`` for 0.29.2: patch series are kept per release line."""
        return ".".join(self.pyo3.split(".")[:2])


_REQUIRED = {"spec": str, "sha256": str, "rank": int, "backend": str, "binding": str, "pyo3": str}


def _project(entry: dict[str, object], where: str) -> SurveyProject:
    for key, kind in _REQUIRED.items():
        if not isinstance(entry.get(key), kind):
            raise UsageError(f"{where}: `{key}` is missing or not a {kind.__name__}")
    backend = entry["backend"]
    if backend not in _BACKENDS:
        raise UsageError(f"{where}: backend {backend!r}; accepted: {', '.join(_BACKENDS)}")
    spec = str(entry["spec"])
    if spec.count("==") != 1:
        raise UsageError(f"{where}: spec {spec!r}; accepted: NAME==VERSION")
    return SurveyProject(
        spec=spec,
        sha256=str(entry["sha256"]),
        rank=int(str(entry["rank"])),
        backend="maturin" if backend == "maturin" else "setuptools-rust",
        binding=str(entry["binding"]),
        pyo3=str(entry["pyo3"]),
        abi3=bool(entry.get("abi3", False)),
        workspace=bool(entry.get("workspace", False)),
        crates=int(str(entry.get("crates", 0))),
        sdist_mb=float(str(entry.get("sdist_mb", 0.0))),
        needs=tuple(str(n) for n in _listed(entry.get("needs"))),
        why=str(entry.get("why", "")),
    )


def _listed(value: object) -> list[object]:
    return list(value) if isinstance(value, list) else []


def load_list(path: Path = LIST) -> list[SurveyProject]:
    try:
        data = toml.loads(path.read_text(encoding="utf-8"))
    except (OSError, toml.TOMLDecodeError) as exc:
        raise UsageError(f"--list {path}: {exc}; accepted: a TOML file of [[project]] tables") from None
    entries = data.get("project")
    if not isinstance(entries, list) or not entries:
        raise UsageError(f"--list {path}: no [[project]] tables; accepted: a TOML file of [[project]] tables")
    projects = [_project(e, f"{path}, project {i + 1}") for i, e in enumerate(entries)]
    names = [p.name for p in projects]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise UsageError(f"--list {path}: listed twice: {', '.join(twice)}; accepted: each project once")
    return projects
