"""One cell being built: its context, work dir, logs and wheelhouse, shared by all its builds."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from harness.install.frontends import Installed
from harness.install.provision import Wheelhouse
from harness.model.scenarios import Scenario
from harness.run.context import Context
from harness.run.plan import Layout
from harness.run.selection import Cell
from harness.workbench.samples import Sample
from harness.workbench.strategies import Strategy, StrategyContext
from harness.workbench.workcopy import root_manifest


@dataclass
class CellRun:
    """One cell being built: where it works, and what all its builds share."""

    ctx: Context
    cell: Cell
    workdir: Path
    logs: Path
    wheelhouse: Wheelhouse
    extra: tuple[str, ...] = ()  # installed beside the frontend (no-isolation strategies)

    @property
    def src(self) -> Path:
        return self.workdir / "src"

    @cached_property
    def layout(self) -> Layout:
        """Where the cell works; read once the work copy exists."""
        return Layout(self.workdir, self.src, root_manifest(self.src).parent)

    @property
    def sample(self) -> Sample:
        return self.cell.sample.sample

    @property
    def strategy(self) -> Strategy:
        return self.cell.strategy

    def frontend(self, scenario: Scenario | None = None, attempt: int = 0) -> Installed:
        return self.ctx.frontend(
            self.cell.frontend,
            patched=self.strategy.frontend_patch,
            other=scenario is not None and scenario.needs_other_venv,
            extra=self.extra,
            switched=scenario.second_python(attempt)
            if scenario is not None and scenario.switch_python
            else None,
        )

    def wheelhouse_for(self, scenario: Scenario, *, check: bool = False, attempt: int = 0) -> Wheelhouse:
        """The wheelhouse a build environment installs from: the cell's, or the second
        interpreter's when the frontend runs there. With ``check``: the one for the interpreter
        the wheel is checked on (the second's when the build targets it); which second one,
        ``Scenario.second_python`` says."""
        index = scenario.second_python(attempt)
        if check and scenario.needs_second_python:
            # A wheel check installs the built wheel, never the backend: the stock wheels do.
            return self.ctx.wheelhouse(patched_backend=False, switched=index)
        if scenario.switch_python:
            return self.ctx.wheelhouse(patched_backend=self.strategy.backend_patch, switched=index)
        return self.wheelhouse

    def strategy_context(self, installed: Installed) -> StrategyContext:
        needs = self.strategy.needs_config_file
        config = self.ctx.config_file(self.src, installed.interpreter, self.logs) if needs else None
        return StrategyContext(
            frontend_python=installed.interpreter, workdir=self.workdir, pyo3_config=config
        )
