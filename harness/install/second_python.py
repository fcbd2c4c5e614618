"""A second base interpreter for the stale-cache check (the scenario with ``switch_python``).

A build cached for one interpreter must not be reused for another. To test that, the harness
rebuilds with the frontend running on a different base interpreter: the one ``--switch-python``
names (a path, or a version such as ``3.13`` or ``3.14t`` found on this machine), else the first
candidate below whose base executable differs from the one in use; on Debian, the system
``python3`` is installed with apt-get when nothing else is found and the harness runs as root.
A free-threaded version (``3.14t``) found nowhere on the machine is taken from the harness cache,
where it is compiled when asked (``install/cpython_build.py``); a default run never compiles one.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Mapping
from pathlib import Path

from harness.errors import HarnessError, UsageError
from harness.files import say
from harness.install import cpython_build
from harness.install.cache import Cache
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


def _parse(given: str) -> tuple[str, bool]:
    match = VERSION.match(given)
    assert match is not None
    return match.group("version"), match.group("t") == "t"


def _on_machine(
    given: str, primary: Interpreter, env: Mapping[str, str]
) -> tuple[Interpreter | None, list[Path]]:
    """The first installed CPython that is what ``given`` names and not ``primary``'s base, and
    every place looked."""
    version, free_threaded = _parse(given)
    looked = version_candidates(version, free_threaded, env)
    for path in looked:
        try:
            found = probe(str(path), env)
        except HarnessError:
            continue
        same_version = ".".join(found.version.split(".")[:2]) == version
        kind = found.implementation == "cpython" and found.gil_disabled == free_threaded
        if kind and same_version and not _same(found, primary):
            return found, looked
    return None, looked


def find_version(
    given: str,
    primary: Interpreter,
    env: Mapping[str, str],
    *,
    cache: Cache | None = None,
    compile: bool = False,
) -> Interpreter:
    """The first installed CPython that is what ``given`` (``3.13``, ``3.14t``) names and not
    ``primary``'s base, asked of the interpreter itself: a pyenv shim for a version it does not
    serve, or a build of another version or threading under that name, is passed over. A
    free-threaded version installed nowhere is the one in ``cache``, compiled there first when
    ``compile`` (only then: it takes minutes)."""
    found, looked = _on_machine(given, primary, env)
    if found is not None:
        return found
    version, free_threaded = _parse(given)
    if cache is not None and free_threaded:
        python = cpython_build.cached(cache, version, env)
        if python is None and compile:
            python = cpython_build.ensure(cache, version, env)
        if python is not None:
            return probe(str(python), env)
    where = ", ".join(str(p) for p in looked) or "nothing on PATH, in pyenv or under /usr"
    raise UsageError(
        f"--switch-python {given}: no CPython {given} other than --python's runs here (tried: {where}); "
        f"accepted: {ACCEPTED}"
    )


def check_given(
    given: str,
    primary: Interpreter,
    env: Mapping[str, str],
    *,
    cache: Cache | None = None,
    compile: bool = False,
) -> Interpreter:
    """``--switch-python``: a Python whose base interpreter is not ``primary``'s."""
    if VERSION.match(given):
        found = find_version(given, primary, env, cache=cache, compile=compile)
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


def check_switch(
    given: str, primary: Interpreter, env: Mapping[str, str], cache: Cache
) -> Interpreter | None:
    """One ``--switch-python`` value checked before any work: what ``check_given`` accepts (the
    interpreter), or a free-threaded version found nowhere that this machine can compile (None:
    the run compiles it)."""
    try:
        return check_given(given, primary, env, cache=cache)
    except UsageError:
        if not VERSION.match(given) or not _parse(given)[1]:
            raise
        version = _parse(given)[0]
        problem = cpython_build.cannot_build(version, env)
        if problem:
            raise UsageError(
                f"--switch-python {given}: no free-threaded CPython {version} is installed here or in "
                f"the harness cache ({cache.root / 'python'}), and it cannot be compiled: {problem}; "
                f"accepted: {ACCEPTED}"
            ) from None
        say(f"--switch-python {given}: not installed here; it will be compiled into {cache.root / 'python'}")
        return None


def check_all(given: list[str], primary: Interpreter, env: Mapping[str, str], cache: Cache) -> None:
    """``--switch-python A,B``: each as ``check_switch`` accepts it, and no two the same base."""
    found: dict[str, str] = {}  # base interpreter -> the value that named it
    for name in given:
        interpreter = check_switch(name, primary, env, cache)
        if interpreter is None:
            continue
        base = os.path.realpath(interpreter.base_executable)
        if base in found:
            raise UsageError(
                f"--switch-python: {name} and {found[base]} have the same base interpreter "
                f"({interpreter.base_executable}); accepted: interpreters with different bases"
            )
        found[base] = name


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
    primary: Interpreter, env: Mapping[str, str], *, given: str | None, log: Path, cache: Cache | None = None
) -> Interpreter:
    """``given`` (``--switch-python``; a free-threaded version found nowhere is compiled into
    ``cache``), else another base interpreter found (or, as root on Debian, installed) here: one
    of another minor version when there is one."""
    if given:
        return check_given(given, primary, env, cache=cache, compile=cache is not None)
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
