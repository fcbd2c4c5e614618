import re
from pathlib import Path

import pytest

from harness.errors import HarnessError
from harness.install.crates import index_path
from harness.install.patches import available, load_series
from harness.pins import load_pins


def test_pins_file_names_exact_versions(tmp_path: Path) -> None:
    pins = load_pins()
    versions = [pins.pip, pins.build, pins.uv, pins.uv_source, pins.maturin, pins.setuptools_rust]
    assert all(re.fullmatch(r"\d+(\.\d+)+", v) for v in [*versions, *pins.pyo3_versions]), versions
    assert f"maturin=={pins.maturin}" in pins.wheelhouse_requirements()
    assert f"setuptools-rust=={pins.setuptools_rust}" in pins.wheelhouse_requirements()
    # Every value comes from the file: a copy with other versions reads as those versions.
    text = (Path(pins.path)).read_text()
    other = tmp_path / "pins.toml"
    other.write_text(text.replace(f'"{pins.pip}"', '"1.2.3"', 1))
    assert load_pins(other).pip == "1.2.3" and load_pins(other).digest != pins.digest


def test_bad_pins_file_is_named(tmp_path: Path) -> None:
    bad = tmp_path / "pins.toml"
    bad.write_text("[frontends]\npip = '1'\n")
    with pytest.raises(HarnessError, match=str(bad)):
        load_pins(bad)


@pytest.mark.parametrize(
    ("name", "path"),
    [("a", "1/a"), ("cc", "2/cc"), ("syn", "3/s/syn"), ("pyo3-build-config", "py/o3/pyo3-build-config")],
)
def test_sparse_index_path(name: str, path: str) -> None:
    assert index_path(name) == path


def test_every_pinned_pyo3_has_a_patch_series() -> None:
    pins = load_pins()
    assert set(pins.pyo3_versions) <= set(available("pyo3"))
    for version in pins.pyo3_versions:
        series = load_series("pyo3", version)
        assert series.patches and all(p.suffix == ".patch" for p in series.patches)


def test_missing_series_lists_what_exists() -> None:
    with pytest.raises(HarnessError, match=r"series exist for .*0\.29\.2"):
        load_series("pyo3", "0.0.1")
