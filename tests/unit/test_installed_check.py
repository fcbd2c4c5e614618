"""What an installing frontend left behind, checked in a real environment: a distribution
installed by pip from a wheel written here, with an "extension module" in its RECORD."""

import base64
import hashlib
import os
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from harness.measure.wheelcheck import check_installed
from harness.model.results import Wheel
from harness.venvs import executable

FILES = {
    "demo_pkg/__init__.py": "VALUE = 3\n",
    # Never imported: it stands for the compiled module whose age tells a stale edit loop.
    "demo_pkg/_native.cpython-311-x86_64-linux-gnu.so": "not really a shared object\n",
    "demo_pkg-1.0.dist-info/METADATA": "Metadata-Version: 2.1\nName: demo-pkg\nVersion: 1.0\n",
    "demo_pkg-1.0.dist-info/WHEEL": (
        "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: false\nTag: py3-none-any\n"
    ),
}


def _wheel(where: Path) -> Path:
    path = where / "demo_pkg-1.0-py3-none-any.whl"
    record = []
    with zipfile.ZipFile(path, "w") as zf:
        for name, text in FILES.items():
            zf.writestr(name, text)
            digest = base64.urlsafe_b64encode(hashlib.sha256(text.encode()).digest()).rstrip(b"=").decode()
            record.append(f"{name},sha256={digest},{len(text)}")
        zf.writestr("demo_pkg-1.0.dist-info/RECORD", "\n".join([*record, "demo_pkg-1.0.dist-info/RECORD,,"]))
    return path


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    where = tmp_path_factory.mktemp("installed")
    subprocess.run([sys.executable, "-m", "venv", where / "env"], check=True)
    python = executable(where / "env", "python")
    subprocess.run([python, "-m", "pip", "install", "--no-index", "-q", _wheel(where)], check=True)
    return python


def _check(python: Path, tmp_path: Path, check: str, edited_before: float | None) -> Wheel:
    env = {"PATH": os.environ["PATH"]}
    return check_installed(
        "demo-pkg",
        python=python,
        check=check,
        edited_before=edited_before,
        workdir=tmp_path,
        env=env,
        log=tmp_path / "check.log",
    )


def test_the_installed_distribution_is_imported_and_called(installed: Path, tmp_path: Path) -> None:
    found = _check(installed, tmp_path, "assert demo_pkg.VALUE == 3\n", None)
    assert found.ok and found.modules == ["demo_pkg"] and found.fresh is None
    failed = _check(installed, tmp_path, "assert demo_pkg.VALUE == 4\n", None)
    assert not failed.ok and "AssertionError" in failed.detail


def test_an_extension_older_than_the_edit_is_a_stale_edit_loop(installed: Path, tmp_path: Path) -> None:
    fresh = _check(installed, tmp_path, "", edited_before=time.time() - 3600)
    assert fresh.ok and fresh.fresh is True
    stale = _check(installed, tmp_path, "", edited_before=time.time() + 3600)
    assert not stale.ok and stale.fresh is False
    assert "_native.cpython-311-x86_64-linux-gnu.so" in stale.detail
