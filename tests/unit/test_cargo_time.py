"""cargo's own time, from logs of real frontend builds (tests/fixtures/cargo-output/)."""

from pathlib import Path

from harness.measure.cargo_time import cargo_seconds

LOGS = Path(__file__).parents[1] / "fixtures" / "cargo-output"


def test_seconds_from_a_real_warm_build() -> None:
    # `python -m build --wheel` of the hazard sample: maturin runs cargo once.
    log = (LOGS / "build-hazard-warm.log").read_text(encoding="utf-8")
    assert "Finished `release` profile [optimized] target(s) in" in log
    assert cargo_seconds(log) == 13.99


def test_no_finished_line_is_unknown() -> None:
    assert cargo_seconds("error: could not compile `pyo3-ext`\n") is None


def test_minutes_from_a_real_uv_build() -> None:
    # The last lines of the harness's log of building the patched uv 0.12.5 here.
    log = (LOGS / "uv-build-tail.log").read_text(encoding="utf-8")
    assert cargo_seconds(log) == 32 * 60 + 34


def test_seconds_through_uvs_verbose_prefix() -> None:
    # `uv sync -v` of pyo3-ext (stock, first sync after a build): uv prefixes the backend's lines.
    log = (LOGS / "uv-sync-verbose-warm.log").read_text(encoding="utf-8")
    assert "DEBUG     Finished `release` profile [optimized] target(s) in 4.16s" in log
    assert cargo_seconds(log) == 4.16
