"""``pyo3-harness doctor``: is this machine able to run the harness, and if not, what to fix."""

from __future__ import annotations

import shutil
import sys
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from harness import _toml as toml
from harness.errors import HarnessError
from harness.files import unwritable
from harness.install.envs import probe
from harness.install.patches import series_version
from harness.measure.machine import tool_version
from harness.process import run
from harness.workbench.project import project_requirements, project_sample, project_usage

MIN_FREE_GIB = 5.0
_REGISTRIES = (
    ("PyPI", "https://pypi.org/simple/pip/"),
    ("crates.io index", "https://index.crates.io/config.json"),
    ("crates.io downloads", "https://static.crates.io/crates/itoa/itoa-1.0.0.crate"),
)


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str
    fix: str = ""


def _tool(name: str, argv: list[str], env: Mapping[str, str], fix: str) -> Check:
    version = tool_version(argv, env) if shutil.which(argv[0], path=env.get("PATH")) else None
    return Check(name, version is not None, version or f"{argv[0]} not found on PATH", "" if version else fix)


def _getenv(env: Mapping[str, str], name: str, platform: str) -> str | None:
    if platform == "win32":  # names are case-insensitive there
        return next((v for k, v in env.items() if k.upper() == name.upper()), None)
    return env.get(name)


def _msvc(env: Mapping[str, str], platform: str) -> Check:
    """Windows: cargo's cc crate finds MSVC through vswhere; cl.exe is on PATH only in a
    developer prompt, so its absence there is not a missing compiler."""
    name = "C compiler"
    if shutil.which("cl", path=_getenv(env, "PATH", platform)):
        return Check(name, True, "cl (MSVC) on PATH")
    fix = "install Visual Studio Build Tools with the 'Desktop development with C++' workload"
    program_files = _getenv(env, "ProgramFiles(x86)", platform)
    if not program_files:
        return Check(name, False, "no cl on PATH and no ProgramFiles(x86) to look for Visual Studio", fix)
    vswhere = Path(program_files) / "Microsoft Visual Studio" / "Installer" / "vswhere.exe"
    if not vswhere.is_file():
        return Check(name, False, f"no cl on PATH and no {vswhere}", fix)
    # What cc-rs asks: an installation with the x64 C++ tools.
    query: list[str | Path] = [vswhere, "-latest", "-products", "*", "-property", "installationPath"]
    query += ["-requires", "Microsoft.VisualStudio.Component.VC.Tools.x86.x64"]
    found = run(query, cwd=vswhere.parent, env=env, check=False)
    install = found.output.strip().splitlines()[0] if found.returncode == 0 and found.output.strip() else ""
    if not install:
        return Check(name, False, f"{vswhere} finds no Visual Studio with the C++ tools", fix)
    return Check(name, True, f"MSVC C++ tools in {install} (cargo finds them through vswhere)")


def toolchain_checks(env: Mapping[str, str], platform: str = sys.platform) -> list[Check]:
    """What every build needs; `run` refuses to start without these."""
    rust_fix = "install Rust with rustup (https://rustup.rs) and make sure cargo is on PATH"
    if platform == "win32":
        compiler = _msvc(env, platform)
    else:
        fix = (
            "install Xcode's command line tools (xcode-select --install)"
            if platform == "darwin"
            else "install a C compiler (Debian: apt-get install gcc)"
        )
        compiler = _tool("C compiler", ["cc", "--version"], env, fix)
    return [
        _tool("cargo", ["cargo", "--version"], env, rust_fix),
        _tool("rustc", ["rustc", "--version"], env, rust_fix),
        compiler,
        _tool("git", ["git", "--version"], env, "install git; patches are applied with `git apply`"),
    ]


def _reachable(url: str) -> str | None:
    try:
        request = urllib.request.Request(url, method="HEAD", headers={"User-Agent": "pyo3-frontend-harness"})
        with urllib.request.urlopen(request, timeout=15):
            return None
    except (urllib.error.URLError, TimeoutError) as exc:
        return str(exc)


def _python_check(python: str, env: Mapping[str, str]) -> Check:
    """The interpreter the frontends will run on (``--python``), as it reports itself."""
    try:
        found = probe(python, env)
    except HarnessError as exc:
        return Check("Python", False, str(exc), "pass --python a CPython 3.10 or newer")
    version = tuple(int(p) for p in found.version.split(".")[:2])
    fix = "" if version >= (3, 10) else "pass --python a CPython 3.10 or newer"
    return Check("Python", version >= (3, 10), f"{python} ({found.version})", fix)


def _writable(name: str, path: Path) -> Check:
    """Whether the harness could create ``path`` and write in it (asked without creating it)."""
    problem = unwritable(path)
    if problem:
        return Check(name, False, f"{path}: {problem}", "make it writable or pass another directory")
    return Check(name, True, f"{path} can be written")


