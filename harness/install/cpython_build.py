"""A free-threaded CPython compiled into the harness cache, for ``--switch-python 3.14t`` on a
machine that has none installed.

Only when asked (``second_python.find_version`` with ``compile=True``, which ``run`` and
``prepare`` reach when ``--switch-python X.Yt`` names a version found nowhere else): Debian's
source package ``pythonX.Y`` is downloaded with apt (``debian_source``), its pristine upstream
tarball unpacked, and built with ``./configure --disable-gil`` (no PGO or LTO: the build's time
matters more than the interpreter's speed), ``make``, ``make install`` into
``<cache>/python/X.Yt-<version>/``. Every use checks the entry: its files all there
(``files.incomplete``), and its ``pythonX.Yt`` running with the GIL disabled at build time
(``Py_GIL_DISABLED``) and at run time (``sys._is_gil_enabled()``), with ssl, zlib and ctypes;
otherwise it is said and compiled again.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from harness.errors import HarnessError
from harness.files import filled_once, incomplete, locked, remove, say, unlike_recorded, unpack_one_directory
from harness.install import debian_source
from harness.install.cache import Cache
from harness.process import compile_settings, run

# Free-threaded builds exist from 3.13 on (PEP 703).
FIRST_FREE_THREADED = (3, 13)
# The extension modules pip, uv's wheel checks and cffi need: an interpreter without them (a
# -dev package missing when it was built) is no use to the harness.
REQUIRED_MODULES = ("ssl", "zlib", "_ctypes")
# The harness's machines have 2 cores shared with other builds; more jobs would only queue.
JOBS = 2
MARKER = ".harness-complete"
# Measured on this project's machine (docs/decision-matrix.md): said before a compile starts.
ESTIMATE = "5–6 minutes on 2 busy cores"

# Asked of the interpreter before it imports anything else: an extension module not marked
# free-threading-safe would turn the GIL back on at run time.
CHECK_CODE = """\
import json, sys, sysconfig
gil_enabled = sys._is_gil_enabled() if hasattr(sys, "_is_gil_enabled") else True
missing = []
for name in REQUIRED_MODULES:
    try:
        __import__(name)
    except ImportError:
        missing.append(name)
print(json.dumps({
    "version": ".".join(map(str, sys.version_info[:3])),
    "gil_enabled": gil_enabled,
    "Py_GIL_DISABLED": sysconfig.get_config_var("Py_GIL_DISABLED"),
    "missing": missing,
}))
""".replace("REQUIRED_MODULES", repr(REQUIRED_MODULES))


def buildable(minor: str) -> bool:
    """Whether ``minor`` (``3.14``) has a free-threaded build at all."""
    major, _, rest = minor.partition(".")
    return major.isdigit() and rest.isdigit() and (int(major), int(rest)) >= FIRST_FREE_THREADED


def configure_arguments(prefix: Path) -> list[str]:
    """Upstream's configure, free-threaded, installing into ``prefix``; nothing else, so the
    interpreter is what upstream builds by default."""
    return ["./configure", "--disable-gil", f"--prefix={prefix}"]


@dataclass(frozen=True)
class Threading:
    """What the interpreter said of itself (``CHECK_CODE``)."""

    version: str
    gil_enabled: bool
    gil_disabled_build: bool
    missing: tuple[str, ...]


def parse_check(output: str) -> Threading | None:
    """``CHECK_CODE``'s answer, from its last line; None when it printed no such line."""
    lines = output.strip().splitlines()
    try:
        data = json.loads(lines[-1])
        return Threading(
            version=str(data["version"]),
            gil_enabled=bool(data["gil_enabled"]),
            gil_disabled_build=data["Py_GIL_DISABLED"] == 1,
            missing=tuple(str(m) for m in data["missing"]),
        )
    except (IndexError, ValueError, KeyError, TypeError):
        return None


def check_problem(found: Threading | None, minor: str) -> str | None:
    """Why an interpreter that answered ``found`` is not a usable free-threaded ``minor``; None
    when it is."""
    if found is None:
        return "it did not run, or did not answer the check"
    if ".".join(found.version.split(".")[:2]) != minor:
        return f"it is CPython {found.version}, not {minor}"
    if not found.gil_disabled_build:
        return "it was not built free-threaded (Py_GIL_DISABLED is not 1)"
    if found.gil_enabled:
        return "it runs with the GIL enabled (sys._is_gil_enabled() is True)"
    if found.missing:
        return f"it cannot import {', '.join(found.missing)} (a -dev package was missing when it was built)"
    return None


def executable(prefix: Path, minor: str) -> Path:
    return prefix / "bin" / f"python{minor}t"


def _root(cache: Cache) -> Path:
    return cache.root / "python"


def _unusable(prefix: Path, minor: str, env: Mapping[str, str]) -> str | None:
    """Why a cache entry cannot be used (asked on every use); None when it can."""
    if not (prefix / MARKER).exists():
        return "its build did not finish"
    broken = incomplete(prefix)
    if broken:
        return broken
    python = executable(prefix, minor)
    done = run([python, "-I", "-c", CHECK_CODE], cwd=prefix, env=env, check=False)
    return check_problem(parse_check(done.output), minor)


def _entries(cache: Cache, minor: str) -> list[Path]:
    """The cache's builds of ``minor``, newest version first."""
    found = [p for p in _root(cache).glob(f"{minor}t-*") if p.is_dir() and p.suffix != ".build"]
    return sorted(found, key=lambda p: debian_source.version_key(p.name.split("-", 1)[1]), reverse=True)


