"""PEP 517 frontends as plug-ins: what to install for each one and how to ask it for a wheel.

To add a frontend, subclass ``Frontend`` and add an instance to ``FRONTENDS``. A plug-in says
how to run it, and, as data (``Delivery``), how builds of its package are made; which build a
run measures (the pin, a patched sdist, a checkout, a binary) is decided once, from that data,
by ``harness.install.delivery.decide``, and carried out by ``harness.install.provision``.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Literal

from harness.install.envs import Interpreter, PythonEnv
from harness.model.scenarios import Scenario
from harness.pins import SOURCE_SUFFIX, Pins
from harness.venvs import executable


@dataclass(frozen=True)
class Installed:
    """A frontend ready to run: its plug-in, version, environment and provenance."""

    frontend: Frontend
    version: str
    env: PythonEnv  # runs the frontend (pip, build) or is the interpreter handed to it (uv)
    source: str  # where it came from, in words: "PyPI pip==26.3", "pip 26.3 sdist + patches ..."
    interpreter: Interpreter  # the environment's python, as it describes itself
    tool: Path | None = None  # a frontend binary used instead of the environment's (uv)
    patch_digest: str | None = None


@dataclass(frozen=True)
class Invocation:
    """A build command as data: what to run and the variables it needs on top of the base env."""

    argv: list[str]
    env: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class BuildPaths:
    source: Path  # a project directory, or an sdist file when ``BuildOptions.sdist`` is set
    outdir: Path
    wheelhouse: Path
    uv_cache: Path
    # Where a frontend that installs (``Frontend.installs``) puts the project: a venv the
    # engine made on the frontend's interpreter, reused by every scenario of the cell.
    target_env: Path | None = None


@dataclass(frozen=True)
class BuildOptions:
    """How a strategy asks for the build; each frontend spells it in its own flags."""

    isolated: bool = True
    # Build through an sdist: from the directory (build, uv) or from a made sdist file (pip).
    sdist: bool = False
    env_dir: Path | None = None  # a fixed isolated-environment path (build --env-dir)
    uv_config: Path | None = None  # a uv.toml (uv --config-file)


SourceBuild = Literal["pip-installed", "compiled"]


@dataclass(frozen=True)
class Delivery:
    """How builds of a frontend package reach a run: data, so that no code names a package.

    A release (its pin, or ``NAME==VERSION``) is always pip-installed from PyPI. A source tree
    (our patched sdist, a ``from_source`` stock build, the user's ``NAME@PATH`` checkout) is
    ``pip-installed`` from the tree, or ``compiled`` here by the build recipe beside the
    package's series (``patches/<package>/<source pin>/build.toml``, ``install/recipes.py``)
    into an executable named after the package. A compiled package's sdist is its source pin
    (``<package>-source`` in pins.toml: the newest release this toolchain can build), not its
    release pin.
    """

    source_build: SourceBuild = "pip-installed"
    # The user may name an executable of the package to measure (``NAME=PATH``).
    takes_binary: bool = False

    @property
    def compiled(self) -> bool:
        return self.source_build == "compiled"

    def sdist_version(self, package: str, pins: Pins) -> str:
        """The release whose sdist its source builds (patched or ``from_source``) start from."""
        return pins.sources[package] if self.compiled else pins.frontends[package]


PIP_INSTALLED = Delivery()


class Frontend(ABC):
    name: str = ""
    package: str = ""  # the PyPI distribution that provides it
    description: str = ""
    # Whether scenarios that need a second frontend environment (``needs_other_venv``) apply.
    other_venv: bool = False
    # How builds of its package are made; every frontend of one package shares it.
    delivery: Delivery = PIP_INSTALLED
    # Built from the pinned sdist even when stock (a like-for-like baseline for a patched build).
    from_source: bool = False
    # Builds through an sdist only from an sdist file (pip); others make the sdist themselves.
    builds_sdist_file: bool = False
    # Installs the project into ``BuildPaths.target_env`` (pip install, uv sync) instead of
    # writing a wheel: the check imports it there, and re-running the command is the edit loop.
    installs: bool = False

    def applies(self, scenario: Scenario) -> bool:
        """Whether the scenario means anything through this frontend."""
        if scenario.needs_other_venv and not self.other_venv:
            return False
        # An installing frontend has no wheel to tag for another interpreter.
        return not ((scenario.sdist or scenario.targets_second_python) and self.installs)

    def prepare_source(self, source: Path) -> None:  # noqa: B027 (a hook: most frontends need nothing)
        """Configure the work copy the way this frontend's users configure their projects."""

    def version(self, pins: Pins) -> str:
        """The version measured when the user names none."""
        if self.from_source:
            return self.delivery.sdist_version(self.package, pins)
        return pins.frontends[self.package]

    def extra_requirements(self, pins: Pins) -> list[str]:
        """What the frontend needs besides its own package."""
        return []

    def requirements(self, pins: Pins, own: str | None = None) -> list[str]:
        """``own`` replaces the pinned requirement on the frontend itself (a version, a path)."""
        return [own or f"{self.package}=={self.version(pins)}", *self.extra_requirements(pins)]

    def unsupported(self, options: BuildOptions) -> str | None:
        """Why this frontend cannot express ``options`` (None when it can)."""
        return None

    @abstractmethod
    def invocation(self, installed: Installed, paths: BuildPaths, options: BuildOptions) -> Invocation:
        """The build command for options the frontend supports."""


class Pip(Frontend):
    name = "pip"
    package = "pip"
    description = "pip wheel, default isolation (an overlay on pip's own interpreter)"
    other_venv = True
    builds_sdist_file = True
    features: tuple[str, ...] = ()

    def unsupported(self, options: BuildOptions) -> str | None:
        if options.env_dir or options.uv_config:
            return "pip has no fixed build-environment path and reads no uv settings"
        if not options.isolated and self.features:
            return "without isolation pip-venv is plain pip --no-build-isolation (the pip row)"
        return None

    def invocation(self, installed: Installed, paths: BuildPaths, options: BuildOptions) -> Invocation:
        argv = [str(installed.env.python), "-m", "pip", "wheel", "--no-deps", "--no-index"]
        argv += ["--find-links", str(paths.wheelhouse), "--wheel-dir", str(paths.outdir)]
        argv += [] if options.isolated else ["--no-build-isolation"]
        # -v: without it pip hides the backend's (and so cargo's) output from the log.
        argv += [f"--use-feature={f}" for f in self.features] + ["-v", str(paths.source)]
        return Invocation(argv=argv)


class PipVenv(Pip):
    name = "pip-venv"
    description = "pip wheel --use-feature=venv-isolation (a real venv per build)"
    other_venv = False
    features = ("venv-isolation",)


class Build(Frontend):
    name = "build"
    package = "build"
    description = "python -m build --wheel (a venv per build)"

    def extra_requirements(self, pins: Pins) -> list[str]:
        # build installs requirements with the outer pip, so pin that too.
        return [f"pip=={pins.frontends['pip']}"]

    def unsupported(self, options: BuildOptions) -> str | None:
        return "build reads no uv settings" if options.uv_config else None

    def invocation(self, installed: Installed, paths: BuildPaths, options: BuildOptions) -> Invocation:
        # Without --wheel, build makes the sdist and builds the wheel from it unpacked.
        argv = [str(installed.env.python), "-m", "build", "--outdir", str(paths.outdir)]
        argv += [] if options.sdist else ["--wheel"]
        argv += [] if options.isolated else ["--no-isolation"]
        argv += ["--env-dir", str(options.env_dir)] if options.env_dir else []
        env = {"PIP_NO_INDEX": "1", "PIP_FIND_LINKS": str(paths.wheelhouse)}
        return Invocation(argv=[*argv, str(paths.source)], env=env)


class Uv(Frontend):
    name = "uv"
    package = "uv"
    # The released wheel from PyPI; compiled from the sdist of `uv-source`; or the user's binary.
    delivery = Delivery(source_build="compiled", takes_binary=True)
    description = "uv build --wheel (a venv per build in uv's cache); stock is the released wheel"

    def unsupported(self, options: BuildOptions) -> str | None:
        return "uv has no fixed build-environment path" if options.env_dir else None

    def invocation(self, installed: Installed, paths: BuildPaths, options: BuildOptions) -> Invocation:
        uv = installed.tool or installed.env.script("uv")
        # Without --wheel, uv builds the sdist and the wheel from it unpacked in its cache.
        argv = [str(uv), "build", *([] if options.sdist else ["--wheel"]), "--no-progress"]
        # A given config file replaces discovery; otherwise discover nothing (no user settings).
        argv += ["--config-file", str(options.uv_config)] if options.uv_config else ["--no-config"]
        argv += [] if options.isolated else ["--no-build-isolation"]
        argv += ["--out-dir", str(paths.outdir), "--python", str(installed.env.python)]
        argv += ["--no-index", "--find-links", str(paths.wheelhouse), str(paths.source)]
        return Invocation(argv=argv, env={"UV_CACHE_DIR": str(paths.uv_cache)})


class UvSource(Uv):
    name = "uv-source"
    description = "uv build --wheel, uv built here from the pinned sdist (the newest rustc 1.95 can build)"
    from_source = True


_NO_ISOLATION = (
    "an installing frontend without isolation runs the backend in the target environment, "
    "which holds no build requirements"
)


def _target_python(paths: BuildPaths) -> str:
    if paths.target_env is None:
        raise ValueError("an installing frontend needs BuildPaths.target_env")
    return str(executable(paths.target_env, "python"))


class PipInstall(Pip):
    name = "pip-install"
    description = "pip install . into a venv (default isolation): the install path"
    other_venv = False
    builds_sdist_file = False
    installs = True
    editable = False

    def unsupported(self, options: BuildOptions) -> str | None:
        return _NO_ISOLATION if not options.isolated else super().unsupported(options)

    def invocation(self, installed: Installed, paths: BuildPaths, options: BuildOptions) -> Invocation:
        # --python: pip (this one, patched or not) installs into the target environment.
        argv = [str(installed.env.python), "-m", "pip", "--python", _target_python(paths), "install"]
        argv += ["--no-index", "--find-links", str(paths.wheelhouse)]
        argv += [f"--use-feature={f}" for f in self.features] + ["-v"]
        return Invocation(argv=[*argv, *(["-e"] if self.editable else []), str(paths.source)])


class PipInstallEditable(PipInstall):
    name = "pip-install-e"
    description = "pip install -e . into a venv (default isolation): the edit loop"
    editable = True


class PipVenvInstall(PipInstall):
    name = "pip-venv-install"
    description = "pip install . --use-feature=venv-isolation into a venv: the install path"
    features = ("venv-isolation",)


class PipVenvInstallEditable(PipVenvInstall):
    name = "pip-venv-install-e"
    description = "pip install -e . --use-feature=venv-isolation into a venv: the edit loop"
    editable = True


class UvPipInstallEditable(Uv):
    name = "uv-pip-install-e"
    description = "uv pip install -e . into a venv: the edit loop"
    installs = True

    def unsupported(self, options: BuildOptions) -> str | None:
        return _NO_ISOLATION if not options.isolated else super().unsupported(options)

    def invocation(self, installed: Installed, paths: BuildPaths, options: BuildOptions) -> Invocation:
        uv = installed.tool or installed.env.script("uv")
        # -v: without it uv keeps the backend's (and so cargo's) output out of the log.
        argv = [str(uv), "pip", "install", "-v", "--no-progress"]
        argv += ["--config-file", str(options.uv_config)] if options.uv_config else ["--no-config"]
        argv += ["--python", _target_python(paths), "--no-index", "--find-links", str(paths.wheelhouse)]
        return Invocation(argv=[*argv, "-e", str(paths.source)], env={"UV_CACHE_DIR": str(paths.uv_cache)})


# Cache keys that make `uv sync` rebuild a maturin project when any of its Rust sources or
# manifests change (without them uv reinstalls nothing after an edit of a .rs file).
UV_CACHE_KEYS = 'cache-keys = [{ file = "pyproject.toml" }, { file = "**/Cargo.toml" }, { file = "**/*.rs" }]'


class UvSync(Uv):
    name = "uv-sync"
    description = "uv sync, with tool.uv cache-keys on pyproject.toml, Cargo.toml, *.rs: the edit loop"
    installs = True

    def unsupported(self, options: BuildOptions) -> str | None:
        return _NO_ISOLATION if not options.isolated else super().unsupported(options)

    def prepare_source(self, source: Path) -> None:
        pyproject = source / "pyproject.toml"
        text = pyproject.read_text(encoding="utf-8")
        if "cache-keys" in text:
            return  # the project configured its own
        if "[tool.uv]\n" in text:
            text = text.replace("[tool.uv]\n", f"[tool.uv]\n{UV_CACHE_KEYS}\n", 1)
        else:
            text = text.rstrip("\n") + f"\n\n[tool.uv]\n{UV_CACHE_KEYS}\n"
        pyproject.write_text(text, encoding="utf-8")

    def invocation(self, installed: Installed, paths: BuildPaths, options: BuildOptions) -> Invocation:
        uv = installed.tool or installed.env.script("uv")
        argv = [str(uv), "sync", "-v", "--no-progress"]  # -v: the backend's output, as above
        argv += ["--config-file", str(options.uv_config)] if options.uv_config else ["--no-config"]
        argv += ["--project", str(paths.source), "--python", str(installed.env.python)]
        argv += ["--no-index", "--find-links", str(paths.wheelhouse)]
        env = {"UV_CACHE_DIR": str(paths.uv_cache), "UV_PROJECT_ENVIRONMENT": str(paths.target_env)}
        return Invocation(argv=argv, env=env)


FRONTENDS: Mapping[str, Frontend] = MappingProxyType(
    {
        f.name: f
        for f in (
            Pip(),
            PipVenv(),
            Build(),
            Uv(),
            UvSource(),
            PipInstall(),
            PipInstallEditable(),
            PipVenvInstall(),
            PipVenvInstallEditable(),
            UvPipInstallEditable(),
            UvSync(),
        )
    }
)
DEFAULT_FRONTENDS = ("pip", "pip-venv", "build", "uv")


def needed_pins(frontends: Iterable[Frontend]) -> list[str]:
    """The ``[frontends]`` keys of the pins file these plug-ins read: each package's release,
    and the source pin of each package compiled from its own sdist."""
    plugins = list(frontends)
    keys = [f.package for f in plugins]
    keys += [f.package + SOURCE_SUFFIX for f in plugins if f.delivery.compiled]
    return list(dict.fromkeys(keys))
