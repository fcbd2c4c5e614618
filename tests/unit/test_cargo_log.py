"""Crates compiled, read from cargo's output, for sdist builds whose target dir is gone."""

import json
from pathlib import Path

from harness.measure.cargo_log import compiled_from_log

FAILURES = Path(__file__).parents[1] / "fixtures" / "failures"


def test_every_compiling_line_is_a_new_unit_in_build_order(fixtures: Path) -> None:
    # A real cold build's crates, as cargo printed them (the recorded run's log is not kept, so
    # its crate list is spelled the way cargo spells it).
    recorded = json.loads((fixtures / "uv-pyo3-ext.results.json").read_text())
    cold = recorded["cells"][0]["builds"][0]
    output = "".join(f"   Compiling {crate} v1.0.0\n" for crate in cold["rebuilt"])
    found = compiled_from_log("warning: unused\n" + output + "    Finished `release` profile\n")
    assert found.rebuilt == cold["rebuilt"]
    assert found.reran == []
    assert found.units == [f"{c} (compiled)" for c in cold["rebuilt"]]
    assert {(c.kind, c.unit_kind) for c in found.causes} == {("new", "compiled")}


def test_a_crate_compiled_twice_counts_once_and_paths_do_not_matter() -> None:
    real = (FAILURES / "cargo-linker.log").read_text()
    assert "Compiling lk v0.1.0 (" in real
    found = compiled_from_log(real + real)
    assert found.rebuilt == ["lk"]
    assert compiled_from_log("nothing compiled").rebuilt == []
