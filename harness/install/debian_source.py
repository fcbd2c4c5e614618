"""Debian's source packages and build dependencies, through apt: where a CPython the harness
compiles for its cache comes from (``install/cpython_build.py``).

Only the upstream tarball of a source package is used (its ``.orig.tar.*``, which Debian ships
byte for byte as upstream released it); Debian's own patches are not applied. apt checks every
file it downloads against the sha256 in the archive's signed index, and the harness records the
tarball's sha256 beside it for every later use.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from harness.errors import OFFLINE_ADVICE, HarnessError, Unreachable
from harness.files import record_sha256, say, sha256_of, write_atomic
from harness.process import run

# Headers and tools a CPython build needs for what the harness does with it: ssl (pip reaching
# an index), zlib (wheels), libffi (ctypes, cffi), and the compressors and sqlite the stdlib has.
BUILD_PACKAGES = (
    "gcc",
    "make",
    "pkg-config",
    "libssl-dev",
    "zlib1g-dev",
    "libffi-dev",
    "libbz2-dev",
    "liblzma-dev",
    "libsqlite3-dev",
    "uuid-dev",
)
# Debian's development releases (forky is testing, sid unstable) carry the newest CPython minor
# versions as source packages; source entries only, so no installed binary package changes.
SOURCES_FILE = Path("/etc/apt/sources.list.d/pyo3-harness-python-src.sources")
SOURCES_TEXT = """\
# Added by pyo3-frontend-harness (harness/install/debian_source.py) for `apt-get source pythonX.Y`:
# a free-threaded CPython compiled into the harness's cache. Source entries only (Types: deb-src),
# so no binary package is installed or upgraded from here. Remove this file to undo it.
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: sid forky
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
"""
# How apt says it could not reach a server (the rest of process.run's list holds for pip,
# uv and cargo).
_APT_UNREACHABLE = (
    "Temporary failure resolving",
    "Could not connect to",
    "Unable to connect to",
    "Connection timed out",
)


def apt_env(env: Mapping[str, str]) -> dict[str, str]:
    """apt never asks a question, and speaks in English whatever the locale (its output is read)."""
    return {**env, "DEBIAN_FRONTEND": "noninteractive", "LC_ALL": "C"}


def is_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def has_apt(env: Mapping[str, str]) -> bool:
    return all(shutil.which(tool, path=env.get("PATH")) for tool in ("apt-get", "apt-cache", "dpkg-query"))


def missing_packages(dpkg_output: str, wanted: Sequence[str]) -> list[str]:
    """Of ``wanted``, those ``dpkg-query -W -f='${Package} ${db:Status-Abbrev}\\n'`` did not list
    as installed ("ii": removed packages whose configuration remains show "rc")."""
    installed = set()
    for line in dpkg_output.splitlines():
        fields = line.split()
        if len(fields) == 2 and fields[1] == "ii":
            installed.add(fields[0].split(":")[0])  # libssl-dev:amd64 on a multi-arch query
    return [name for name in wanted if name not in installed]


def packages_missing(env: Mapping[str, str]) -> list[str]:
    query = ["dpkg-query", "-W", "-f=${Package} ${db:Status-Abbrev}\n", *BUILD_PACKAGES]
    done = run(query, cwd=Path("/"), env=apt_env(env), check=False)
    return missing_packages(done.output, BUILD_PACKAGES)


def install_packages(env: Mapping[str, str], log_dir: Path) -> None:
    """The build's packages, apt-get installed when missing (as root); else an error naming them."""
    missing = packages_missing(env)
    if not missing:
        return
    if not is_root():
        raise HarnessError(
            f"compiling CPython needs {', '.join(missing)}, which are not installed, and the harness "
            f"is not root: run `apt-get install {' '.join(missing)}` as root, then again"
        )
    say(f"installing the packages CPython's build needs: {', '.join(missing)} (apt-get)")
    run(["apt-get", "update"], cwd=Path("/"), env=apt_env(env), log=log_dir / "apt-update.log")
    install = ["apt-get", "install", "-y", "--no-install-recommends", *missing]
    run(install, cwd=Path("/"), env=apt_env(env), log=log_dir / "apt-install.log")


