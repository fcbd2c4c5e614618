"""What a run builds: cells resolved once (frontend, strategy, sample and scenarios as objects).

``Selection.from_names`` takes names as a user writes them (the command line, a test, CI) and
raises a UsageError naming the accepted ones; everything after it works with the objects.
"""

from __future__ import annotations

import itertools
import re
import shlex
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TypeVar

from harness.errors import UsageError, unknown_name
from harness.files import digest
from harness.install.frontend_spec import FrontendSpec, parse_frontend
from harness.install.frontends import DEFAULT_FRONTENDS, FRONTENDS
from harness.model.provenance import ShardRecord
from harness.model.scenarios import DEFAULT_SCENARIOS, SCENARIOS, Scenario, ordered
from harness.run.shard import Shard
from harness.workbench.project import project_sample
from harness.workbench.samples import DEFAULT_SAMPLES, SAMPLES, Sample, SampleChoice, choose_sample
from harness.workbench.strategies import DEFAULT_STRATEGIES, STRATEGIES, Strategy, not_applicable

EXCLUSIVE = "--project and --sample are exclusive: a run builds samples or your project"
PROJECT_PYO3 = "project"  # a user's project builds the pyo3 its own lock file names
T = TypeVar("T")


@dataclass(frozen=True)
class Cell:
    frontend: FrontendSpec
    strategy: Strategy
    sample: SampleChoice
    pyo3: str
    scenarios: tuple[Scenario, ...]
    repeat: int = 1  # attempts of every repeated scenario (`run --repeat`)
    project: Path | None = None  # the --project directory the sample stands for
    project_spec: str = ""  # --project as given (NAME==VERSION stays portable, unlike the cache path)

    @property
    def id(self) -> str:
        spec = self.frontend
        frontend = str(spec) if not (spec.source or spec.binary) else f"{spec.name}-{digest(str(spec))}"
        frontend = re.sub(r"[^A-Za-z0-9._-]+", "-", frontend)
        sample = self.sample.spec.replace(":", "-")
        return f"{frontend}--{self.strategy.name}--{sample}--pyo3-{self.pyo3}"

    def reproduce(self, settings: Mapping[str, str] | None = None, flags: Sequence[str] = ()) -> str:
        """The command that runs this cell again, shell-quoted, portable where the input was;
        prefixed with the cargo ``settings`` the run's environment gave its builds, and with the
        run's ``flags`` that shaped it (``--pyo3-series``, ``--switch-python``)."""
        if self.project:
            where = ["--project", self.project_spec or str(self.project)]
        else:
            where = ["--sample", self.sample.spec, "--pyo3", self.pyo3]
        args = ["--frontend", str(self.frontend), "--strategy", self.strategy.name, *where]
        args += ["--scenario", ",".join(s.name for s in self.scenarios)]
        args += ["--repeat", str(self.repeat)] if self.repeat > 1 else []
        args += flags
        assigned = [f"{name}={value}" for name, value in (settings or {}).items()]
        return shlex.join([*assigned, "pyo3-harness", "run", *args])

    def attempts(self, scenario: Scenario) -> int:
        return self.repeat if scenario.repeated else 1

    @property
    def compiles_a_tool(self) -> bool:
        """Whether its frontend or backend is compiled from source on first use (the patched uv,
        uv-source, the patched maturin): minutes of cargo before its first build."""
        plugin = self.frontend.plugin
        patched_frontend = self.strategy.frontend_patch and plugin.delivery.compiled
        return patched_frontend or plugin.from_source or self.strategy.backend_patch


def run_order(cells: Sequence[Cell]) -> list[Cell]:
    """The cells that compile a tool last, so a run shows results within minutes; otherwise the
    selection's order (results keep that order whatever the run order)."""
    return sorted(cells, key=lambda c: c.compiles_a_tool)


def _choose(
    given: Sequence[str], registry: Mapping[str, T], what: str, default: Sequence[str]
) -> tuple[T, ...]:
    names = list(given) or list(default)
    if names == ["all"]:
        return tuple(registry.values())
    for name in names:
        if name not in registry:
            raise unknown_name(what, name, list(registry))
    return tuple(registry[name] for name in dict.fromkeys(names))


