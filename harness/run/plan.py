"""A build plan: everything one build of a cell is, decided in one pure function.

A scenario is data (``model/scenarios.py``); the plan is where its flags meet the cell's
frontend and strategy. The engine prepares, builds, measures and checks by reading the plan
alone, so the target dir, the source form and the environment are worked out once, here.
"""

from __future__ import annotations

import shlex
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

from harness.install.envs import Interpreter
from harness.install.frontends import BuildOptions, Frontend
from harness.model.scenarios import Scenario
from harness.workbench.strategies import Strategy, StrategyContext

# What runs before the build, in this order.
Step = Literal[
    "wipe-target",
    "seed-target",
    "edit-source",
    "ci-restore",
    "bump-requirement",
    "spell-base",
    "make-sdist",
    "make-target-env",
]
# What the frontend is handed: the work copy, an sdist file made first, or the work copy for the
# frontend to make and unpack an sdist from (into a fresh temp dir: no target dir to snapshot).
SourceForm = Literal["work-copy", "sdist-file", "sdist-by-frontend"]
# What a successful build is checked by: its wheel installed and called, or the project
# imported where an installing frontend put it.
CheckKind = Literal["wheel", "installed"]


@dataclass(frozen=True)
class Layout:
    """Where a cell works; fixed once its work copy exists."""

    workdir: Path
    src: Path  # the work copy
    crate_root: Path  # the directory of the project's top-level Cargo.toml


@dataclass(frozen=True)
class BuildPlan:
    scenario: Scenario
    attempt: int
    base: Interpreter  # the base interpreter the frontend runs on
    target_python: Interpreter  # the one the build is for: the wheel is checked there
    source: SourceForm
    # The target dir whose fingerprints are snapshotted around the build; None: cargo builds in
    # the frontend's temp dir, and what compiled is read from cargo's output.
    target: Path | None
    options: BuildOptions
    env: Mapping[str, str]  # what the strategy exports, on top of the frontend's own variables
    steps: tuple[Step, ...]
    outdir: Path  # where a wheel-writing frontend puts the wheel
    target_env: Path | None  # the venv an installing frontend installs into
    check: CheckKind
    # An installed module must be newer than the build's start (the scenario edited the source).
    requires_fresh: bool
    # The build switched base interpreter: when no pyo3 crate rebuilt, record the reused config
    # and the new one, for the stale-cache verdict (needs a target dir to read them from).
    stale_evidence: bool
    stem: str  # the name of the build's log and records: "warm", "warm.attempt1"
    # The symlink or shim "spell-base" makes to the base interpreter (PYO3_BASE_PYTHON names it).
    spelled_base: Path | None

    # The target dirs "wipe-target" empties: the project's own target/ and the strategy's, if
    # it moves cargo's; and the one "ci-restore" prunes, saves and restores.
    wipe: tuple[Path, ...]
    cargo_target: Path
    manifest: Path  # the project's top-level Cargo.toml (what rust-cache keys on)

    @property
    def sdist_dir(self) -> Path:
        return self.outdir.parent / "sdist"

    @property
    def bumped_wheelhouse(self) -> Path:
        """Where "bump-requirement" puts the wheelhouse that serves the requirement one up."""
        return self.outdir.parent / "wheelhouse-bumped"


def plan(
    scenario: Scenario,
    attempt: int,
    *,
    layout: Layout,
    frontend: Frontend,
    strategy: Strategy,
    context: StrategyContext,
    base: Interpreter,
    second: Interpreter | None = None,
    seeds: bool = False,
) -> BuildPlan:
    """The build ``scenario`` makes of a cell, without running anything; with ``seeds`` (``run
    --seed-dir``) a wheel-building frontend's cold build starts from a seed (workbench/seed.py)."""
    own_target = layout.crate_root / "target"
    strategy_target = strategy.target_dir(context)
    if scenario.sdist:
        source: SourceForm = "sdist-file" if frontend.builds_sdist_file else "sdist-by-frontend"
    else:
        source = "work-copy"
    # An sdist build's target dir lives in the frontend's temp dir unless the strategy moves it.
    target = strategy_target or (None if scenario.sdist else own_target)
    spelled = _spelled(scenario, layout.workdir)
    target_env = layout.workdir / f"env-{context.frontend_python.key}" if frontend.installs else None
    env, target_python = {**strategy.environment(context)}, base
    if scenario.targets_second_python:
        if second is None:
            raise ValueError(f"{scenario.name} needs the second interpreter")
        env, target_python = {**env, **_built_for(second, context)}, second
    # An installing frontend may key its own cache on files under target/ (uv sync's `**/*.rs`
    # matches build-script output there): it gets an empty target dir, always.
    seeded = seeds and target is not None and not frontend.installs
    if scenario.base_spelling is not None:
        named = str(spelled) if spelled else Path(context.frontend_python.base_executable).name
        env = {**env, "PYO3_BASE_PYTHON": named}
    return BuildPlan(
        scenario=scenario,
        attempt=attempt,
        base=base,
        target_python=target_python,
        source=source,
        target=target,
        wipe=tuple(dict.fromkeys(t for t in (own_target, strategy_target) if t is not None)),
        cargo_target=strategy_target or own_target,
        manifest=layout.crate_root / "Cargo.toml",
        options=replace(strategy.options(context), sdist=scenario.sdist),
        env=env,
        steps=_steps(
            scenario, source, spelled=spelled is not None, target_env=target_env is not None, seeded=seeded
        ),
        outdir=layout.workdir / "dist",
        target_env=target_env,
        check="installed" if frontend.installs else "wheel",
        requires_fresh=frontend.installs and scenario.edits_source,
        stale_evidence=scenario.switch_python and target is not None,
        # The first attempt keeps the plain names (warm.log), so single runs look as they always did.
        stem=scenario.name if attempt == 0 else f"{scenario.name}.attempt{attempt}",
        spelled_base=spelled,
    )


def _steps(
    scenario: Scenario, source: SourceForm, *, spelled: bool, target_env: bool, seeded: bool
) -> tuple[Step, ...]:
    """What runs before the build, in the order of ``Step``."""
    wanted: dict[Step, bool] = {
        "wipe-target": scenario.wipes_target,
        "seed-target": scenario.wipes_target and seeded,
        "edit-source": scenario.edits_source,
        "ci-restore": scenario.ci_restore,
        "bump-requirement": scenario.bumps_requirement,
        "spell-base": spelled,
        "make-sdist": source == "sdist-file",
        "make-target-env": target_env,
    }
    return tuple(step for step, needed in wanted.items() if needed)


def _spelled(scenario: Scenario, workdir: Path) -> Path | None:
    """The file a spelling of the base needs made (none for a bare name: PATH finds it)."""
    if scenario.base_spelling in ("symlink", "shim"):
        return workdir / "spelled-base" / f"python-{scenario.base_spelling}"
    return None


def _built_for(second: Interpreter, context: StrategyContext) -> dict[str, str]:
    """What a user sets who exported the variable for one interpreter, then builds for another."""
    return {
        "PYO3_BASE_PYTHON": context.frontend_python.base_executable,
        "MATURIN_PEP517_ARGS": shlex.join(["--interpreter", second.executable]),
    }
