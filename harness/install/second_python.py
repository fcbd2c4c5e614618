"""A second base interpreter for the stale-cache check (the scenario with ``switch_python``).

A build cached for one interpreter must not be reused for another. To test that, the harness
rebuilds with the frontend running on a different base interpreter: the one ``--switch-python``
names (a path, or a version such as ``3.13`` or ``3.14t`` found on this machine), else the first
candidate below whose base executable differs from the one in use; on Debian, the system
``python3`` is installed with apt-get when nothing else is found and the harness runs as root.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Mapping
from pathlib import Path

from harness.errors import HarnessError, UsageError
from harness.install.envs import Interpreter, probe
from harness.model.scenarios import SWITCHING
from harness.process import run

CANDIDATES = ("/usr/bin/python3", "/usr/local/bin/python3", "python3.13", "python3.12", "python3.11")
# A version as --switch-python takes it: MAJOR.MINOR, with a "t" for a free-threaded build.
VERSION = re.compile(r"^(?P<version>3\.\d+)(?P<t>t?)$")
ACCEPTED = "a path to a python, or an installed CPython version such as 3.13 or 3.14t"


def _same(a: Interpreter, b: Interpreter) -> bool:
    return os.path.realpath(a.base_executable) == os.path.realpath(b.base_executable)


def _candidates(env: Mapping[str, str]) -> list[str]:
    found = []
    for name in CANDIDATES:
        path = name if os.path.isabs(name) else shutil.which(name, path=env.get("PATH"))
        if path and Path(path).exists():
            found.append(path)
    return found


def _apt_install(env: Mapping[str, str], log: Path) -> bool:
    if shutil.which("apt-get", path=env.get("PATH")) is None or os.geteuid() != 0:
        return False
    apt_env = {**env, "DEBIAN_FRONTEND": "noninteractive"}
    run(["apt-get", "update"], cwd=Path("/"), env=apt_env, log=log, check=False)
    done = run(["apt-get", "install", "-y", "python3"], cwd=Path("/"), env=apt_env, log=log, check=False)
    return done.returncode == 0


def version_candidates(version: str, free_threaded: bool, env: Mapping[str, str]) -> list[Path]:
    """Where CPython ``version`` may be installed: its ``pythonX.Y[t]`` on PATH, pyenv's versions
    (``$PYENV_ROOT``, else ~/.pyenv), and the usual prefixes; not yet asked whether it runs."""
    name = f"python{version}{'t' if free_threaded else ''}"
    found = [Path(p) for p in [shutil.which(name, path=env.get("PATH"))] if p]
    root = Path(env.get("PYENV_ROOT") or Path(env.get("HOME", "~")).expanduser() / ".pyenv")
    builds = sorted((root / "versions").glob(f"{version}.*{'t' if free_threaded else ''}"), reverse=True)
    found += [b / "bin" / name for b in builds if b.name.endswith("t") == free_threaded]
    found += [Path(prefix) / "bin" / name for prefix in ("/usr", "/usr/local")]
    return [p for p in dict.fromkeys(found) if p.exists()]


def find_version(given: str, primary: Interpreter, env: Mapping[str, str]) -> Interpreter:
    """The first installed CPython that is what ``given`` (``3.13``, ``3.14t``) names and not
    ``primary``'s base, asked of the interpreter itself: a pyenv shim for a version it does not
    serve, or a build of another version or threading under that name, is passed over."""
    match = VERSION.match(given)
    assert match is not None
    version, free_threaded = match.group("version"), match.group("t") == "t"
    looked = version_candidates(version, free_threaded, env)
    for path in looked:
        try:
            found = probe(str(path), env)
        except HarnessError:
            continue
        same_version = ".".join(found.version.split(".")[:2]) == version
        kind = found.implementation == "cpython" and found.gil_disabled == free_threaded
        if kind and same_version and not _same(found, primary):
            return found
    where = ", ".join(str(p) for p in looked) or "nothing on PATH, in pyenv or under /usr"
    raise UsageError(
        f"--switch-python {given}: no CPython {given} other than --python's runs here (tried: {where}); "
        f"accepted: {ACCEPTED}"
    )


def check_given(given: str, primary: Interpreter, env: Mapping[str, str]) -> Interpreter:
    """``--switch-python``: a Python whose base interpreter is not ``primary``'s."""
    if VERSION.match(given):
        found = find_version(given, primary, env)
    else:
        try:
            found = probe(given, env)
        except HarnessError as exc:
            raise UsageError(f"--switch-python: {exc}; accepted: {ACCEPTED}") from None
    if _same(found, primary):
        raise UsageError(
            f"--switch-python {given} has the same base interpreter as --python "
            f"({primary.base_executable}); accepted: a different base interpreter"
        )
    return found


def check_all(given: list[str], primary: Interpreter, env: Mapping[str, str]) -> list[Interpreter]:
    """``--switch-python A,B``: each a Python whose base is not ``primary``'s, nor another's."""
    found: list[Interpreter] = []
    for name in given:
        interpreter = check_given(name, primary, env)
        twin = next((g for g, f in zip(given, found, strict=False) if _same(f, interpreter)), None)
        if twin is not None:
            raise UsageError(
                f"--switch-python: {name} and {twin} have the same base interpreter "
                f"({interpreter.base_executable}); accepted: interpreters with different bases"
            )
        found.append(interpreter)
    return found


# Minor versions tried, in order, for a switch that leaves the primary's version: a wheel built
# from the wrong config then fails to import or misreports, where one of the same version works.
OTHER_MINORS = ("3.13", "3.12", "3.14", "3.11", "3.10")


def _minor(interpreter: Interpreter) -> str:
    return ".".join(interpreter.version.split(".")[:2])


def _found_here(primary: Interpreter, env: Mapping[str, str]) -> list[Interpreter]:
    """Every CPython here of the primary's threading whose base is not the primary's, those of
    another minor version first."""
    paths = [Path(p) for p in _candidates(env)]
    for minor in OTHER_MINORS:
        paths += version_candidates(minor, primary.gil_disabled, env)
    found: dict[str, Interpreter] = {}
    for path in dict.fromkeys(paths):
        try:
            interpreter = probe(str(path), env)
        except HarnessError:
            continue  # a shim for a version it does not serve
        kind = interpreter.implementation == primary.implementation
        if kind and interpreter.gil_disabled == primary.gil_disabled and not _same(interpreter, primary):
            found.setdefault(os.path.realpath(interpreter.base_executable), interpreter)
    return sorted(found.values(), key=lambda i: _minor(i) == _minor(primary))


def installed_second(primary: Interpreter, env: Mapping[str, str]) -> Interpreter | None:
    """The interpreter ``second_interpreter`` would take without installing one, if any."""
    found = _found_here(primary, env)
    return found[0] if found else None


def second_interpreter(
    primary: Interpreter, env: Mapping[str, str], *, given: str | None, log: Path
) -> Interpreter:
    """``given`` (``--switch-python``), else another base interpreter found (or, as root on
    Debian, installed) here: one of another minor version when there is one."""
    if given:
        return check_given(given, primary, env)
    for attempt in range(2):
        found = _found_here(primary, env)
        if found:
            return found[0]
        if attempt == 0 and not _apt_install(env, log):
            break
    raise HarnessError(
        f"the {SWITCHING.name} scenario needs a second CPython whose base interpreter differs from "
        f"{primary.base_executable}; none found among {', '.join(CANDIDATES)} or pyenv's versions. "
        "Install one (Debian: apt-get install python3) or name it with --switch-python"
    )