# --- versions and files of a source package -----------------------------------------------


def showsrc_versions(text: str, package: str) -> list[str]:
    """The versions ``apt-cache showsrc PACKAGE`` lists for ``package``, newest first."""
    versions, current = [], None
    for line in text.splitlines():
        if line.startswith("Package: "):
            current = line.removeprefix("Package: ").strip()
        elif line.startswith("Version: ") and current == package:
            versions.append(line.removeprefix("Version: ").strip())
    return sorted(dict.fromkeys(versions), key=version_key, reverse=True)


def _order(char: str) -> int:
    """dpkg's weight of one character of a non-digit run: ~ before the end, the end before
    letters, letters before everything else."""
    if char == "~":
        return -1
    if char.isalpha():
        return ord(char)
    return ord(char) + 256


def _part_key(part: str) -> tuple[tuple[tuple[int, ...], int], ...]:
    runs = re.findall(r"(\D*)(\d*)", part)
    return tuple(((*(_order(c) for c in text), 0), int(digits or 0)) for text, digits in runs)


def version_key(version: str) -> tuple[int, tuple[object, ...], tuple[object, ...]]:
    """A sort key in dpkg's order (``dpkg --compare-versions``): epoch, upstream, revision;
    ``3.14.0~rc3-1`` comes before ``3.14.0-1``."""
    epoch, _, rest = version.rpartition(":") if ":" in version else ("0", "", version)
    upstream, _, revision = rest.rpartition("-") if "-" in rest else (rest, "", "0")
    return int(epoch or 0), _part_key(upstream), _part_key(revision)


@dataclass(frozen=True)
class SourceFile:
    """One file of a source package, as ``apt-get source --print-uris`` names it."""

    url: str
    name: str
    size: int
    sha256: str


_URI_LINE = re.compile(r"^'(?P<url>[^']+)' (?P<name>\S+) (?P<size>\d+) SHA256:(?P<sha256>[0-9a-f]{64})$")


def parse_print_uris(text: str) -> list[SourceFile]:
    found = []
    for line in text.splitlines():
        match = _URI_LINE.match(line.strip())
        if match:
            found.append(SourceFile(match["url"], match["name"], int(match["size"]), match["sha256"]))
    return found


def orig_tarball(files: Sequence[SourceFile]) -> SourceFile | None:
    """The upstream tarball among a source package's files (not its signature)."""
    return next((f for f in files if re.search(r"\.orig\.tar\.(xz|gz|bz2)$", f.name)), None)


def upstream_version(orig_name: str) -> str:
    """``python3.14_3.14.10.orig.tar.xz`` -> ``3.14.10``."""
    return orig_name.split("_", 1)[1].split(".orig.tar.", 1)[0]


def fetch_failure(output: str, what: str) -> HarnessError:
    """What ``apt-get source`` failing to download ``what`` means: a server that said no (404:
    the mirror does not hold that version) is the mirror's answer, not a network fault. The
    upstream tarball's refusal is the one named (apt fails the package's other files alike)."""
    lines = [line.strip() for line in output.splitlines()]
    offline = next((line for line in lines if any(w in line for w in _APT_UNREACHABLE)), None)
    if offline is not None:
        return Unreachable(
            f"apt-get could not reach the Debian mirror for {what} ({offline}): {OFFLINE_ADVICE}"
        )
    refused = [line for line in lines if line.startswith("E: Failed to fetch ")]
    said = next((line for line in refused if ".orig.tar." in line), refused[0] if refused else None)
    said = said or next((line for line in lines if line.startswith("E: ")), "E: no reason given")
    # "E: Failed to fetch URL  404  Not Found [IP: 1.2.3.4 80]" -> "URL: 404 Not Found"
    said = re.sub(r"\s+\[IP: [^]]*\]$", "", said.removeprefix("E: Failed to fetch ").removeprefix("E: "))
    said = re.sub(r"\s{2,}", " ", re.sub(r"\s{2,}", ": ", said, count=1))
    return HarnessError(f"apt-get could not download {what}: {said}")


