"""Python environments the harness owns: one per installed tool, under the cache directory.

Nothing is ever installed into the environment the harness itself runs from.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path, PureWindowsPath
from typing import Any

from harness.errors import HarnessError, NoSpace, Unreachable
from harness.files import digest, locked, remove
from harness.install.cache import Cache
from harness.pins import Pins
from harness.process import run
from harness.venvs import executable

_PROBE = (
    "import json, sys, sysconfig; print(json.dumps({"
    "'executable': sys.executable,"
    "'base_executable': getattr(sys, '_base_executable', None),"
    "'prefix': sys.prefix,"
    "'base_prefix': sys.base_prefix,"
    "'platform': sys.platform,"
    "'version': '.'.join(map(str, sys.version_info[:3])),"
    "'implementation': sys.implementation.name,"
    "'ext_suffix': sysconfig.get_config_var('EXT_SUFFIX'),"
    "'gil_disabled': bool(sysconfig.get_config_var('Py_GIL_DISABLED')),"
    "}))"
)
# A macOS framework build's real binary, inside an app bundle the framework's bin/ stub execs:
# .../Python.framework/Versions/3.10/Resources/Python.app/Contents/MacOS/Python
_FRAMEWORK_APP = re.compile(
    r"(?P<versions>.+/Versions/(?P<version>\d+\.\d+))/Resources/Python(?P<t>T?)\.app/Contents/MacOS/Python(?P=t)"
)
MARKER = ".harness-env.json"


def _same_file_name(a: str, b: str, platform: str) -> bool:
    if platform == "win32":  # case-insensitive, and either separator
        return a.replace("/", "\\").lower() == b.replace("/", "\\").lower()
    return a == b


def base_executable(facts: Mapping[str, Any]) -> str:
    """The stable interpreter behind a (virtual) environment, from the probe's ``facts``.

    It is what ``PYO3_BASE_PYTHON`` names and what keys the harness's environments, so it must
    be the same path for every environment made from one installation.
    """
    platform, executable_ = str(facts["platform"]), str(facts["executable"])
    base = str(facts.get("base_executable") or executable_)
    if platform == "darwin":
        # Python 3.10's venvs report the framework's app-bundle binary; 3.11+ report the
        # bin/ stub (getpath: "that bundle is an implementation detail"). Use the stub always.
        bundled = _FRAMEWORK_APP.fullmatch(base)
        if bundled:
            suffix = "t" if bundled["t"] else ""
            return f"{bundled['versions']}/bin/python{bundled['version']}{suffix}"
    in_venv = facts.get("prefix") != facts.get("base_prefix")
    if platform == "win32" and in_venv and _same_file_name(base, executable_, platform):
        # An environment whose python.exe is a copy (no redirector) reports itself; the
        # installation keeps python.exe (python3.13t.exe when free-threaded) in its prefix.
        version = ".".join(str(facts.get("version", "")).split(".")[:2])
        name = f"python{version}t.exe" if facts.get("gil_disabled") else "python.exe"
        return str(PureWindowsPath(str(facts["base_prefix"])) / name)
    return base


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


def interpreter_from(facts: Mapping[str, Any]) -> Interpreter:
    return Interpreter(
        executable=str(facts["executable"]),
        base_executable=base_executable(facts),
        version=str(facts["version"]),
        implementation=str(facts["implementation"]),
        ext_suffix=str(facts["ext_suffix"] or ""),
        gil_disabled=bool(facts["gil_disabled"]),
    )


def probe(python: str | Path, env: Mapping[str, str]) -> Interpreter:
    """What ``python`` is; a HarnessError naming it if it does not run as a Python."""
    done = run([python, "-c", _PROBE], cwd=Path.cwd(), env=env, check=False)
    lines = done.output.strip().splitlines()
    try:
        return interpreter_from(json.loads(lines[-1]))
    except (IndexError, ValueError, KeyError, TypeError):
        said = f": {lines[-1][:200]}" if lines else " nothing"
        raise HarnessError(
            f"{python} did not run as a Python interpreter (exit {done.returncode}, it printed{said}); "
            "accepted: a CPython 3.10+ executable"
        ) from None


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
        return bool(json.loads((root / MARKER).read_text(encoding="utf-8")) == expected)
    except (OSError, json.JSONDecodeError):
        return False


def _broken(root: Path, env: Mapping[str, str]) -> str | None:
    """Why a finished environment cannot be used any more (its interpreter was deleted, or the
    base interpreter it links to is gone), or None when its python runs."""
    python = executable(root, "python")
    done = run([python, "-c", "import sys"], cwd=root, env=env, check=False)
    if done.returncode == 0:
        return None
    said = done.output.strip().splitlines()
    return f"its python {python} does not run (exit {done.returncode}{': ' + said[-1][:200] if said else ''})"


def ensure_env(
    cache: Cache,
    name: str,
    requirements: list[str],
    *,
    interpreter: Interpreter,
    env: Mapping[str, str],
    creator: Path | None,
    refresh: bool = False,
    root: Path | None = None,
) -> PythonEnv:
    """An environment with exactly ``requirements`` installed, made once and reused.

    ``creator`` is a virtualenv executable; None uses the stdlib ``venv`` (only for the
    bootstrap environment that holds virtualenv itself). ``root`` puts it somewhere private
    instead of the shared cache (for an environment that is remade and changed every time).
    """
    root = root or cache.envs / f"{name}-{interpreter.key}"
    expected = {"requirements": requirements, "interpreter": interpreter.base_executable}
    pip_env = {**env, "PIP_CACHE_DIR": str(cache.pip_cache), "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    with locked(root):
        fresh = not refresh and _is_complete(root, expected)
        broken = _broken(root, env) if fresh else None
        if broken:
            print(f"pyo3-harness: making {root} again: {broken}", file=sys.stderr, flush=True)
        if not fresh or broken:
            remove(root)
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
            except NoSpace:
                raise  # the run stops for it, named as what it is
            except Unreachable as exc:
                remove(root)  # nothing half-made left behind
                raise Unreachable(f"could not install {', '.join(requirements)} into {root}: {exc}") from exc
            except HarnessError as exc:
                raise HarnessError(
                    f"could not install {', '.join(requirements)} into {root}:\n{exc}"
                ) from exc
            (root / MARKER).write_text(json.dumps(expected), encoding="utf-8")
    return PythonEnv(root=root, requirements=tuple(requirements))


def ensure_tools(
    cache: Cache, pins: Pins, *, interpreter: Interpreter, env: Mapping[str, str], refresh: bool
) -> PythonEnv:
    """The harness's own helpers: virtualenv (makes every other env) and uv (checks wheels)."""
    return ensure_env(
        cache,
        "tools",
        [f"virtualenv=={pins.virtualenv}", f"uv=={pins.frontends['uv']}"],
        interpreter=interpreter,
        env=env,
        creator=None,
        refresh=refresh,
    )
