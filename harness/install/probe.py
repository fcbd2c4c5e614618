"""``pyo3-harness-probe``: a build requirement that exists only in the harness's wheelhouse.

Samples that check whether a build script can still reach its build requirements import it.
No base interpreter has it (cffi, by contrast, is often installed system-wide and would
hide the break), so a successful import proves the build environment was reached.

The ``requirements-bump`` scenario builds once more from a wheelhouse that serves
``BUMPED`` instead of ``VERSION``: only the build environment changes, never the project.
"""

from __future__ import annotations

import base64
import hashlib
import shutil
import zipfile
from pathlib import Path

from harness.files import locked

NAME = "pyo3_harness_probe"
DISTRIBUTION = "pyo3-harness-probe"
VERSION = "1.0"
BUMPED = "2.0"


def wheel_name(version: str = VERSION) -> str:
    return f"{NAME}-{version}-py3-none-any.whl"


WHEEL = wheel_name()


def _files(version: str) -> dict[str, str]:
    return {
        f"{NAME}.py": '"""Importable only where the build requirements were installed."""\n',
        f"{NAME}-{version}.dist-info/METADATA": (
            f"Metadata-Version: 2.1\nName: {DISTRIBUTION}\nVersion: {version}\n"
            "Summary: Build-requirement probe written by pyo3-frontend-harness\n"
        ),
        f"{NAME}-{version}.dist-info/WHEEL": (
            "Wheel-Version: 1.0\nGenerator: pyo3-frontend-harness\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
        ),
    }


def _record_line(name: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{name},sha256={digest},{len(data)}"


def ensure_probe_wheel(wheelhouse: Path, version: str = VERSION) -> Path:
    """Write the probe wheel of ``version`` into ``wheelhouse`` (byte-identical every time)."""
    name = wheel_name(version)
    path = wheelhouse / name
    with locked(path):
        if path.exists():
            return path
        files = _files(version)
        record_name = f"{NAME}-{version}.dist-info/RECORD"
        lines = [_record_line(n, t.encode()) for n, t in files.items()] + [f"{record_name},,"]
        tmp = path.with_name(f".{name}.tmp")
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zf:
            for member, text in {**files, record_name: "\n".join(lines) + "\n"}.items():
                info = zipfile.ZipInfo(member, date_time=(1980, 1, 1, 0, 0, 0))
                info.external_attr = 0o644 << 16
                zf.writestr(info, text)
        tmp.replace(path)
    return path


def bumped_wheelhouse(wheelhouse: Path, dest: Path) -> Path:
    """``dest`` made anew: every wheel of ``wheelhouse`` (linked, not copied), but the probe at
    ``BUMPED`` in place of ``VERSION``. Only ``BUMPED`` is there, so a frontend that resolves
    afresh cannot pick the old one."""
    shutil.rmtree(dest, ignore_errors=True)
    dest.mkdir(parents=True)
    for wheel in wheelhouse.glob("*.whl"):
        if not wheel.name.startswith(f"{NAME}-"):
            (dest / wheel.name).symlink_to(wheel.resolve())
    ensure_probe_wheel(dest, BUMPED)
    return dest
