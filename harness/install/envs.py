"""Python environments the harness owns: one per installed tool, under the cache directory.

Nothing is ever installed into the environment the harness itself runs from.
"""

from __future__ import annotations

import json
import shutil
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from harness.errors import HarnessError
from harness.install.cache import Cache, digest, locked
from harness.pins import Pins
from harness.process import run

_PROBE = (
    "import json, sys, sysconfig; print(json.dumps({"
    "'executable': sys.executable,"
    "'base_executable': getattr(sys, '_base_executable', sys.executable),"
    "'version': '.'.join(map(str, sys.version_info[:3])),"
    "'implementation': sys.implementation.name,"
    "'ext_suffix': sysconfig.get_config_var('EXT_SUFFIX'),"
    "'gil_disabled': bool(sysconfig.get_config_var('Py_GIL_DISABLED')),"
    "}))"
)
MARKER = ".harness-env.json"


def bin_dir(root: Path) -> Path:
    return root / ("Scripts" if sys.platform == "win32" else "bin")


def executable(root: Path, name: str) -> Path:
    return bin_dir(root) / (f"{name}.exe" if sys.platform == "win32" else name)


@dataclass(frozen=True)
class Interpreter:
    """A Python interpreter as it describes itself."""

    executable: str
    base_executable: str
    version: str
    implementation: str
    ext_suffix: str
    gil_disabled: bool

    @property
    def key(self) -> str:
        """Identifies the base interpreter, so envs made from different ones never mix."""
        short = "".join(self.version.split(".")[:2]) + ("t" if self.gil_disabled else "")
        return f"{self.implementation}{short}-{digest(self.base_executable, self.version)}"


def probe(python: str | Path, env: Mapping[str, str]) -> Interpreter:
    out = run([python, "-c", _PROBE], cwd=Path.cwd(), env=env).output
    return Interpreter(**json.loads(out.strip().splitlines()[-1]))


@dataclass(frozen=True)
class PythonEnv:
    root: Path
    requirements: tuple[str, ...]

    @property
    def python(self) -> Path:
        return executable(self.root, "python")

    def script(self, name: str) -> Path:
        return executable(self.root, name)


def _is_complete(root: Path, expected: Mapping[str, object]) -> bool:
    try:
        return bool(json.loads((root / MARKER).read_text()) == expected)
    except (OSError, json.JSONDecodeError):
        return False


def ensure_env(
    cache: Cache,
    name: str,
    requirements: list[str],
    *,
    interpreter: Interpreter,
    env: Mapping[str, str],
    creator: Path | None,
    refresh: bool = False,
) -> PythonEnv:
    """An environment with exactly ``requirements`` installed, made once and reused.

    ``creator`` is a virtualenv executable; None uses the stdlib ``venv`` (only for the
    bootstrap environment that holds virtualenv itself).
    """
    root = cache.envs / f"{name}-{interpreter.key}"
    expected = {"requirements": requirements, "interpreter": interpreter.base_executable}
    pip_env = {**env, "PIP_CACHE_DIR": str(cache.pip_cache), "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    with locked(root):
        if refresh or not _is_complete(root, expected):
            shutil.rmtree(root, ignore_errors=True)
            make: list[str | Path]
            if creator is None:
                make = [interpreter.executable, "-m", "venv", root]
            else:
                make = [creator, "--no-periodic-update", "--app-data", cache.root / "virtualenv-data"]
                make += ["-p", interpreter.executable, root]
            run(make, cwd=cache.root, env=pip_env)
            python = executable(root, "python")
            try:
                if requirements:
                    install: list[str | Path] = [python, "-m", "pip", "install", "--no-input", *requirements]
                    run(install, cwd=cache.root, env=pip_env)
            except HarnessError as exc:
                raise HarnessError(
                    f"could not install {', '.join(requirements)} into {root}:\n{exc}"
                ) from exc
            (root / MARKER).write_text(json.dumps(expected))
    return PythonEnv(root=root, requirements=tuple(requirements))


def ensure_tools(
    cache: Cache, pins: Pins, *, interpreter: Interpreter, env: Mapping[str, str], refresh: bool
) -> PythonEnv:
    """The harness's own helpers: virtualenv (makes every other env) and uv (checks wheels)."""
    return ensure_env(
        cache,
        "tools",
        [f"virtualenv=={pins.virtualenv}", f"uv=={pins.uv}"],
        interpreter=interpreter,
        env=env,
        creator=None,
        refresh=refresh,
    )
