"""The ``config-file`` strategy's file: pyo3's own description of an interpreter, pinned.

pyo3's build script prints the configuration it resolved and stops when
``PYO3_PRINT_CONFIG=1`` is set. We run it for the frontend's base interpreter, store the
output under its content hash (so a different interpreter gets a different path) and pin the
file's mtime, as CI setups that export ``PYO3_CONFIG_FILE`` do.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping
from pathlib import Path

from harness.errors import HarnessError
from harness.files import locked, write_atomic
from harness.measure.fingerprints import snapshot
from harness.measure.resolved_config import (
    exported_config,
    exporting_run,
    inputs_for,
    output_file,
    parse_config,
    tracked_env,
)
from harness.process import run
from harness.workbench.workcopy import root_manifest

_MARKER = "-- PYO3_PRINT_CONFIG=1 is set, printing configuration and halting compile --"
PINNED_MTIME = 315532800  # 1980-01-01, the oldest time a zip (and so a wheel) can hold


def printed_config(output: str) -> str:
    """The ``key=value`` lines pyo3's build script printed after its marker."""
    lines = output.splitlines()
    try:
        start = next(i for i, line in enumerate(lines) if _MARKER in line) + 1
    except StopIteration:
        raise HarnessError(
            "pyo3 printed no configuration (no PYO3_PRINT_CONFIG marker in cargo's output)"
        ) from None
    config = []
    for line in lines[start:]:
        text = line.strip()
        if "=" not in text or text.startswith(("warning:", "error")):
            break
        config.append(text)
    if not config:
        raise HarnessError("pyo3's PYO3_PRINT_CONFIG output had no key=value lines")
    return "\n".join(config) + "\n"


def generate_config_file(
    src: Path, python: str, *, store: Path, scratch: Path, env: Mapping[str, str], log: Path
) -> Path:
    """Print pyo3's config for ``python`` using the project's own pyo3, and store it pinned."""
    manifest = root_manifest(src)
    build_env = {
        **env,
        "PYO3_PRINT_CONFIG": "1",
        "PYO3_PYTHON": python,
        # Its own target dir: the project's fingerprints must not see this build.
        "CARGO_TARGET_DIR": str(scratch),
        "CARGO_NET_OFFLINE": "true",
    }
    done = run(
        ["cargo", "build", "--manifest-path", manifest, "-p", "pyo3-ffi"],
        cwd=src,
        env=build_env,
        log=log,
        check=False,
    )
    text = printed_config(done.output)
    path = store / f"pyo3-config-{hashlib.sha256(text.encode()).hexdigest()[:16]}.txt"
    with locked(path):
        if not path.exists() or path.read_text() != text:
            write_atomic(path, text)
        os.utime(path, (PINNED_MTIME, PINNED_MTIME))
    return path


def resolve_now(
    src: Path, tracked: Mapping[str, str | None], *, env: Mapping[str, str], scratch: Path, log: Path
) -> str:
    """What pyo3 resolves now from the inputs a build's pyo3 tracked (``tracked``: each
    variable's recorded value, None for unset), as pyo3 prints it; in a target dir of its own."""
    build_env = {k: v for k, v in env.items() if not k.startswith("PYO3_")}
    for name, value in tracked.items():
        if value is None:
            build_env.pop(name, None)
        else:
            build_env[name] = value
    build_env.update(
        {"PYO3_PRINT_CONFIG": "1", "CARGO_TARGET_DIR": str(scratch), "CARGO_NET_OFFLINE": "true"}
    )
    done = run(
        ["cargo", "build", "--manifest-path", root_manifest(src), "-p", "pyo3-ffi"],
        cwd=src,
        env=build_env,
        log=log,
        check=False,
    )
    return printed_config(done.output)


def stale_evidence(
    src: Path, target: Path, python: str, *, env: Mapping[str, str], scratch: Path, log: Path
) -> tuple[dict[str, str] | None, dict[str, str] | None]:
    """The config the pyo3 build in ``target`` was resolved from, and what pyo3 resolves now
    from the same tracked inputs with ``python`` as the interpreter (None where unknown)."""
    snap = snapshot(target)
    unit = exporting_run(snap)
    if unit is None:
        return None, None
    try:
        reused = exported_config(output_file(snap, unit).read_text(encoding="utf-8"))
    except OSError:
        reused = None
    try:
        printed = resolve_now(src, inputs_for(tracked_env(snap), python), env=env, scratch=scratch, log=log)
    except HarnessError:
        return reused, None
    return reused, parse_config(printed)
