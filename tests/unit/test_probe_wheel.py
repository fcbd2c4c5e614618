"""The build-requirement probe wheel: valid, byte-identical on every write, importable."""

import base64
import hashlib
import subprocess
import sys
import zipfile
from pathlib import Path

from harness.install.probe import BUMPED, NAME, bumped_wheelhouse, ensure_probe_wheel, wheel_name


def test_the_wheel_records_every_member_with_its_real_hash(tmp_path: Path) -> None:
    wheel = ensure_probe_wheel(tmp_path)
    with zipfile.ZipFile(wheel) as zf:
        record = next(n for n in zf.namelist() if n.endswith("/RECORD"))
        rows = [line.split(",") for line in zf.read(record).decode().splitlines()]
        for name, hashed, size in rows:
            if name == record:
                assert (hashed, size) == ("", "")
                continue
            data = zf.read(name)
            expected = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
            assert (hashed, size) == (f"sha256={expected}", str(len(data)))
        assert sorted(r[0] for r in rows) == sorted(zf.namelist())


def test_writing_it_again_elsewhere_gives_the_same_bytes(tmp_path: Path) -> None:
    first = ensure_probe_wheel(tmp_path / "a")
    second = ensure_probe_wheel(tmp_path / "b")
    assert first.read_bytes() == second.read_bytes()
    assert ensure_probe_wheel(tmp_path / "a") == first


def test_an_interpreter_with_the_wheel_on_its_path_imports_the_probe(tmp_path: Path) -> None:
    wheel = ensure_probe_wheel(tmp_path)
    done = subprocess.run(
        [sys.executable, "-I", "-c", f"import sys; sys.path.insert(0, {str(wheel)!r}); import {NAME}"],
        cwd=tmp_path,
        env={},
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode == 0, done.stderr


def test_the_bumped_wheelhouse_serves_the_bumped_probe_and_every_other_wheel(tmp_path: Path) -> None:
    house = tmp_path / "house"
    ensure_probe_wheel(house)
    (house / "maturin-1.16.0-py3-none-linux_x86_64.whl").write_bytes(b"not really a wheel")
    bumped = bumped_wheelhouse(house, tmp_path / "bumped")
    names = sorted(p.name for p in bumped.glob("*.whl"))
    assert names == ["maturin-1.16.0-py3-none-linux_x86_64.whl", wheel_name(BUMPED)]
    assert (bumped / names[0]).read_bytes() == b"not really a wheel"
    with zipfile.ZipFile(bumped / wheel_name(BUMPED)) as zf:
        metadata = zf.read(f"{NAME}-{BUMPED}.dist-info/METADATA").decode()
    assert f"Version: {BUMPED}\n" in metadata
    # Made anew each time: nothing of an earlier bump stays.
    (bumped / "stale.whl").write_bytes(b"")
    assert "stale.whl" not in [p.name for p in bumped_wheelhouse(house, bumped).iterdir()]
