"""Which build of a frontend to measure, as the user names it: ``NAME``, ``NAME==VERSION`` (a
PyPI release), ``NAME@PATH`` (a source checkout) or ``NAME=PATH`` (a binary, for the packages
whose ``Delivery`` takes one: uv), checked when it is parsed, before any work starts."""

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
    ``NAME=PATH`` (a binary): which build of a frontend to measure."""

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


# The packages whose delivery takes the user's binary, in registry order.
BINARY_PACKAGES = tuple(dict.fromkeys(f.package for f in FRONTENDS.values() if f.delivery.takes_binary))
BINARY_FORMS = ", ".join(f"{package}=PATH" for package in BINARY_PACKAGES)
ACCEPTED_FORMS = f"NAME, NAME==VERSION, NAME@PATH (source checkout), {BINARY_FORMS} (binary)"


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
        return FrontendSpec(name, binary=_binary(text, FRONTENDS[name], Path(rest).expanduser().resolve()))
    return FrontendSpec(name)


def _binary(text: str, plugin: Frontend, path: Path) -> Path:
    """``path``, if the plug-in's delivery takes a binary and ``path`` is one of its package:
    an executable that names the package first when asked ``--version`` (``uv 0.13.9``)."""
    if not plugin.delivery.takes_binary:
        takes = f"{', '.join(BINARY_PACKAGES)} take{'s' if len(BINARY_PACKAGES) == 1 else ''}"
        which = f"only {takes} a binary ({BINARY_FORMS})" if BINARY_PACKAGES else "no frontend takes a binary"
        raise UsageError(f"--frontend {text}: {which}; use {plugin.name}@PATH")
    wanted = f"a {plugin.package} binary"
    if not path.is_file():
        raise UsageError(f"--frontend {text}: {path} is not a file ({wanted})")
    if not os.access(path, os.X_OK):
        raise UsageError(f"--frontend {text}: {path} is not executable; accepted: {wanted}")
    said = run([path, "--version"], cwd=path.parent, env=clean_environment(os.environ), check=False)
    if said.returncode != 0 or said.output.split()[:1] != [plugin.package]:
        shown = (said.output.strip().splitlines() or ["nothing"])[0][:80]
        raise UsageError(f"--frontend {text}: {path} --version said {shown!r}; accepted: {wanted}")
    return path
