"""What results record about the machine and toolchain, read from the real ones."""

import os
from pathlib import Path

from harness.measure.machine import machine, tool_version, toolchain


def test_machine_reports_this_machines_cpus_and_memory() -> None:
    found = machine()
    assert found.cpus == os.cpu_count()
    if Path("/proc/meminfo").exists():
        assert isinstance(found.memory_gib, float) and found.memory_gib > 0


def test_toolchain_is_the_first_line_of_each_tools_version() -> None:
    env = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/")}
    found = toolchain(env)
    assert str(found.rustc).startswith("rustc 1.") and str(found.cargo).startswith("cargo 1.")


def test_a_tool_that_fails_or_says_nothing_has_no_version() -> None:
    env = {"PATH": "/usr/bin:/bin"}
    assert tool_version(["false"], env) is None
    assert tool_version(["true"], env) is None
