"""PEP 517 frontends as plug-ins: how to install each one and how to ask it for a wheel.

To add a frontend, subclass ``Frontend`` and add an instance to ``FRONTENDS``.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

from harness.install.envs import Interpreter, PythonEnv
from harness.pins import Pins


@dataclass(frozen=True)
class Installed:
    """A frontend ready to run: its plug-in, version and the environment it lives in."""

    frontend: Frontend
    version: str
    env: PythonEnv
    source: str  # where it came from, e.g. "PyPI pip==26.3"
    interpreter: Interpreter  # the environment's python, as it describes itself


@dataclass(frozen=True)
class Invocation:
    """A build command as data: what to run and the variables it needs on top of the base env."""

    argv: list[str]
    env: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class BuildPaths:
    source: Path
    outdir: Path
    wheelhouse: Path
    uv_cache: Path


class Frontend(ABC):
    name: str = ""
    tool: str = ""
    description: str = ""
    # Where the backend hook's interpreter lives, for the report.
    hook_python: str = ""
    # Whether the "other-venv" scenario (same frontend from a second environment) applies.
    other_venv: bool = False

    @abstractmethod
    def version(self, pins: Pins) -> str: ...

    @abstractmethod
    def requirements(self, pins: Pins) -> list[str]: ...

    def env_name(self, pins: Pins) -> str:
        """Frontends that share a tool and version share one environment."""
        return f"{self.tool}-{self.version(pins)}"

    @abstractmethod
    def invocation(self, installed: Installed, paths: BuildPaths) -> Invocation: ...


class Pip(Frontend):
    name = "pip"
    tool = "pip"
    description = "pip wheel, default isolation (an overlay on pip's own interpreter)"
    hook_python = "pip's own sys.executable; stable while pip's environment is"
    other_venv = True
    features: tuple[str, ...] = ()

    def version(self, pins: Pins) -> str:
        return pins.pip

    def requirements(self, pins: Pins) -> list[str]:
        return [f"pip=={pins.pip}"]

    def invocation(self, installed: Installed, paths: BuildPaths) -> Invocation:
        argv = [str(installed.env.python), "-m", "pip", "wheel", "--no-deps", "--no-index"]
        argv += ["--find-links", str(paths.wheelhouse), "--wheel-dir", str(paths.outdir)]
        # -v: without it pip hides the backend's (and so cargo's) output from the log.
        argv += [f"--use-feature={f}" for f in self.features] + ["-v", str(paths.source)]
        return Invocation(argv=argv)


class PipVenv(Pip):
    name = "pip-venv"
    description = "pip wheel --use-feature=venv-isolation (a real venv per build)"
    hook_python = "a venv in a temporary pip-build-env-* directory"
    other_venv = False
    features = ("venv-isolation",)


class Build(Frontend):
    name = "build"
    tool = "build"
    description = "python -m build --wheel (a venv per build)"
    hook_python = "a venv in a temporary build-env-* directory"

    def version(self, pins: Pins) -> str:
        return pins.build

    def requirements(self, pins: Pins) -> list[str]:
        # build installs requirements with the outer pip, so pin that too.
        return [f"build=={pins.build}", f"pip=={pins.pip}"]

    def invocation(self, installed: Installed, paths: BuildPaths) -> Invocation:
        argv = [str(installed.env.python), "-m", "build", "--wheel", "--outdir", str(paths.outdir)]
        env = {"PIP_NO_INDEX": "1", "PIP_FIND_LINKS": str(paths.wheelhouse)}
        return Invocation(argv=[*argv, str(paths.source)], env=env)


class Uv(Frontend):
    name = "uv"
    tool = "uv"
    description = "uv build --wheel (a venv per build in uv's cache)"
    hook_python = "a venv in <uv cache>/builds-v0/.tmpXXXXXX"

    def version(self, pins: Pins) -> str:
        return pins.uv

    def requirements(self, pins: Pins) -> list[str]:
        return [f"uv=={pins.uv}"]

    def invocation(self, installed: Installed, paths: BuildPaths) -> Invocation:
        argv = [str(installed.env.script("uv")), "build", "--wheel", "--no-config", "--no-progress"]
        argv += ["--out-dir", str(paths.outdir), "--python", str(installed.env.python)]
        argv += ["--no-index", "--find-links", str(paths.wheelhouse), str(paths.source)]
        return Invocation(argv=argv, env={"UV_CACHE_DIR": str(paths.uv_cache)})


FRONTENDS: Mapping[str, Frontend] = MappingProxyType({f.name: f for f in (Pip(), PipVenv(), Build(), Uv())})