def cached(cache: Cache, minor: str, env: Mapping[str, str]) -> Path | None:
    """The newest cached free-threaded ``minor`` that passes its check, or None; an entry that
    fails it is said and removed (under its lock), so the next build starts clean."""
    for prefix in _entries(cache, minor):
        with locked(prefix):
            problem = _unusable(prefix, minor, env)
            if problem is None:
                return executable(prefix, minor)
            say(f"{prefix} cannot be used: {problem}; removing it")
            remove(prefix)
            remove(prefix.with_name(prefix.name + ".contents.json"))
    return None


def cannot_build(minor: str, env: Mapping[str, str]) -> str | None:
    """Why this machine cannot compile a free-threaded ``minor`` (said before any work), or None."""
    if not buildable(minor):
        return f"CPython {minor} has no free-threaded build (it came with 3.13)"
    if not debian_source.has_apt(env):
        return "its source comes from Debian's source package with apt-get, and apt-get is not here"
    if debian_source.is_root():
        return None
    missing = debian_source.packages_missing(env)
    if missing:
        install = " ".join(missing)
        return f"it needs {', '.join(missing)}, which only root can install (apt-get install {install})"
    if not debian_source.known_versions(f"python{minor}", env):
        where = debian_source.SOURCES_FILE
        return (
            f"no deb-src entry offers python{minor}, and only root can add one ({where}, then apt-get update)"
        )
    return None


def ensure(cache: Cache, minor: str, env: Mapping[str, str]) -> Path:
    """``pythonX.Yt`` of a free-threaded ``minor``: the cached one, else compiled now (once)."""
    python = cached(cache, minor, env)
    if python is not None:
        return python
    problem = cannot_build(minor, env)
    if problem:
        raise HarnessError(f"a free-threaded CPython {minor} cannot be compiled here: {problem}")
    logs = _root(cache) / "logs"
    package = f"python{minor}"
    say(f"no free-threaded CPython {minor} here or cached: compiling it from {package}'s source ({ESTIMATE})")
    debian_source.install_packages(env, logs)
    versions = debian_source.ensure_deb_src(package, env, logs)
    downloads = _root(cache) / "downloads"
    downloads.mkdir(parents=True, exist_ok=True)
    with locked(downloads):
        debian_version, tarball = debian_source.download_orig(package, versions, downloads, env)
    upstream = debian_source.upstream_version(tarball.name)
    prefix = _root(cache) / f"{minor}t-{upstream}"
    build = _Build(tarball, debian_version, minor, logs / f"{minor}t-{upstream}", env)
    filled_once(prefix, build.fill)
    problem = _unusable(prefix, minor, env)
    if problem:
        raise HarnessError(
            f"the CPython {minor}t compiled into {prefix} is not usable: {problem} (logs: {build.logs})"
        )
    return executable(prefix, minor)


@dataclass
class _Progress:
    """Says, every ``every`` seconds of a long stage, how far it has got."""

    label: str
    log: Path
    every: float = 60.0
    compiled: int = 0
    start: float = field(default_factory=time.monotonic)
    last: float = field(default_factory=time.monotonic)

    def __call__(self, line: str) -> None:
        if " -c " in line and (line.startswith(("gcc ", "cc "))):
            self.compiled += 1
        now = time.monotonic()
        if now - self.last >= self.every:
            self.last = now
            minutes, seconds = divmod(int(now - self.start), 60)
            say(
                f"{self.label}: {self.compiled} C files compiled, {minutes}m {seconds:02d}s (log: {self.log})"
            )


@dataclass(frozen=True)
class _Build:
    tarball: Path
    debian_version: str
    minor: str
    logs: Path
    env: Mapping[str, str]

    def fill(self, prefix: Path) -> str:
        """Unpack, configure, make, make install into ``prefix``; the marker records how."""
        problem = unlike_recorded(self.tarball)
        if problem:
            raise HarnessError(f"{self.tarball}: {problem}")
        tree = prefix.with_name(prefix.name + ".build")
        remove(tree)
        if not unpack_one_directory(self.tarball, tree):
            raise HarnessError(f"{self.tarball}: not one top-level directory, as CPython's tarball is")
        # Like the tools the harness compiles with cargo, built without the caller's cargo settings.
        env = {k: v for k, v in self.env.items() if k not in compile_settings(self.env)}
        seconds = {}
        stages = [
            ("configure", configure_arguments(prefix)),
            ("make", ["make", f"-j{JOBS}"]),
            ("make install", ["make", "install"]),
        ]
        for stage, command in stages:
            log = self.logs / f"{stage.replace(' ', '-')}.log"
            say(f"CPython {self.minor}t: {stage} (log: {log})")
            start = time.monotonic()
            run(
                command, cwd=tree, env=env, log=log, on_line=_Progress(f"CPython {self.minor}t: {stage}", log)
            )
            seconds[stage] = round(time.monotonic() - start, 1)
        remove(tree)  # a few hundred MB of objects; the tarball stays for a rebuild
        say(f"CPython {self.minor}t installed in {prefix} ({sum(seconds.values()):.0f} s: {seconds})")
        note = {"source": self.tarball.name, "debian_version": self.debian_version}
        return json.dumps({**note, "configure": configure_arguments(prefix), "seconds": seconds})
