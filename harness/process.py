"""Every subprocess the harness starts goes through here, with an explicit env and cwd."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from harness.errors import (
    OFFLINE_ADVICE,
    HarnessError,
    NoSpace,
    Unreachable,
    says_no_space,
    unreachable_line,
)

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


# Inherited variables that change what cargo compiles or how (optimisation, flags, jobs, a
# wrapper). They are passed through to the builds being measured, so a run records them and its
# commands repeat them; a tool the harness compiles for its cache is built without them.
_SETTING_PREFIXES = ("CARGO_PROFILE_", "CARGO_BUILD_", "CARGO_UNSTABLE_")
_SETTINGS = frozenset(
    {
        "RUSTFLAGS",
        "CARGO_ENCODED_RUSTFLAGS",
        "CARGO_INCREMENTAL",
        "RUSTC",
        "RUSTC_WRAPPER",
        "RUSTC_WORKSPACE_WRAPPER",
    }
)


def compile_settings(env: Mapping[str, str]) -> dict[str, str]:
    """The cargo and rustc settings in ``env``, by name."""
    return {k: env[k] for k in sorted(env) if k in _SETTINGS or k.startswith(_SETTING_PREFIXES)}


@dataclass(frozen=True)
class Completed:
    returncode: int
    seconds: float
    output: str


# How long a process group gets to exit after SIGTERM before it is killed.
GRACE_SECONDS = 5.0


def _new_group() -> dict[str, Any]:
    """Popen arguments that give the child a process group of its own: a terminal's Ctrl-C then
    reaches only the harness, which ends every build it started as a whole."""
    if sys.platform == "win32":
        return {"creationflags": subprocess.CREATE_NEW_PROCESS_GROUP}
    return {"start_new_session": True}


def end_group(proc: subprocess.Popen[bytes], grace: float = GRACE_SECONDS) -> None:
    """Stop ``proc`` and everything in its process group: TERM, then KILL after ``grace``."""
    if sys.platform == "win32":
        proc.kill()
        proc.wait()
        return
    for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, None)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            break  # nobody left in the group
        if wait is None:
            break
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline and _group_alive(proc.pid):
            proc.poll()
            time.sleep(0.05)
    proc.wait()


# The guard: a SIGKILL of the harness runs no handler, so the process groups its builds run in
# (see _new_group) would outlive it, cargo and rustc still compiling into a work dir the next
# run wipes. PR_SET_PDEATHSIG would reach only the direct child (the frontend), not cargo and
# rustc below it, and is tied to the thread that forked; so one small process per harness, in a
# session of its own (no terminal signal or killpg of the harness's group reaches it), reads the
# group of every running build from a pipe. When the pipe closes, whatever ended the harness,
# it ends every group still listed: SIGTERM, then SIGKILL after the same grace as end_group.
# Only the harness holds the pipe's write end (os.pipe's descriptors are not inherited).
GUARD_NAME = "pyo3-harness-guard"  # in its argv, so tests can tell it from a build
_GUARD_CODE = f"""
import os, signal, time
signal.signal(signal.SIGINT, signal.SIG_IGN)
groups, rest = set(), b""
while chunk := os.read(0, 4096):
    *lines, rest = (rest + chunk).split(b"\\n")
    for line in lines:
        (groups.add if line[:1] == b"+" else groups.discard)(int(line[1:]))
def alive(pgid):
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
for sig in (signal.SIGTERM, signal.SIGKILL):
    for pgid in groups:
        try:
            os.killpg(pgid, sig)
        except (ProcessLookupError, PermissionError):
            pass
    deadline = time.monotonic() + {GRACE_SECONDS}
    while sig == signal.SIGTERM and time.monotonic() < deadline and any(map(alive, groups)):
        time.sleep(0.05)
