"""Strategies as plug-ins: the ways of keeping pyo3's configuration stable across builds.

A strategy says which pyo3 it needs, what it adds to the frontend's environment, how it asks
the frontend to build (``BuildOptions``) and what upstream change it stands for. To add one,
subclass ``Strategy`` and add an instance to ``STRATEGIES``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from harness.install.envs import Interpreter
from harness.install.frontends import BuildOptions, Frontend


@dataclass(frozen=True)
class StrategyContext:
    """What a strategy may look at when a build is about to run."""

    frontend_python: Interpreter  # the interpreter the frontend runs on
    workdir: Path  # the cell's own directory: stable across the cell's builds
    pyo3_config: Path | None = None  # the generated config file (``needs_config_file``)


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
    # Build requirements go into the frontend's own environment (no isolation to install them).
    preinstall: bool = False
    # The engine generates a pyo3 config file from the frontend's base interpreter.
    needs_config_file: bool = False
    # Only samples built by these backends (None: any).
    backends: tuple[str, ...] | None = None
    # What would have to ship upstream for users to get this without the harness.
    upstream: str = "nothing (works today)"

    def environment(self, ctx: StrategyContext) -> dict[str, str]:
        """Variables exported into the frontend's environment."""
        return {}

    def options(self, ctx: StrategyContext) -> BuildOptions:
        return BuildOptions(isolated=self.isolated)

    def prepare(self, ctx: StrategyContext, project_name: str) -> None:
        """Write what the strategy configures once per cell, before the first build."""

    def target_dir(self, ctx: StrategyContext) -> Path | None:
        """Where the strategy points cargo's target dir (None: the project's own target/)."""
        return None


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
    description = (
        "stock frontend; the backend (maturin, setuptools-rust) exports PYO3_BASE_PYTHON itself in a "
        "throwaway build environment (our patches), pyo3 honours it"
    )
    base_support = True
    backend_patch = True
    upstream = "pyo3 honouring PYO3_BASE_PYTHON, and maturin and setuptools-rust exporting it"


class FrontendPatchStockPyo3(Strategy):
    name = "frontend-patch-stock-pyo3"
    description = "the patched frontend with stock pyo3: shows the consumer side is needed too"
    frontend_patch = True
    upstream = "the frontend exporting PYO3_BASE_PYTHON (pyo3 unchanged)"


class Pyo3PatchStockFrontend(Strategy):
    name = "pyo3-patch-stock-frontend"
    description = (
        "the base-aware pyo3 with stock frontends and nothing exported: shows a new pyo3 alone "
        "changes nothing"
    )
    base_support = True
    upstream = "pyo3 honouring PYO3_BASE_PYTHON (frontends unchanged)"


class UserPyo3Python(Strategy):
    name = "user-pyo3-python"
    description = (
        "the user exports PYO3_PYTHON (the frontend's base interpreter) to pin pyo3's interpreter: "
        "setuptools-rust keeps it, maturin replaces it with the build environment's"
    )
    upstream = "nothing (works today where the backend keeps it: setuptools-rust, not maturin)"

    def environment(self, ctx: StrategyContext) -> dict[str, str]:
        return {"PYO3_PYTHON": ctx.frontend_python.base_executable}


class ConfigFile(Strategy):
    name = "config-file"
    description = (
        "PYO3_CONFIG_FILE pinned to a content-addressed file printed by pyo3 itself "
        "(PYO3_PRINT_CONFIG=1) from the frontend's base interpreter, mtime pinned, as downstream CI does"
    )
    needs_config_file = True
    upstream = "nothing (works today; each project or CI script generates and exports the file)"

    def environment(self, ctx: StrategyContext) -> dict[str, str]:
        if ctx.pyo3_config is None:
            raise ValueError("config-file needs the generated config (StrategyContext.pyo3_config)")
        return {"PYO3_CONFIG_FILE": str(ctx.pyo3_config)}


class EnvDir(Strategy):
    name = "env-dir"
    description = "python -m build --env-dir DIR: the isolated environment always at one path (build only)"
    upstream = "nothing (build >= 1.6; pip and uv have no such option)"

    def options(self, ctx: StrategyContext) -> BuildOptions:
        return BuildOptions(env_dir=ctx.workdir / "build-env")


class NoIsolation(Strategy):
    name = "no-isolation"
    description = (
        "--no-build-isolation (pip, uv) / --no-isolation (build): the backend runs in the "
        "frontend's own environment, with the build requirements installed there first"
    )
    isolated = False
    preinstall = True
    upstream = "nothing (works today, giving up build isolation)"


