from pathlib import Path

from harness.files import filled_once
from harness.install.cache import Cache
from harness.install.pyo3 import CONFIG_CRATE, honours_base_python, prepare


def fake_crate(cache: Cache, version: str, source: str) -> Path:
    """A crate as crates.crate_source leaves it, filled through the same filled_once."""

    def fill(root: Path) -> None:
        (root / "src").mkdir(parents=True)
        (root / "src" / "impl_.rs").write_text(source)
        (root / "Cargo.toml").write_text(f'[package]\nname = "{CONFIG_CRATE}"\nversion = "{version}"\n')

    return filled_once(cache.crates / "src" / f"{CONFIG_CRATE}-{version}", fill, marker="Cargo.toml")


def test_a_release_that_reads_the_variable_is_used_unpatched(tmp_path: Path) -> None:
    cache = Cache(tmp_path)
    fake_crate(cache, "9.9.9", 'fn f() { env_var("PYO3_BASE_PYTHON"); }')
    pyo3 = prepare(cache, "9.9.9", base_support=True, env={})
    assert (pyo3.support, pyo3.overrides) == ("native", {})
    assert pyo3.describe() == "9.9.9 (native)"


def test_stock_needs_nothing(tmp_path: Path) -> None:
    pyo3 = prepare(Cache(tmp_path), "0.29.2", base_support=False, env={})
    assert (pyo3.support, pyo3.overrides, pyo3.describe()) == ("stock", {}, "0.29.2 (stock)")


def test_detection_reads_the_source(tmp_path: Path) -> None:
    root = fake_crate(Cache(tmp_path), "1.0.0", 'fn f() { env_var("PYO3_PYTHON"); }')
    assert not honours_base_python(root)
