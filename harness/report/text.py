"""Sentences the reports print: the rules behind the figures, and what a run was measured on."""

from __future__ import annotations

from typing import Any

from harness.model.provenance import Machine, RunPython, Source, Toolchain
from harness.report.stats import WIDE_RELATIVE, WIDE_SECONDS

SPREAD_RULE = (
    f"Repeated scenarios show the median (min–max) over their attempts; a spread is marked **wide** "
    f"when (max − min) / median > {WIDE_RELATIVE:.2f} and max − min > {WIDE_SECONDS} s. Crates "
    "recompiled are the first attempt's; **unstable** means the attempts disagreed."
)
UNITS_NOTE = (
    "Crates recompiled are the packages with a compilation unit cargo rebuilt (results.json lists "
    "every unit: a crate's library, its build script, the script's run), read from cargo's fingerprint "
    "records (`target/*/.fingerprint`) before and after each build; causes come from the same records."
)
CHARTS_NOTE = (
    "Left: wall seconds of each scenario's build (with --repeat: the bar is the median, the whisker "
    "min–max). Right: crates recompiled, each counted under its root cause (a crate rebuilt only because "
    "a dependency was rebuilt is a dep cascade). Every chart has the same scales."
)


def measured_on(toolchain: Toolchain, python: RunPython, machine: Machine) -> str:
    return (
        f"Toolchain: {toolchain.rustc}; {toolchain.cargo}{_settings(toolchain)}. Python: {python.version} "
        f"({python.base_executable}). Machine: {machine.platform}, {machine.cpus} CPUs."
    )


def _settings(toolchain: Toolchain) -> str:
    if toolchain.settings is None:
        return "; cargo settings differ between the sources"
    given = " ".join(f"{name}={value}" for name, value in toolchain.settings.items())
    return f"; every build with {given}" if given else ""


def source_line(source: Source) -> tuple[str, str, str]:
    """A merged source as (file, command, the rest of its sentence)."""
    where = measured_on(source.toolchain, source.python, source.machine)
    rest = f" on {source.started}, {len(source.cells)} cell(s). {where}"
    return source.file, " ".join(source.command), rest


def made_by(started: str, sources: int) -> str:
    """What follows "Made by `COMMAND`" in both reports' first line."""
    when = f"from {sources} run(s), the first started " if sources else "on "
    return f"{when}{started}."


def timing(timing: dict[str, Any]) -> str:
    if not timing:
        return ""
    build = timing.get("build", 0.0)
    overhead = timing.get("overhead", 0.0)
    share = f" ({100 * overhead / build:.1f}% of build time)" if build else ""
    return (
        f"Run took {timing.get('total', 0.0):.0f} s: builds {build:.0f} s, one-time setup "
        f"(installs, downloads, work copies) {timing.get('setup', 0.0):.0f} s, harness overhead "
        f"(snapshots, wheel checks) {overhead:.1f} s{share}."
    )