def _frontends(given: Sequence[str]) -> tuple[FrontendSpec, ...]:
    names = list(given) or list(DEFAULT_FRONTENDS)
    if names == ["all"]:
        names = list(FRONTENDS)
    specs = [parse_frontend(text) for text in names]
    return tuple({str(s): s for s in specs}.values())


def _samples(given: Sequence[str]) -> tuple[SampleChoice, ...]:
    names = list(dict.fromkeys(given)) or list(DEFAULT_SAMPLES)
    return tuple(choose_sample(n) for n in (list(SAMPLES) if names == ["all"] else names))


@dataclass(frozen=True)
class Selection:
    frontends: tuple[FrontendSpec, ...]
    strategies: tuple[Strategy, ...]
    samples: tuple[SampleChoice, ...]
    pyo3: tuple[str, ...]
    scenarios: tuple[Scenario, ...]
    project: Path | None = None
    repeat: int = 1
    shard: Shard | None = None  # run only this slice of cells()
    project_spec: str = ""  # --project as given

    @classmethod
    def from_names(
        cls,
        *,
        pyo3_versions: Sequence[str],
        frontends: Sequence[str] = (),
        strategies: Sequence[str] = (),
        samples: Sequence[str] = (),
        pyo3: Sequence[str] = (),
        scenarios: Sequence[str] = (),
        project: Path | None = None,
        repeat: int = 1,
        shard: Shard | None = None,
        project_spec: str = "",
    ) -> Selection:
        """Empty sequences mean the defaults; ``["all"]`` every registered one. ``pyo3_versions``
        are the pinned ones (the first is the default)."""
        if project is not None and samples:
            raise UsageError(EXCLUSIVE)
        chosen = _samples(samples)
        if project is not None:
            sample = project_sample(project)  # raises with what is wrong with it
            chosen = (SampleChoice(sample, None, sample.name),)
        versions = {v: v for v in pyo3_versions}
        return cls(
            frontends=_frontends(frontends),
            strategies=_choose(strategies, STRATEGIES, "strategy", DEFAULT_STRATEGIES),
            samples=chosen,
            pyo3=(PROJECT_PYO3,) if project else _choose(pyo3, versions, "pyo3 version", pyo3_versions[:1]),
            scenarios=ordered([s.name for s in _choose(scenarios, SCENARIOS, "scenario", DEFAULT_SCENARIOS)]),
            project=project,
            repeat=repeat,
            shard=shard,
            project_spec=project_spec,
        )

    def without_scenarios(self, names: Sequence[str]) -> Selection:
        return replace(self, scenarios=tuple(s for s in self.scenarios if s.name not in names))

    @property
    def project_sample(self) -> Sample | None:
        return self.samples[0].sample if self.project else None

    def _combinations(self) -> list[tuple[Cell, str | None]]:
        """Every combination, with why it cannot run (None when it can)."""
        found = []
        for sa, v, f, st in itertools.product(self.samples, self.pyo3, self.frontends, self.strategies):
            cell = Cell(f, st, sa, v, self.scenarios, self.repeat, self.project, self.project_spec)
            found.append((cell, not_applicable(st, f.plugin, sa.sample.backend)))
        return found

    def cells(self) -> list[Cell]:
        """The whole matrix, in its canonical order (shards are dealt from it)."""
        return [cell for cell, reason in self._combinations() if reason is None]

    def skipped(self) -> list[tuple[Cell, str]]:
        """Combinations left out because the strategy does not apply, with the reason."""
        return [(cell, reason) for cell, reason in self._combinations() if reason is not None]

    def to_run(self) -> list[Cell]:
        """The cells this run builds: the shard's share, or every cell."""
        cells = self.cells()
        return self.shard.select(cells) if self.shard else cells

    def shard_record(self) -> ShardRecord | None:
        if self.shard is None:
            return None
        return self.shard.record([c.id for c in self.cells()], [c.id for c in self.to_run()])

    def run_args(self) -> list[str]:
        """The `pyo3-harness run` flags that select exactly this (no defaults left implicit)."""
        args = ["--frontend", ",".join(map(str, self.frontends))]
        args += ["--strategy", ",".join(s.name for s in self.strategies)]
        args += ["--sample", ",".join(s.spec for s in self.samples), "--pyo3", ",".join(self.pyo3)]
        return [*args, "--scenario", ",".join(s.name for s in self.scenarios)]
