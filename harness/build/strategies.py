"""Strategies as plug-ins: the ways of choosing the interpreter pyo3 is configured from.

A strategy says which pyo3 it needs and what it adds to the frontend's environment. To add
one, subclass ``Strategy`` and add an instance to ``STRATEGIES``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from harness.install.envs import Interpreter


@dataclass(frozen=True)
class StrategyContext:
    """What a strategy may look at: the interpreter the frontend runs on."""

    frontend_python: Interpreter


class Strategy:
    name: str = ""
    description: str = ""
    # Needs a pyo3 that honours PYO3_BASE_PYTHON (native or patched).
    base_support: bool = False
    # Uses the frontend built from its sdist with patches/<tool>/<version> applied.
    frontend_patch: bool = False
    # Uses maturin built from its sdist with patches/maturin/<version> applied.
    backend_patch: bool = False
    # The frontend still builds in an isolated environment.
    isolated: bool = True
    # What would have to ship upstream for users to get this without the harness.
    upstream: str = "nothing (works today)"

    def environment(self, ctx: StrategyContext) -> dict[str, str]:
        """Variables exported into the frontend's environment."""
        return {}


class Stock(Strategy):
    name = "stock"
    description = "stock pyo3 from crates.io, nothing exported"
    upstream = "nothing (today's behaviour)"


class Exported(Strategy):
    name = "exported"
    description = (
        "pyo3 with PYO3_BASE_PYTHON support; the harness exports PYO3_BASE_PYTHON "
        "(the frontend interpreter's sys._base_executable), as a user can today"
    )
    base_support = True
    upstream = "pyo3 honouring PYO3_BASE_PYTHON; every user exports it by hand"

    def environment(self, ctx: StrategyContext) -> dict[str, str]:
        return {"PYO3_BASE_PYTHON": ctx.frontend_python.base_executable}


class FrontendPatch(Strategy):
    name = "frontend-patch"
    description = (
        "the frontend exports PYO3_BASE_PYTHON itself (our patch) and pyo3 honours it; "
        "nothing exported by hand"
    )
    base_support = True
    frontend_patch = True
    upstream = "pyo3 honouring PYO3_BASE_PYTHON, and the frontend exporting it (pip, build, uv)"


class BackendPatch(Strategy):
    name = "backend-patch"
    description = "stock frontend; maturin exports PYO3_BASE_PYTHON itself (our patch), pyo3 honours it"
    base_support = True
    backend_patch = True
    upstream = "pyo3 honouring PYO3_BASE_PYTHON, and maturin exporting it (not setuptools-rust)"


class FrontendPatchStockPyo3(Strategy):
    name = "frontend-patch-stock-pyo3"
    description = "the patched frontend with stock pyo3: shows the consumer side is needed too"
    frontend_patch = True
    upstream = "the frontend exporting PYO3_BASE_PYTHON (pyo3 unchanged)"


STRATEGIES: Mapping[str, Strategy] = MappingProxyType(
    {s.name: s for s in (Stock(), Exported(), FrontendPatch(), BackendPatch(), FrontendPatchStockPyo3())}
)
DEFAULT_STRATEGIES = ("stock", "exported", "frontend-patch")
