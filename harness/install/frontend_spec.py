"""Which build of a frontend to measure, as the user names it: ``NAME``, ``NAME==VERSION`` (a
PyPI release), ``NAME@PATH`` (a source checkout) or ``uv=PATH`` (a uv binary), checked when it
is parsed, before any work starts."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from packaging.version import InvalidVersion, Version

from harness.errors import UsageError, unknown_name
from harness.install.frontends import FRONTENDS, Frontend
from harness.process import clean_environment, run


@dataclass(frozen=True)
class FrontendSpec:
    """``NAME``, ``NAME==VERSION`` (a PyPI release), ``NAME@PATH`` (a source checkout) or
    ``uv=PATH`` (a uv binary): which build of a frontend to measure."""

    name: str
    version: str | None = None
    source: Path | None = None
    binary: Path | None = None

    @property
    def plugin(self) -> Frontend:
        return FRONTENDS[self.name]

    @property
    def overridden(self) -> bool:
        """Whether the user named the build to measure (then strategies do not patch it)."""
        return bool(self.version or self.source or self.binary)

    def __str__(self) -> str:
        if self.version:
            return f"{self.name}=={self.version}"
        if self.source:
            return f"{self.name}@{self.source}"
        if self.binary:
            return f"{self.name}={self.binary}"
        return self.name


ACCEPTED_FORMS = "NAME, NAME==VERSION, NAME@PATH (source checkout), uv=PATH (binary)"


def parse_frontend(text: str) -> FrontendSpec:
    for sep in ("==", "@", "="):
        name, found, rest = text.partition(sep)
        if found:
            break
    else:
        name, rest = text, ""
    if name not in FRONTENDS:
        raise unknown_name("frontend", name, list(FRONTENDS))
    if found and not rest:
        raise UsageError(f"--frontend {text}: nothing after {found!r}; accepted forms: {ACCEPTED_FORMS}")
    if found == "==":
        try:
            Version(rest)
        except InvalidVersion:
            raise UsageError(
                f"--frontend {text}: {rest!r} is not a version; accepted: a PEP 440 version, "
                f"e.g. {name}==1.2.3"
            ) from None
        return FrontendSpec(name, version=rest)
    if found == "@":
        path = Path(rest).expanduser().resolve()
        if not path.is_dir():
            raise UsageError(f"--frontend {text}: {path} is not a directory (a source checkout)")
        return FrontendSpec(name, source=path)
    if found == "=":
        path = Path(rest).expanduser().resolve()
        if FRONTENDS[name].package != "uv":
            raise UsageError(f"--frontend {text}: only uv takes a binary (uv=PATH); use {name}@PATH")
        if not path.is_file():
            raise UsageError(f"--frontend {text}: {path} is not a file (a uv binary)")
        if not os.access(path, os.X_OK):
            raise UsageError(f"--frontend {text}: {path} is not executable; accepted: a uv binary")
        said = run([path, "--version"], cwd=path.parent, env=clean_environment(os.environ), check=False)
        if said.returncode != 0 or said.output.split()[:1] != ["uv"]:
            shown = (said.output.strip().splitlines() or ["nothing"])[0][:80]
            raise UsageError(f"--frontend {text}: {path} --version said {shown!r}; accepted: a uv binary")
        return FrontendSpec(name, binary=path)
    return FrontendSpec(name)