"""


@dataclass
class _Guard:
    proc: subprocess.Popen[bytes]
    fd: int  # the pipe's write end
    lock: threading.Lock


# Started by the first build. Not on Windows: there a job object would be the tool, and the
# harness does not make one yet (docs/faults.md says so).
_guard: list[_Guard] = []
_starting = threading.Lock()


def _ensure_guard() -> None:
    """Start the guard before the first build, so a build is told to it as soon as it runs."""
    if sys.platform == "win32":
        return
    with _starting:
        if not _guard:
            _guard.append(_start_guard())


def _tell_guard(pgid: int, running: bool) -> None:
    """Tell the guard that the build in process group ``pgid`` started or ended."""
    if not _guard:
        return
    guard = _guard[0]
    # The guard gone (killed by hand) costs only this protection: on any other exit the
    # harness still ends its builds itself.
    with guard.lock, contextlib.suppress(OSError):
        os.write(guard.fd, f"{'+' if running else '-'}{pgid}\n".encode())


def _start_guard() -> _Guard:
    read, write = os.pipe()
    try:
        proc = subprocess.Popen(
            [sys.executable, "-I", "-c", _GUARD_CODE, GUARD_NAME],
            cwd=Path(os.sep),  # holds no directory busy (a work dir an unmount needs free)
            env=clean_environment(os.environ),
            stdin=read,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
    finally:
        os.close(read)
    return _Guard(proc, write, threading.Lock())


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _finish(
    proc: subprocess.Popen[bytes], timeout: float | None, on_line: Callable[[str], None] | None
) -> tuple[int, bytes]:
    """Wait for ``proc`` while a thread keeps its output (handing each line to ``on_line``)."""
    chunks: list[bytes] = []

    def pump() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            chunks.append(line)
            if on_line is not None:
                on_line(line.decode("utf-8", "replace").rstrip("\r\n"))

    reader = threading.Thread(target=pump, daemon=True)
    reader.start()
    try:
        returncode = proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        end_group(proc)
        reader.join(timeout=GRACE_SECONDS)
        return 124, b"".join(chunks) + f"\ntimed out after {timeout}s".encode()
    except BaseException:
        end_group(proc)  # interrupted: leave nothing running
        raise
    # A build tool may leave helpers behind in its group after it exits; they would also
    # keep the output pipe open.
    end_group(proc, grace=0)
    reader.join()
    return returncode, b"".join(chunks)


class Runner(Protocol):
    """How the run starts a subprocess: ``run`` below, or in unit tests a replay of recorded
    output (tests/replay.py), so the engine's decisions are tested without a build."""

    def __call__(
        self,
        cmd: Sequence[str | os.PathLike[str]],
        *,
        cwd: Path,
        env: Mapping[str, str],
        log: Path | None = None,
        check: bool = True,
        timeout: float | None = None,
        on_line: Callable[[str], None] | None = None,
    ) -> Completed: ...


def run(
    cmd: Sequence[str | os.PathLike[str]],
    *,
    cwd: Path,
    env: Mapping[str, str],
    log: Path | None = None,
    check: bool = True,
    timeout: float | None = None,
    on_line: Callable[[str], None] | None = None,
) -> Completed:
    """Run ``cmd`` with stdout and stderr merged; optionally tee the whole output to ``log``
    and hand each line to ``on_line`` as it comes (progress for long builds).

    The command runs in a process group of its own; if it times out, or the harness is
    interrupted while it runs, the whole group is ended before this returns or raises.
    """
    argv = [os.fspath(c) for c in cmd]
    start = time.monotonic()
    _ensure_guard()
    try:
        proc = subprocess.Popen(
            argv,
            cwd=cwd,
            env=dict(env),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            **_new_group(),
        )
    except FileNotFoundError as exc:
        returncode, raw = 127, f"command not found: {argv[0]} ({exc})".encode()
    except OSError as exc:  # not executable, or not a format the system can run
        returncode, raw = 126, f"cannot execute {argv[0]} ({exc.strerror or exc})".encode()
    else:
        _tell_guard(proc.pid, running=True)
        try:
            returncode, raw = _finish(proc, timeout, on_line)
        finally:
            _tell_guard(proc.pid, running=False)
    seconds = time.monotonic() - start
    output = raw.decode("utf-8", "replace")
    if log is not None:
        log.parent.mkdir(parents=True, exist_ok=True)
        header = f"$ cd {cwd}\n$ {' '.join(argv)}\n"
        # UTF-8 whatever the locale: Windows' cp1252 cannot hold pip's progress bars.
        text = f"{header}{output}\n[exit {returncode} after {seconds:.2f}s]\n"
        log.write_text(text, encoding="utf-8")
    done = Completed(returncode=returncode, seconds=seconds, output=output)
    if check and returncode != 0:
        raise failure(argv, done, log)
    return done


def failure(cmd: Sequence[str | os.PathLike[str]], done: Completed, log: Path | None = None) -> HarnessError:
    """What a command that exited non-zero raises: a full disk, the network, or the command's
    own failure with the end of its output (``run``'s ``check``, or a caller that looked first)."""
    argv = [os.fspath(c) for c in cmd]
    tail = "\n".join(done.output.splitlines()[-30:])
    where = f" (log: {log})" if log else ""
    # A full disk stops the whole run, not just this step (tests/e2e/test_disk_full.py).
    if says_no_space(done.output):
        return NoSpace(f"command failed with exit {done.returncode}{where}: {' '.join(argv)}\n{tail}")
    offline = unreachable_line(done.output)
    if offline is not None:  # one line: what failed to connect, and what to do
        tool = argv[2] if argv[1:2] == ["-m"] and len(argv) > 2 else Path(argv[0]).name  # pip, not python
        return Unreachable(f"{tool} could not reach the network ({offline[:300]}): {OFFLINE_ADVICE}")
    return HarnessError(f"command failed with exit {done.returncode}{where}: {' '.join(argv)}\n{tail}")