# --- the source package on disk ------------------------------------------------------------


def ensure_deb_src(package: str, env: Mapping[str, str], log_dir: Path) -> list[str]:
    """The versions of ``package`` apt's source entries offer, newest first; when none does, a
    deb-src entry for Debian's development releases is added in a file of its own (as root)."""
    versions = known_versions(package, env)
    if versions:
        return versions
    if not is_root():
        raise HarnessError(
            f"apt knows no source package {package} (no deb-src entry offers it), and only root can "
            f"add one: as root, write {SOURCES_FILE} with\n{SOURCES_TEXT}and run `apt-get update`"
        )
    if not SOURCES_FILE.exists():
        say(
            f"adding {SOURCES_FILE}: a deb-src entry for Debian sid and forky, for `apt-get source {package}`"
        )
        write_atomic(SOURCES_FILE, SOURCES_TEXT)
    say("apt-get update (to read the source packages' index)")
    done = run(
        ["apt-get", "update"], cwd=Path("/"), env=apt_env(env), log=log_dir / "apt-update.log", check=False
    )
    if done.returncode != 0:
        raise fetch_failure(done.output, "the package index")
    versions = known_versions(package, env)
    if not versions:
        raise HarnessError(f"apt's source entries (with {SOURCES_FILE}) offer no source package {package}")
    return versions


def known_versions(package: str, env: Mapping[str, str]) -> list[str]:
    """The versions of ``package`` apt's source entries offer (none: no deb-src offers it)."""
    done = run(["apt-cache", "showsrc", package], cwd=Path("/"), env=apt_env(env), check=False)
    return showsrc_versions(done.output, package) if done.returncode == 0 else []


def download_orig(
    package: str, versions: Sequence[str], into: Path, env: Mapping[str, str]
) -> tuple[str, Path]:
    """The upstream tarball of the newest of ``versions`` the mirror serves, downloaded with
    ``apt-get source --download-only`` into ``into`` (its sha256 recorded beside it), and that
    version. A mirror without the newest (not synced yet, or superseded and removed) is asked
    for the next; every refusal is named when none can be had."""
    refused = []
    for version in versions:
        spec = f"{package}={version}"
        listed = run(["apt-get", "source", "--print-uris", spec], cwd=into, env=apt_env(env), check=False)
        orig = orig_tarball(parse_print_uris(listed.output))
        if orig is None:
            refused.append(f"{spec}: apt names no upstream tarball")
            continue
        tarball = into / orig.name
        if tarball.is_file() and sha256_of(tarball) == orig.sha256:
            record_sha256(tarball)
            return version, tarball
        say(f"downloading {orig.name} ({orig.size / 1e6:.0f} MB): apt-get source --download-only {spec}")
        command = ["apt-get", "source", "--download-only", spec]
        done = run(
            command, cwd=into, env=apt_env(env), log=into / f"{package}_{version}.download.log", check=False
        )
        if done.returncode == 0 and tarball.is_file() and sha256_of(tarball) == orig.sha256:
            record_sha256(tarball)
            return version, tarball
        failure = fetch_failure(done.output, spec)
        if isinstance(failure, Unreachable):
            raise failure
        refused.append(str(failure).removeprefix("apt-get could not download "))
    raise HarnessError(
        f"no version of Debian's source package {package} could be downloaded: {'; '.join(refused)}. "
        f"Install a free-threaded CPython another way and name it with --switch-python PATH"
    )
