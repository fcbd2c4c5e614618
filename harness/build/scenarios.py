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
        )
    }
)

DEFAULT_SCENARIOS = ("cold", "warm", "incremental")


def ordered(names: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    """Canonical order; ``cold`` is always first because every other scenario starts warm."""
    chosen = {"cold", *names}
    return tuple(n for n in SCENARIOS if n in chosen)
