"""What the numbers were measured on: machine, toolchain, interpreter."""

from __future__ import annotations

import os
import platform
from collections.abc import Mapping
from pathlib import Path

from harness.model.provenance import Machine, Toolchain
from harness.process import compile_settings, run


def _memory_gib() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return None


def machine() -> Machine:
    return Machine(
        platform=platform.platform(),
        system=platform.system(),
        machine=platform.machine(),
        cpus=os.cpu_count(),
        memory_gib=_memory_gib(),
    )


def tool_version(argv: list[str], env: Mapping[str, str]) -> str | None:
    done = run(argv, cwd=Path.cwd(), env=env, check=False)
    return done.output.strip().splitlines()[0] if done.returncode == 0 and done.output.strip() else None


def toolchain(env: Mapping[str, str]) -> Toolchain:
    return Toolchain(
        rustc=tool_version(["rustc", "--version"], env),
        cargo=tool_version(["cargo", "--version"], env),
        settings=compile_settings(env),
    )
