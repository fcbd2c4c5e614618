"""What a wheel's pyo3 chain was compiled for, against its tags: fed with the configs pyo3-ffi
exported in a real run (tests/fixtures/build-safety) and in a real target dir."""

import json
from pathlib import Path

import pytest

from harness.measure.compiled_for import KEYS, compiled_for, described, mismatch
from harness.measure.fingerprints import snapshot
from harness.model.results import RunResult

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def _recorded(safety: RunResult, cell_id: str) -> dict[str, str]:
    cell = next(c for c in safety.cells if c.id == cell_id)
    config = next(b.pyo3_config for b in cell.builds if b.pyo3_config)
    assert config is not None
    return {key: config.get(key, "") for key in KEYS}


def test_a_wheel_tagged_for_what_pyo3_resolved_fits(safety: RunResult) -> None:
    config = _recorded(safety, "build--env-dir--pyo3-ext--pyo3-0.29.2")
    assert described(config) == "CPython 3.11"
    assert mismatch(config, "pyo3_ext-0.1.0-cp311-cp311-linux_x86_64.whl") is None
    abi3 = _recorded(safety, "build--stock--pyo3-ext-abi3--pyo3-0.29.2")
    assert described(abi3) == "CPython 3.9 abi3"
    assert mismatch(abi3, "pyo3_ext_abi3-0.1.0-cp39-abi3-linux_x86_64.whl") is None


@pytest.mark.parametrize(
    ("wheel", "why"),
    [
        # The v2 series with a base of another version: resolved 3.11, maturin tagged 3.13.
        (
            "pyo3_ext-0.1.0-cp313-cp313-linux_x86_64.whl",
            "compiled for CPython 3.11 (pyo3-ffi's build output), but the wheel is tagged cp313-cp313",
        ),
        ("pyo3_ext-0.1.0-cp311-cp311t-linux_x86_64.whl", "tagged cp311-cp311t"),  # free-threaded
        ("pyo3_ext-0.1.0-cp311-abi3-linux_x86_64.whl", "tagged cp311-abi3"),  # abi3 it is not
    ],
)
def test_a_wheel_tagged_for_another_interpreter_is_named(safety: RunResult, wheel: str, why: str) -> None:
    config = _recorded(safety, "build--env-dir--pyo3-ext--pyo3-0.29.2")
    found = mismatch(config, wheel)
    assert found is not None and why in found


def test_free_threaded_and_older_lines_spellings() -> None:
    free = {"implementation": "CPython", "version": "3.14", "target_abi": "CPython-gil_disabled-3.14"}
    assert described(free) == "CPython 3.14 free-threaded"
    assert mismatch(free, "x-1-cp314-cp314t-linux_x86_64.whl") is None
    assert mismatch(free, "x-1-cp314-cp314-linux_x86_64.whl") is not None
    old = {"implementation": "CPython", "version": "3.8", "abi3": "true", "build_flags": ""}  # pyo3 0.28
    assert mismatch(old, "x-1-cp38-abi3-linux_x86_64.whl") is None
    assert mismatch(old, "x-1-cp37-abi3-linux_x86_64.whl") is not None, "abi3 for 3.8 does not load on 3.7"
    assert mismatch({"implementation": "Jython", "version": "2.7"}, "x-1-cp311-cp311-any.whl") is None


def test_read_from_a_real_target_dir(tmp_path: Path) -> None:
    """The exported config in a pyo3-ffi build-script run's output file, where cargo keeps it."""
    run_dir = tmp_path / "release" / "build" / "pyo3-ffi-0123456789abcdef"
    run_dir.mkdir(parents=True)
    config = "implementation=CPython\nversion=3.13\nshared=true\ntarget_abi=CPython-gil_enabled-3.13\n"
    (run_dir / "output").write_text(f"cargo:rustc-cfg=Py_3_13\ncargo:PYO3_CONFIG={config.encode().hex()}\n")
    fingerprint = tmp_path / "release" / ".fingerprint" / "pyo3-ffi-0123456789abcdef"
    fingerprint.mkdir(parents=True)
    (fingerprint / "run-build-script-build-script-build").write_text("0123")
    (fingerprint / "run-build-script-build-script-build.json").write_text(json.dumps({"local": []}))
    found = compiled_for(snapshot(tmp_path))
    assert found is not None and described(found) == "CPython 3.13"
    assert compiled_for(snapshot(tmp_path / "elsewhere")) is None
