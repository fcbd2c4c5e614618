import json
from pathlib import Path

import pytest

from harness.measure.fingerprints import Snapshot, hash_hex, package_of, parse_dep_info, snapshot, unit_kind


def test_dep_info_recorded_from_a_real_build(fixtures: Path) -> None:
    info = parse_dep_info((fixtures / "dep-lib-pyo3_ext").read_bytes())
    assert info is not None
    assert ("package", "src/lib.rs") in info.files
    assert all(kind in ("package", "build") for kind, _ in info.files)


@pytest.mark.parametrize("data", [b"", b"\x01\x00\x00\x00\x00", b"\x01\x00\x00\x00\xff\x01\x05\x00"])
def test_dep_info_unknown_or_truncated_is_none(data: bytes) -> None:
    assert parse_dep_info(data) is None


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("run-build-script-build-script-build", "run-build-script"),
        ("build-script-build-script-build", "build-script"),
        ("lib-pyo3_ffi", "lib"),
        ("bin-tool", "bin"),
        ("weird", "other"),
    ],
)
def test_unit_kind(name: str, kind: str) -> None:
    assert unit_kind(name) == kind


def test_package_of_strips_only_a_16_hex_suffix() -> None:
    assert package_of("pyo3-ffi-0123456789abcdef") == "pyo3-ffi"
    assert package_of("pyo3-ffi") == "pyo3-ffi"


def test_hash_file_encoding_matches_json_dep_hashes(fixtures: Path) -> None:
    """cargo writes the u64 as little-endian hex; deps in the JSON give the u64."""
    data = json.loads((fixtures / "uv-stock-0.29.2-warm.fingerprints.json").read_text())
    after = Snapshot.from_json(data["after"])
    hashes = {u.hash for u in after.units.values()}
    dep_hashes = [hash_hex(int(d[3])) for u in after.units.values() for d in u.fingerprint.get("deps", [])]
    assert dep_hashes and set(dep_hashes) <= hashes


def test_snapshot_reads_a_target_dir_laid_out_like_cargo(fixtures: Path, tmp_path: Path) -> None:
    data = json.loads((fixtures / "uv-stock-0.29.2-warm.fingerprints.json").read_text())
    recorded = Snapshot.from_json(data["after"])
    unit = next(u for u in recorded.units.values() if u.package == "pyo3-ext")
    unit_dir = tmp_path / "target" / "release" / ".fingerprint" / unit.directory
    unit_dir.mkdir(parents=True)
    (unit_dir / unit.target).write_text(unit.hash)
    (unit_dir / f"{unit.target}.json").write_text(json.dumps(unit.fingerprint))
    (unit_dir / f"dep-{unit.target}").write_bytes((fixtures / "dep-lib-pyo3_ext").read_bytes())
    (unit_dir / "invoked.timestamp").write_text("")
    unfinished = tmp_path / "target" / "release" / ".fingerprint" / "half-0123456789abcdef"
    unfinished.mkdir()
    (unfinished / "invoked.timestamp").write_text("")

    snap = snapshot(tmp_path / "target")
    assert list(snap.units) == [f"release/{unit.directory}"]
    read = snap.units[f"release/{unit.directory}"]
    assert (read.package, read.kind, read.hash) == ("pyo3-ext", "lib", unit.hash)
    assert read.dep_info is not None and ("package", "src/lib.rs") in read.dep_info.files
    assert Snapshot.from_json(snap.to_json()) == snap
