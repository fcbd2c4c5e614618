"""The config-file strategy's file: the lines pyo3 printed, from real runs of its build script."""

from pathlib import Path

import pytest

from harness.errors import HarnessError
from harness.workbench.pyo3_config import printed_config

LOGS = sorted((Path(__file__).parents[1] / "fixtures" / "print-config").glob("*.log"))


@pytest.mark.parametrize("log", LOGS, ids=[p.name for p in LOGS])
def test_the_config_is_the_key_value_lines_after_the_marker(log: Path) -> None:
    text = log.read_text()
    config = printed_config(text)
    lines = config.splitlines()
    assert lines[0] == "implementation=CPython" and config.endswith("\n")
    assert all("=" in line and not line.startswith(("cargo:", "note:")) for line in lines)
    executable = next(line for line in lines if line.startswith("executable="))
    assert executable in text and "lib_dir=" in config


def test_each_interpreter_gets_its_own_config() -> None:
    configs = {printed_config(log.read_text()) for log in LOGS}
    assert len(LOGS) == 2 and len(configs) == 2, "two base interpreters, two files"


def test_output_without_the_marker_or_values_is_refused() -> None:
    with pytest.raises(HarnessError, match="printed no configuration"):
        printed_config("   Compiling pyo3-ffi v0.29.2\nerror: linker `cc` not found\n")
    marker = "-- PYO3_PRINT_CONFIG=1 is set, printing configuration and halting compile --"
    with pytest.raises(HarnessError, match="had no key=value lines"):
        printed_config(f"  {marker}\n\n  note: unset the PYO3_PRINT_CONFIG environment variable\n")
