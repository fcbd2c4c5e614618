"""Crates compiled, read from cargo's output, for sdist builds whose target dir is gone."""

from pathlib import Path

from harness.measure.cargo_log import compiled_from_log
from harness.model.results import RunResult
from tests.conftest import recorded_log

FAILURES = Path(__file__).parents[1] / "fixtures" / "failures"


def test_a_crate_compiled_twice_counts_once_and_paths_do_not_matter() -> None:
    real = (FAILURES / "cargo-linker.log").read_text()
    assert "Compiling lk v0.1.0 (" in real
    found = compiled_from_log(real + real)
    assert found.rebuilt == ["lk"]
    assert compiled_from_log("nothing compiled").rebuilt == []


def test_cargo_output_names_the_crates_the_fingerprints_name(safety: RunResult) -> None:
    """In a real run, the crates cargo printed agree with those its records show rebuilt, each a
    new unit (what an sdist build, whose target dir is gone, is measured from)."""
    for cell in safety.cells:
        for build in cell.builds:
            output = recorded_log(build)
            if build.ok and build.rebuilt:
                assert output, f"{build.log} was recorded"
                found = compiled_from_log(output)
                assert set(found.rebuilt) == set(build.rebuilt), build.log
                assert found.units == [f"{c} (compiled)" for c in found.rebuilt] and found.reran == []
                assert {(c.kind, c.unit_kind) for c in found.causes} == {("new", "compiled")}
