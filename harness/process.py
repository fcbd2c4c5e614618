"""Every subprocess the harness starts goes through here, with an explicit env and cwd."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from harness.errors import HarnessError

# Inherited variables that would change what is being measured: interpreter selection,
# pyo3 configuration, target dirs, backend opt-ins and frontend settings. The harness sets
# what a build needs itself; everything else (PATH, HOME, CARGO_HOME, RUSTUP_*, locale) is
# passed through so cargo and the toolchain behave as they do for the user.
_STRIPPED_PREFIXES = ("PYO3_", "MATURIN_", "SETUPTOOLS_RUST_", "PIP_", "UV_", "CARGO_TARGET_")
_STRIPPED = frozenset(
    {
        "PYTHON_SYS_EXECUTABLE",
        "VIRTUAL_ENV",
        "CONDA_PREFIX",
        "PYTHONHOME",
        "PYTHONPATH",
        "PYTHONDONTWRITEBYTECODE",
        "CARGO_BUILD_TARGET_DIR",
        "CARGO_BUILD_TARGET",
        "_PYTHON_HOST_PLATFORM",
        "__PYVENV_LAUNCHER__",
    }
)


def clean_environment(environ: Mapping[str, str], platform: str = sys.platform) -> dict[str, str]:
    """The caller's environment without anything that steers interpreter or build choice.

    Windows treats variable names case-insensitively (``Path`` is ``PATH``, and ``Pyo3_Python``
    still reaches pyo3), so there names are compared and returned upper-cased: the variables
    the harness adds later (``PIP_CACHE_DIR``, ...) then replace an inherited one instead of
    sitting beside it under another spelling.
    """
    cleaned = {}
    for key, value in environ.items():
        name = key.upper() if platform == "win32" else key
        if name not in _STRIPPED and not name.startswith(_STRIPPED_PREFIXES):
            cleaned[name] = value
    return cleaned


@dataclass(frozen=True)
class Completed:
    returncode: int
    seconds: float
    output: str


def run(
    cmd: Sequence[str | os.PathLike[str]],
    *,
    cwd: Path,
    env: Mapping[str, str],
    log: Path | None = None,
    check: bool = True,
    timeout: float | None = None,
) -> Completed:
    """Run ``cmd`` with stdout and stderr merged; optionally tee the whole output to ``log``."""
    argv = [os.fspath(c) for c in cmd]
    start = time.monotonic()
    try:
        proc = subprocess.run(
            argv,
            cwd=cwd,
            env=dict(env),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            timeout=timeout,
            check=False,
        )
        returncode, raw = proc.returncode, proc.stdout
    except FileNotFoundError as exc:
        returncode, raw = 127, f"command not found: {argv[0]} ({exc})".encode()
    except subprocess.TimeoutExpired as exc:
        returncode, raw = 124, (exc.stdout or b"") + f"\ntimed out after {timeout}s".encode()
    seconds = time.monotonic() - start
    output = raw.decode("utf-8", "replace")
    if log is not None:
        log.parent.mkdir(parents=True, exist_ok=True)
        header = f"$ cd {cwd}\n$ {' '.join(argv)}\n"
        # UTF-8 whatever the locale: Windows' cp1252 cannot hold pip's progress bars.
        text = f"{header}{output}\n[exit {returncode} after {seconds:.2f}s]\n"
        log.write_text(text, encoding="utf-8")
    if check and returncode != 0:
        tail = "\n".join(output.splitlines()[-30:])
        where = f" (log: {log})" if log else ""
        raise HarnessError(f"command failed with exit {returncode}{where}: {' '.join(argv)}\n{tail}")
    return Completed(returncode=returncode, seconds=seconds, output=output)
