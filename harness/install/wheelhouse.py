"""The local wheelhouse: build requirements downloaded once, so builds never hit the network."""

from __future__ import annotations

import json
import re
import zipfile
from collections.abc import Mapping
from pathlib import Path

from harness.errors import unreachable_line
from harness.files import digest, locked, say, sha256_of, write_atomic
from harness.install.cache import Cache
from harness.install.envs import Interpreter, PythonEnv
from harness.process import failure, run

MARKER = ".harness-wheelhouse.json"


def _recorded(marker: Path) -> tuple[list[str], dict[str, str]]:
    """The requirement sets downloaded and each wheel's sha256 at download time; nothing for an
    older marker (a list of sets, without sha256s: its wheels are downloaded again, once)."""
    try:
        data = json.loads(marker.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return [], {}
    if not isinstance(data, dict):
        return [], {}
    return list(data.get("sets", [])), dict(data.get("sha256", {}))


def damaged(root: Path, sha256: dict[str, str]) -> list[str]:
    """The recorded wheels of ``root`` that are missing or no longer match their sha256."""
    return [name for name, digest_ in sorted(sha256.items()) if not _matches(root / name, digest_)]


def _whole_zip(path: Path) -> bool:
    """Whether every member of the wheel at ``path`` reads back with its CRC."""
    try:
        with zipfile.ZipFile(path) as archive:
            return archive.testzip() is None
    except (zipfile.BadZipFile, OSError, EOFError):
        return False


def _matches(path: Path, expected: str) -> bool:
    return path.is_file() and sha256_of(path) == expected


# pip's word for a requirement with no wheel for the interpreter (cffi 2 has none for 3.13t).
_NO_WHEEL = re.compile(r"No matching distribution found for (\S+)")


def _download(
    downloader: PythonEnv,
    root: Path,
    requirements: list[str],
    env: Mapping[str, str],
    cwd: Path,
    *,
    missing_ok: bool,
) -> None:
    wanted = list(requirements)
    while wanted:
        command: list[str | Path] = [downloader.python, "-m", "pip", "download", "--only-binary", ":all:"]
        command += ["--dest", root]
        done = run([*command, *wanted], cwd=cwd, env=env, check=not missing_ok)
        if done.returncode == 0:
            return
        lacking = _NO_WHEEL.search(done.output)
        offline = unreachable_line(done.output) is not None  # then pip finds nothing at all
        if offline or lacking is None or lacking[1] not in wanted:
            raise failure([*command, *wanted], done)
        say(f"wheelhouse {root}: {lacking[1]} has no wheel for this interpreter; left out")
        wanted.remove(lacking[1])


def ensure_wheelhouse(
    cache: Cache,
    requirements: list[str],
    *,
    interpreter: Interpreter,
    downloader: PythonEnv,
    env: Mapping[str, str],
    refresh: bool = False,
    missing_ok: bool = False,
) -> Path:
    """A directory of wheels satisfying ``requirements`` for ``interpreter``; with
    ``missing_ok``, a requirement that has no wheel for it is left out, and said.

    ``downloader`` must run the same base interpreter, so pip picks matching wheels.
    Entries accumulate: a project's extra requirements are added beside the samples' ones.
    Every wheel's sha256 is recorded when it is downloaded and checked on every use: a wheel
    cut short or altered is said, removed, and downloaded again with every set (pip would
    take the file it finds for a download already done).
    """
    root = cache.wheelhouse / interpreter.key
    marker = root / MARKER
    key = digest(*sorted(requirements))
    with locked(root):
        done, sha256 = ([], {}) if refresh else _recorded(marker)
        bad = damaged(root, sha256)
        if bad:
            say(
                f"wheelhouse {root}: {bad[0]} is missing or does not match its recorded sha256 "
                f"({len(bad)} wheel(s) in all); downloading them again"
            )
            for name in bad:
                (root / name).unlink(missing_ok=True)
            done = []
        if key not in done:
            root.mkdir(parents=True, exist_ok=True)
            # pip takes a file already in --dest as downloaded: one with no recorded sha256 (cut
            # short before it was recorded, or from an older harness) must at least be whole.
            for wheel in root.glob("*.whl"):
                if wheel.name not in sha256 and not _whole_zip(wheel):
                    say(f"wheelhouse {root}: {wheel.name} is cut short or damaged; downloading it again")
                    wheel.unlink()
            pip_env = {**env, "PIP_CACHE_DIR": str(cache.pip_cache), "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
            _download(downloader, root, requirements, pip_env, cache.root, missing_ok=missing_ok)
            wheels = {w.name: sha256_of(w) for w in sorted(root.glob("*.whl"))}
            write_atomic(marker, json.dumps({"sets": [*done, key], "sha256": wheels}))
    return root
