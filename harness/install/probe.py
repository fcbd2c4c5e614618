"""``pyo3-harness-probe``: a build requirement that exists only in the harness's wheelhouse.

Samples that check whether a build script can still reach its build requirements import it.
No base interpreter has it (cffi, by contrast, is often installed system-wide and would
hide the break), so a successful import proves the build environment was reached.
"""

from __future__ import annotations

import base64
import hashlib
import zipfile
from pathlib import Path

from harness.files import locked

NAME = "pyo3_harness_probe"
VERSION = "1.0"
WHEEL = f"{NAME}-{VERSION}-py3-none-any.whl"

_FILES = {
    f"{NAME}.py": '"""Importable only where the build requirements were installed."""\n',
    f"{NAME}-{VERSION}.dist-info/METADATA": (
        f"Metadata-Version: 2.1\nName: pyo3-harness-probe\nVersion: {VERSION}\n"
        "Summary: Build-requirement probe written by pyo3-frontend-harness\n"
    ),
    f"{NAME}-{VERSION}.dist-info/WHEEL": (
        "Wheel-Version: 1.0\nGenerator: pyo3-frontend-harness\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
    ),
}


def _record_line(name: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{name},sha256={digest},{len(data)}"


def ensure_probe_wheel(wheelhouse: Path) -> Path:
    """Write the probe wheel into ``wheelhouse`` (byte-identical every time)."""
    path = wheelhouse / WHEEL
    with locked(path):
        if path.exists():
            return path
        record_name = f"{NAME}-{VERSION}.dist-info/RECORD"
        lines = [_record_line(n, t.encode()) for n, t in _FILES.items()] + [f"{record_name},,"]
        tmp = path.with_name(f".{WHEEL}.tmp")
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zf:
            for name, text in {**_FILES, record_name: "\n".join(lines) + "\n"}.items():
                info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
                info.external_attr = 0o644 << 16
                zf.writestr(info, text)
        tmp.replace(path)
    return path
