"""A patch series covers its release line: exact series first, else the newest of the line."""

from pathlib import Path

import pytest

from harness.errors import HarnessError
from harness.install import patches


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for version in ("0.28.3", "0.29.1", "0.29.2", "0.30.1"):
        series = tmp_path / "pyo3" / version
        series.mkdir(parents=True)
        (series / "0001-x.patch").write_text(f"{version}\n")
        (series / "series").write_text("0001-x.patch\n")
    monkeypatch.setattr(patches, "patches_root", lambda: tmp_path)
    return tmp_path


def test_release_line_is_major_minor() -> None:
    assert patches.release_line("0.29.3") == "0.29"
    assert patches.release_line("1.16.0") == "1.16"
    assert patches.release_line("26.3") == "26.3"


def test_own_series_wins_then_the_newest_of_the_line(root: Path) -> None:
    assert patches.series_version("pyo3", "0.29.1") == "0.29.1"
    assert patches.series_version("pyo3", "0.29.3") == "0.29.2"
    assert patches.series_version("pyo3", "0.29.0") == "0.29.2"
    assert patches.covering("0.29.0", ["0.28.3", "0.29.0", "0.29.2"]) == "0.29.0"
    assert patches.covering("0.30.0", ["0.28.3", "0.29.2"]) is None
    loaded = patches.load_series("pyo3", "0.29.3")
    assert loaded.version == "0.29.3" and loaded.patches[0].parent.name == "0.29.2"


def test_a_release_outside_every_line_says_what_exists_and_how_to_add_one(root: Path) -> None:
    with pytest.raises(HarnessError) as raised:
        patches.series_version("pyo3", "0.31.0")
    text = str(raised.value)
    assert "no patch series for pyo3 0.31.0 (release line 0.31)" in text
    assert "0.28.3, 0.29.1, 0.29.2, 0.30.1" in text
    assert "patches/pyo3/0.31.0/" in text and "pyo3-harness patches check --tool pyo3" in text