def checks(env: Mapping[str, str], cache_dir: Path, python: str, out: Path) -> list[Check]:
    found = toolchain_checks(env)
    found.append(_python_check(python, env))
    found += [_writable("cache dir", cache_dir), _writable("--out", out)]
    if not found[-2].ok:
        return found
    cache_dir.mkdir(parents=True, exist_ok=True)
    free = shutil.disk_usage(cache_dir).free / 2**30
    found.append(
        Check(
            "disk",
            free >= MIN_FREE_GIB,
            f"{free:.1f} GiB free at {cache_dir}",
            "" if free >= MIN_FREE_GIB else f"free at least {MIN_FREE_GIB} GiB or pass --cache-dir elsewhere",
        )
    )
    for name, url in _REGISTRIES:
        error = _reachable(url)
        found.append(
            Check(
                name,
                error is None,
                url if error is None else f"{url}: {error}",
                "" if error is None else "check network/proxy settings; the first run downloads from it",
            )
        )
    return found


def render(found: list[Check]) -> str:
    lines = []
    for check in found:
        mark = "ok  " if check.ok else "FAIL"
        lines.append(f"[{mark}] {check.name}: {check.detail}")
        if check.fix:
            lines.append(f"       fix: {check.fix}")
    return "\n".join(lines)


# -sys crates whose C library usually comes from the system, and the pkg-config name and
# Debian package that provide it.
_SYSTEM_LIBRARIES = {
    "openssl-sys": ("openssl", "libssl-dev"),
    "libz-sys": ("zlib", "zlib1g-dev"),
    "libsqlite3-sys": ("sqlite3", "libsqlite3-dev"),
    "libgit2-sys": ("libgit2", "libgit2-dev"),
    "libffi-sys": ("libffi", "libffi-dev"),
    "curl-sys": ("libcurl", "libcurl4-openssl-dev"),
    "pq-sys": ("libpq", "libpq-dev"),
    "zstd-sys": ("libzstd", "libzstd-dev"),
}


def _locked_crates(root: Path) -> set[str]:
    names: set[str] = set()
    for lock in root.rglob("Cargo.lock"):
        names.update(str(p["name"]) for p in toml.loads(lock.read_text()).get("package", []))
    return names


def _series_check(version: str) -> Check:
    """Whether a patch series covers the project's pyo3-build-config release (for the
    strategies that need a base-aware pyo3); it must still apply strictly when used."""
    name = f"pyo3 {version} series"
    try:
        covering = series_version("pyo3", version)
    except HarnessError as exc:
        return Check(
            name, False, str(exc).splitlines()[0], "base-aware strategies cannot run on it; stock ones can"
        )
    note = (
        "its own" if covering == version else f"patches/pyo3/{covering} (its release line; applied strictly)"
    )
    return Check(name, True, f"covered by {note}")


def project_checks(root: Path, env: Mapping[str, str], scratch: Path) -> list[Check]:
    """What ``--project`` needs before a long run: a pyo3 project, wheels for its build
    requirements, and the system libraries its -sys crates link."""
    found = []
    try:
        sample = project_sample(root)
        usage = project_usage(root)
        found.append(Check("project", True, f"{root}: {sample.backend} project, edits {sample.edit}"))
        found.append(Check("pyo3 (from cargo metadata)", True, usage.describe()))
    except HarnessError as exc:
        return [Check("project", False, str(exc), "point --project at a pyo3 extension project")]
    found += [_series_check(version) for version in usage.config_versions]
    # The probe is the harness's own wheel (harness.install.probe), never on PyPI.
    requirements = [r for r in dict.fromkeys(project_requirements(root)) if r != "pyo3-harness-probe"]
    download = run(
        [sys.executable, "-m", "pip", "download", "--only-binary", ":all:", "--dest", scratch, *requirements],
        cwd=scratch,
        env={
            **{k: v for k, v in env.items() if not k.startswith("PIP_")},
            "PIP_DISABLE_PIP_VERSION_CHECK": "1",
        },
        check=False,
    )
    errors = [line for line in download.output.splitlines() if line.startswith("ERROR")]
    last = errors[-1:] or download.output.strip().splitlines()[-1:] or [""]
    found.append(
        Check(
            "build requirements",
            download.returncode == 0,
            ", ".join(requirements) + ("" if download.returncode == 0 else f": {last[0]}"),
            ""
            if download.returncode == 0
            else "the harness installs wheels only; these have none for this platform and Python",
        )
    )
    has_pkg_config = shutil.which("pkg-config", path=env.get("PATH")) is not None
    for crate in sorted(_locked_crates(root) & set(_SYSTEM_LIBRARIES)):
        library, package = _SYSTEM_LIBRARIES[crate]
        ok = (
            has_pkg_config
            and run(["pkg-config", "--exists", library], cwd=scratch, env=env, check=False).returncode == 0
        )
        found.append(
            Check(
                f"system library for {crate}",
                ok,
                f"{library} {'found' if ok else 'not found'} by pkg-config",
                "" if ok else f"install it (Debian: apt-get install pkg-config {package})",
            )
        )
    return found
