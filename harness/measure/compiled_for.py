"""What a wheel's pyo3 chain was compiled for, from cargo's records, against what the wheel says.

pyo3-ffi's build script exports the configuration it resolved (``cargo:PYO3_CONFIG=<hex>`` in
its run's ``output`` file, ``harness.measure.resolved_config``): implementation, version, abi3
and build flags (``Py_GIL_DISABLED`` for a free-threaded interpreter). Read after every build
from the newest run in the target dir, it is what the extension in that build's wheel was
compiled against. The wheel's tags say which interpreters will load it; the wheel check says
whether the interpreter it was installed on accepts those tags and imports it. A config of
another version or threading than the tags is a wrong build even when the import works: the
struct layouts and symbols the extension assumes are another interpreter's.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from packaging.tags import Tag
from packaging.utils import InvalidWheelFilename, parse_wheel_filename

from harness.measure.fingerprints import Snapshot
from harness.measure.resolved_config import exported_config, exporting_run, output_file

# The keys of pyo3's config that decide the interpreter an extension fits; the rest (paths,
# the library name) differ between a venv and its base and say nothing about the fit. pyo3
# 0.29+ writes the ABI as ``target_abi`` (``CPython-abi3-3.9``, ``CPython-gil_disabled-3.14``),
# older lines as ``abi3`` and the ``Py_GIL_DISABLED`` build flag.
KEYS = ("implementation", "version", "abi3", "target_abi", "build_flags")
_IMPLEMENTATION_TAGS = {"CPython": "cp", "PyPy": "pp", "GraalPy": "graalpy"}


def compiled_for(snap: Snapshot) -> dict[str, str] | None:
    """The fit-deciding part of the config the newest pyo3-ffi build in the snapshot's target
    dir exported; None when no pyo3-ffi was built there or its output is unreadable."""
    unit = exporting_run(snap)
    if unit is None:
        return None
    try:
        config = exported_config(output_file(snap, unit).read_text(encoding="utf-8"))
    except OSError:
        return None
    if config is None:
        return None
    return {key: config.get(key, "") for key in KEYS}


def _abi3(config: Mapping[str, str]) -> bool:
    return config.get("abi3") == "true" or "-abi3-" in config.get("target_abi", "")


def _free_threaded(config: Mapping[str, str]) -> bool:
    return "Py_GIL_DISABLED" in config.get("build_flags", "") or "gil_disabled" in config.get(
        "target_abi", ""
    )


def described(config: Mapping[str, str]) -> str:
    """``CPython 3.13`` / ``CPython 3.14 free-threaded`` / ``CPython 3.9 abi3``."""
    threading = " free-threaded" if _free_threaded(config) else ""
    abi3 = " abi3" if _abi3(config) else ""
    return f"{config.get('implementation', '?')} {config.get('version', '?')}{threading}{abi3}"


def _expected(config: Mapping[str, str]) -> tuple[str, str] | None:
    """The python and ABI tags a wheel of this config must carry; None for an unknown
    implementation (no verdict rather than a guess)."""
    prefix = _IMPLEMENTATION_TAGS.get(config.get("implementation", ""))
    major, _, minor = config.get("version", "").partition(".")
    if prefix is None or not (major.isdigit() and minor.isdigit()):
        return None
    python = f"{prefix}{major}{minor}"
    if _abi3(config):
        return python, "abi3"
    return python, f"{python}{'t' if _free_threaded(config) else ''}"


def mismatch(config: Mapping[str, str], wheel_file: str) -> str | None:
    """Why a wheel named ``wheel_file`` does not fit the config its pyo3 chain was compiled
    from; None when it does, or when either side cannot be read."""
    expected = _expected(config)
    try:
        tags: frozenset[Tag] = parse_wheel_filename(Path(wheel_file).name)[3]
    except InvalidWheelFilename:
        return None
    if expected is None or not tags:
        return None
    python, abi = expected
    if any(_fits(tag, python, abi) for tag in tags):
        return None
    shown = ", ".join(sorted(f"{t.interpreter}-{t.abi}" for t in tags))
    return f"compiled for {described(config)} (pyo3-ffi's build output), but the wheel is tagged {shown}"


def _fits(tag: Tag, python: str, abi: str) -> bool:
    if abi == "abi3":
        # An abi3 extension built for 3.N loads on every later 3.x: a newer python tag is fine.
        return (
            tag.abi == "abi3"
            and tag.interpreter[:2] == python[:2]
            and _minor(tag.interpreter) >= _minor(python)
        )
    return tag.interpreter == python and tag.abi == abi


def _minor(python_tag: str) -> int:
    digits = python_tag.lstrip("abcdefghijklmnopqrstuvwxyz")
    return int(digits[1:]) if len(digits) > 1 and digits.isdigit() else -1
