"""Naming what a failed build was missing, from the output of real tools failing that way
(tests/fixtures/failures/README.md says how each was recorded)."""

from pathlib import Path

import pytest

from harness.measure.failures import diagnose

FAILURES = Path(__file__).parents[1] / "fixtures" / "failures"


@pytest.mark.parametrize(
    ("log", "said"),
    [
        ("c-header.log", "missing C header pyo3_harness_missing.h (a -dev package)"),
        ("pkg-config.log", "missing system library pyo3-harness-missing"),
        ("pip-no-wheel.log", "missing build requirement pyo3-harness-missing==1.0 (no wheel here)"),
        ("python-import.log", "missing Python module pyo3_harness_missing in the build's interpreter"),
        ("cargo-linker.log", "missing linker pyo3-harness-missing-cc"),
    ],
)
def test_each_recorded_failure_is_named(log: str, said: str) -> None:
    assert diagnose((FAILURES / log).read_text()) == said


def test_the_hazard_samples_own_words_are_kept_as_they_are() -> None:
    line = "pyo3-harness-hazard: /usr/bin/python3.11 cannot import pyo3_harness_probe\n"
    assert (
        diagnose("   Compiling hazard v0.1.0\n" + line)
        == "/usr/bin/python3.11 cannot import pyo3_harness_probe"
    )


def test_an_unrecognised_failure_is_not_guessed() -> None:
    assert diagnose("error[E0425]: cannot find value `x` in this scope") is None


def test_a_compiler_killed_by_a_signal_is_named_with_what_to_do() -> None:
    said = diagnose((FAILURES / "killed-rustc.log").read_text())
    assert said is not None
    assert said.startswith("rustc was killed by signal 9 (SIGKILL: the kernel's OOM killer")
    assert "run again" in said and "CARGO_BUILD_JOBS=1" in said
