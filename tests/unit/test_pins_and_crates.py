import json
import re
from pathlib import Path

import pytest

from harness.errors import HarnessError, UsageError
from harness.install.crates import index_path
from harness.install.frontends import FRONTENDS, needed_pins
from harness.install.patches import available, load_series
from harness.pins import DEFAULT_PINS, load_pins, require_frontends

FIXTURES = Path(__file__).parents[1] / "fixtures"


def test_pins_file_names_exact_versions(tmp_path: Path) -> None:
    pins = load_pins()
    versions = [*pins.frontends.values(), *pins.sources.values(), pins.maturin, pins.setuptools_rust]
    assert all(re.fullmatch(r"\d+(\.\d+)+", v) for v in [*versions, *pins.pyo3_versions]), versions
    assert f"maturin=={pins.maturin}" in pins.wheelhouse_requirements()
    assert f"setuptools-rust=={pins.setuptools_rust}" in pins.wheelhouse_requirements()
    # Every value comes from the file: a copy with other versions reads as those versions.
    text = (Path(pins.path)).read_text()
    other = tmp_path / "pins.toml"
    other.write_text(text.replace(f'"{pins.frontends["pip"]}"', '"1.2.3"', 1))
    assert load_pins(other).frontends["pip"] == "1.2.3" and load_pins(other).digest != pins.digest


def test_frontend_pins_are_keyed_by_package_and_source_pins_by_their_package() -> None:
    pins = load_pins()
    # Every frontend plug-in finds its release pin under its package, and a compiled one its
    # source pin ("uv-source" in the file) under the same package.
    assert {f.package for f in FRONTENDS.values()} <= set(pins.frontends)
    assert "uv" in pins.sources and "uv-source" not in pins.frontends
    assert require_frontends(pins, needed_pins(FRONTENDS.values())) is pins


@pytest.mark.parametrize("fixture", ["uv-pyo3-ext.results.json", "build-safety/results.json"])
def test_pins_are_recorded_in_the_shape_results_files_have(fixture: str) -> None:
    """Results files record ``Pins.as_dict``; the recorded fixtures must keep reading the same."""
    recorded = json.loads((FIXTURES / fixture).read_text(encoding="utf-8"))["pins"]
    written = load_pins().as_dict()
    assert list(written) == list(recorded)
    assert {k: type(v) for k, v in written.items()} == {k: type(v) for k, v in recorded.items()}


def test_a_pins_file_without_a_frontends_pin_is_refused(tmp_path: Path) -> None:
    lacking = tmp_path / "pins.toml"
    lacking.write_text(DEFAULT_PINS.read_text(encoding="utf-8").replace("\nuv-source = ", "\n# uv-source = "))
    pins = load_pins(lacking)
    assert "uv" not in pins.sources
    with pytest.raises(UsageError, match=r"no 'uv-source' entry in \[frontends\]"):
        require_frontends(pins, needed_pins(FRONTENDS.values()))
    wrong = tmp_path / "wrong.toml"
    wrong.write_text(DEFAULT_PINS.read_text(encoding="utf-8").replace('pip = "', "pip = 1 #", 1))
    with pytest.raises(UsageError, match="pip = 1 is not a version string"):
        load_pins(wrong)


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
