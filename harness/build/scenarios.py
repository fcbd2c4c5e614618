"""Named scenarios, run in this order within a cell, each one a real build."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType


@dataclass(frozen=True)
class Scenario:
    name: str
    description: str
    # Only for frontends that can run from a second environment (see Frontend.other_venv).
    needs_other_venv: bool = False
    # Builds through an sdist (unpacked by the frontend into a fresh temp dir).
    sdist: bool = False
    # Rebuilds with the frontend on a second base interpreter (the stale-cache check).
    switch_python: bool = False


SCENARIOS: Mapping[str, Scenario] = MappingProxyType(
    {
        s.name: s
        for s in (
            Scenario("cold", "empty target dir: everything compiles"),
            Scenario("warm", "rebuild at once with nothing changed: ideally nothing compiles"),
            Scenario(
                "incremental", "append a line to the extension's lib.rs: only that crate should compile"
            ),
            Scenario(
                "other-venv",
                "rebuild from a second frontend environment on the same base interpreter",
                needs_other_venv=True,
            ),
            Scenario(
                "sdist-cold",
                "build through an sdist (build and uv without --wheel, pip from an sdist file)",
                sdist=True,
            ),
            Scenario(
                "sdist-warm",
                "the sdist build again with nothing changed: a fresh temp dir, so a fresh target/ "
                "unless the strategy keeps one",
                sdist=True,
            ),
            Scenario(
                "switch-python",
                "after warm, rebuild with the frontend on a second base interpreter: the pyo3 chain "
                "must rebuild and the wheel must work there (the stale-cache check)",
                switch_python=True,
            ),
        )
    }
)

DEFAULT_SCENARIOS = ("cold", "warm", "incremental")


def ordered(names: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    """Canonical order; ``cold`` is always first because every other scenario starts warm."""
    chosen = {"cold", *names}
    return tuple(n for n in SCENARIOS if n in chosen)