class BackendBasePython(Strategy):
    """A backend's own opt-in to hand cargo the base interpreter instead of the build env's."""

    variable: str = ""

    def environment(self, ctx: StrategyContext) -> dict[str, str]:
        return {self.variable: "1"}


class MaturinBasePython(BackendBasePython):
    name = "maturin-base-python"
    variable = "MATURIN_PEP517_USE_BASE_PYTHON"
    description = f"{variable}=1: maturin hands cargo the base interpreter (maturin only)"
    backends = ("maturin",)
    upstream = "nothing (maturin's opt-in; each user sets it)"


class SetuptoolsRustBasePython(BackendBasePython):
    name = "setuptools-rust-base-python"
    variable = "SETUPTOOLS_RUST_PEP517_USE_BASE_PYTHON"
    description = f"{variable}=1: setuptools-rust hands cargo the base interpreter (setuptools-rust only)"
    backends = ("setuptools-rust",)
    upstream = "nothing (setuptools-rust's opt-in; each user sets it)"


class UvExtraBuildVariables(Strategy):
    name = "uv-extra-build-variables"
    description = (
        "uv's extra-build-variables setting (a uv.toml written once per cell) carrying a fixed "
        "PYO3_BASE_PYTHON for the project; pyo3 honours it (uv only)"
    )
    base_support = True
    upstream = "pyo3 honouring PYO3_BASE_PYTHON; each user writes the path into uv's settings"

    def _config(self, ctx: StrategyContext) -> Path:
        return ctx.workdir / "uv.toml"

    def prepare(self, ctx: StrategyContext, project_name: str) -> None:
        # Written once, like a user's settings file: a later interpreter switch keeps the path.
        value = ctx.frontend_python.base_executable.replace("\\", "\\\\").replace('"', '\\"')
        text = f'[extra-build-variables]\n"{project_name}" = {{ PYO3_BASE_PYTHON = "{value}" }}\n'
        self._config(ctx).write_text(text)

    def options(self, ctx: StrategyContext) -> BuildOptions:
        return BuildOptions(uv_config=self._config(ctx))


class PersistentTarget(Strategy):
    name = "persistent-target"
    description = (
        "CARGO_TARGET_DIR at a persistent per-project directory, so sdist builds (unpacked into "
        "fresh temp dirs) keep their cargo cache"
    )
    upstream = "nothing (works today); a persistent cache directory for PEP 517 hooks would make it automatic"

    def target_dir(self, ctx: StrategyContext) -> Path | None:
        return ctx.workdir / "persistent-target"

    def environment(self, ctx: StrategyContext) -> dict[str, str]:
        return {"CARGO_TARGET_DIR": str(self.target_dir(ctx))}


class PersistentTargetExported(PersistentTarget):
    name = "persistent-target-exported"
    description = "persistent-target plus PYO3_BASE_PYTHON exported, with a pyo3 that honours it"
    base_support = True
    upstream = "pyo3 honouring PYO3_BASE_PYTHON, plus a persistent cache directory for PEP 517 hooks"

    def environment(self, ctx: StrategyContext) -> dict[str, str]:
        return {**super().environment(ctx), "PYO3_BASE_PYTHON": ctx.frontend_python.base_executable}


STRATEGIES: Mapping[str, Strategy] = MappingProxyType(
    {
        s.name: s
        for s in (
            Stock(),
            Exported(),
            FrontendPatch(),
            BackendPatch(),
            FrontendPatchStockPyo3(),
            Pyo3PatchStockFrontend(),
            ConfigFile(),
            UserPyo3Python(),
            EnvDir(),
            NoIsolation(),
            MaturinBasePython(),
            SetuptoolsRustBasePython(),
            UvExtraBuildVariables(),
            PersistentTarget(),
            PersistentTargetExported(),
        )
    }
)
DEFAULT_STRATEGIES = ("stock", "exported", "frontend-patch")


# Options depend on the cell's directory only through paths, so a placeholder context can
# ask whether a frontend can express them at all.
_PLACEHOLDER = StrategyContext(frontend_python=Interpreter("", "", "", "", "", False), workdir=Path("cell"))


def not_applicable(strategy: Strategy, frontend: Frontend, backend: str) -> str | None:
    """Why ``strategy`` cannot run with this frontend and backend (None when it can)."""
    if strategy.backends is not None and backend not in strategy.backends:
        return f"{strategy.name} applies to {', '.join(strategy.backends)} projects only"
    reason = frontend.unsupported(strategy.options(_PLACEHOLDER))
    return f"{strategy.name}: {reason}" if reason else None
