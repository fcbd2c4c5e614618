from pathlib import Path

import pytest

from harness.errors import HarnessError
from harness.install.crates import index_path
from harness.install.patches import available, load_series
from harness.pins import load_pins


def test_pins_file_names_exact_versions() -> None:
    pins = load_pins()
    assert pins.pip == "26.3" and pins.build == "1.6.1" and pins.uv == "0.13.9"
    assert pins.uv_source == "0.12.5" and pins.maturin == "1.16.0"
    assert pins.setuptools_rust == "1.13.0"
    assert pins.pyo3_versions[:2] == ("0.29.2", "0.28.3")
    assert "maturin==1.16.0" in pins.wheelhouse_requirements()


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
