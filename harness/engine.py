"""The engine: expand a selection into cells and run each cell's scenarios as real builds."""

from __future__ import annotations

import json
import re
import shutil
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from harness.build.samples import SAMPLES, Sample, parse_sample
from harness.build.scenarios import SCENARIOS
from harness.build.strategies import STRATEGIES, StrategyContext
from harness.build.workcopy import (
    add_patch_overrides,
    fetch_crates,
    locked_version,
    make_work_copy,
    package_roots,
    root_manifest,
)
from harness.errors import HarnessError
from harness.install.cache import Cache, digest
from harness.install.envs import Interpreter, PythonEnv
from harness.install.frontends import BuildPaths, Installed, parse_frontend
from harness.install.provision import Provisioner
from harness.install.pyo3 import CONFIG_CRATE, Pyo3, prepare
from harness.measure.causes import diff
from harness.measure.fingerprints import snapshot
from harness.measure.wheelcheck import check_wheel
from harness.pins import Pins
from harness.process import run
from harness.report.results import BuildRecord, CellResult

PROJECT_PYO3 = "project"  # a user's project builds the pyo3 its own lock file names


@dataclass(frozen=True)
class Cell:
    frontend: str  # a frontend spec: "pip", "pip==26.1", "pip@PATH", "uv=PATH"
    strategy: str
    sample: str  # a sample spec: "name" or "name:variant"
    pyo3: str
    scenarios: tuple[str, ...]

    @property
    def id(self) -> str:
        spec = parse_frontend(self.frontend)
        frontend = str(spec) if not (spec.source or spec.binary) else f"{spec.name}-{digest(str(spec))}"
        frontend = re.sub(r"[^A-Za-z0-9._-]+", "-", frontend)
        sample = self.sample.replace(":", "-")
        return f"{frontend}--{self.strategy}--{sample}--pyo3-{self.pyo3}"

    def reproduce(self, project: Path | None) -> str:
        where = f"--project {project}" if project else f"--sample {self.sample} --pyo3 {self.pyo3}"
        scenarios = ",".join(self.scenarios)
        selected = f"--frontend {self.frontend} --strategy {self.strategy} {where}"
        return f"pyo3-harness run {selected} --scenario {scenarios}"


@dataclass
class Timer:
    """Seconds spent per category; what is not a build is the harness's overhead."""

    totals: dict[str, float] = field(default_factory=dict)

    def add(self, category: str, seconds: float) -> None:
        self.totals[category] = self.totals.get(category, 0.0) + seconds


@dataclass
class Context:
    """Everything a run shares across cells; installs go through the provisioner."""

    provisioner: Provisioner
    out: Path
    work: Path
    project: Sample | None = None
    timer: Timer = field(default_factory=Timer)
    _pyo3: dict[tuple[str, bool], Pyo3] = field(default_factory=dict)

    @property
    def cache(self) -> Cache:
        return self.provisioner.cache

    @property
    def pins(self) -> Pins:
        return self.provisioner.pins

    @property
    def interpreter(self) -> Interpreter:
        return self.provisioner.interpreter

    @property
    def base_env(self) -> dict[str, str]:
        return self.provisioner.base_env

    @property
    def tools(self) -> PythonEnv:
        return self.provisioner.tools

    def frontend(self, spec: str, *, patched: bool, other: bool = False) -> Installed:
        start = time.monotonic()
        installed = self.provisioner.frontend(parse_frontend(spec), patched=patched, other=other)
        self.timer.add("setup", time.monotonic() - start)
        return installed

    def wheelhouse(self, *, patched_backend: bool) -> Path:
        start = time.monotonic()
        wheelhouse = self.provisioner.wheelhouse(patched_backend=patched_backend)
        self.timer.add("setup", time.monotonic() - start)
        return wheelhouse

    def pyo3(self, version: str, base_support: bool) -> Pyo3:
        key = (version, base_support)
        if key not in self._pyo3:
            start = time.monotonic()
            self._pyo3[key] = prepare(self.cache, version, base_support=base_support, env=self.base_env)
            self.timer.add("setup", time.monotonic() - start)
        return self._pyo3[key]

    def sample(self, spec: str) -> tuple[Sample, str | None]:
        if self.project is not None and spec == self.project.name:
            return self.project, None
        return parse_sample(spec)


Progress = Callable[[str, Mapping[str, object]], None]


def _newest_wheel(outdir: Path) -> Path | None:
    wheels = sorted(outdir.glob("*.whl"), key=lambda p: p.stat().st_mtime_ns)
    return wheels[-1] if wheels else None


def _build_env(ctx: Context, extra: Mapping[str, str]) -> dict[str, str]:
    return {
        **ctx.base_env,
        # Crates were fetched when the work copy was made; a build must not download.
        "CARGO_NET_OFFLINE": "true",
        "PIP_CACHE_DIR": str(ctx.cache.pip_cache),
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
        **extra,
    }


def measured_build(
    ctx: Context,
    cell: Cell,
    scenario: str,
    installed: Installed,
    src: Path,
    sample: Sample,
    logs: Path,
) -> BuildRecord:
    workdir = src.parent
    outdir = workdir / "dist"
    shutil.rmtree(outdir, ignore_errors=True)
    outdir.mkdir(parents=True)
    strategy = STRATEGIES[cell.strategy]
    wheelhouse = ctx.wheelhouse(patched_backend=strategy.backend_patch)
    invocation = installed.frontend.invocation(
        installed,
        BuildPaths(source=src, outdir=outdir, wheelhouse=wheelhouse, uv_cache=ctx.cache.uv_cache),
    )
    added = {**invocation.env, **strategy.environment(StrategyContext(installed.interpreter))}
    target = root_manifest(src).parent / "target"
    log = logs / f"{scenario}.log"

    start = time.monotonic()
    before = snapshot(target)
    done = run(invocation.argv, cwd=src, env=_build_env(ctx, added), log=log, check=False)
    after = snapshot(target)
    explained = diff(before, after, package_roots(src))
    # Keep cargo's records beside the log, so every cause in the report can be audited.
    snapshots = {"before": before.to_json(), "after": after.to_json()}
    (logs / f"{scenario}.fingerprints.json").write_text(json.dumps(snapshots, indent=1), encoding="utf-8")
    ctx.timer.add("build", done.seconds)
    ctx.timer.add("measure", time.monotonic() - start - done.seconds)

    record = BuildRecord(
        scenario=scenario,
        ok=done.returncode == 0,
        seconds=round(done.seconds, 3),
        rebuilt=explained.rebuilt,
        reran=explained.reran,
        units=explained.units,
        causes=[c.to_json() for c in explained.causes],
        log=str(log),
        command=invocation.argv,
        env=added,
        returncode=done.returncode,
    )
    wheel = _newest_wheel(outdir) if record.ok else None
    if record.ok and wheel is None:
        record.ok, record.error = False, "the frontend exited 0 but produced no wheel"
    if wheel is not None:
        start = time.monotonic()
        checked = check_wheel(
            wheel,
            uv=ctx.tools.script("uv"),
            python=ctx.interpreter.executable,
            wheelhouse=wheelhouse,
            check=sample.check,
            workdir=workdir,
            env={**ctx.base_env, "UV_CACHE_DIR": str(ctx.cache.uv_cache)},
            log=logs / f"{scenario}.wheel.log",
        )
        ctx.timer.add("wheel-check", time.monotonic() - start)
        record.wheel = {
            "file": checked.wheel,
            "tags": checked.tags,
            "ok": checked.ok,
            "modules": checked.modules,
            "detail": checked.detail,
        }
    elif not record.ok and record.error is None:
        record.error = f"build failed with exit {done.returncode}; see {log}"
    return record


def _prepare_scenario(scenario: str, src: Path, sample: Sample) -> None:
    if scenario == "cold":
        shutil.rmtree(root_manifest(src).parent / "target", ignore_errors=True)
    elif scenario == "incremental":
        edited = src / sample.edit
        with edited.open("a", encoding="utf-8") as handle:
            handle.write(f"\n// pyo3-frontend-harness: incremental edit at {time.time_ns()}\n")


def _prepare_work_copy(
    ctx: Context, cell: Cell, sample: Sample, variant: str | None, src: Path, logs: Path
) -> Pyo3:
    strategy = STRATEGIES[cell.strategy]
    fetch_env = {k: v for k, v in ctx.base_env.items() if k != "CARGO_NET_OFFLINE"}
    start = time.monotonic()
    if sample.pyo3_selectable:
        pyo3 = ctx.pyo3(cell.pyo3, strategy.base_support)
        base = SAMPLES[sample.base] if sample.base else None
        make_work_copy(sample, src, pyo3=pyo3, variant=variant, base=base)
        fetch_crates(src, fetch_env, logs / "prepare.log")
    else:
        make_work_copy(sample, src, pyo3=Pyo3(version="", support="stock"), variant=None)
        fetch_crates(src, fetch_env, logs / "prepare.log")
        version = locked_version(src, CONFIG_CRATE)
        if version is None:
            raise HarnessError(
                f"{sample.directory}: Cargo.lock names no {CONFIG_CRATE}; is pyo3 a dependency?"
            )
        pyo3 = ctx.pyo3(version, strategy.base_support)
        if pyo3.overrides:
            manifest = root_manifest(src)
            manifest.write_text(add_patch_overrides(manifest.read_text(encoding="utf-8"), pyo3.overrides))
            fetch_crates(src, fetch_env, logs / "prepare-patched.log")
    ctx.timer.add("setup", time.monotonic() - start)
    return pyo3


def run_cell(ctx: Context, cell: Cell, progress: Progress) -> CellResult:
    sample, variant = ctx.sample(cell.sample)
    spec = parse_frontend(cell.frontend)
    plugin = spec.plugin
    strategy = STRATEGIES[cell.strategy]
    result = CellResult(
        id=cell.id,
        frontend=plugin.name,
        frontend_spec=cell.frontend,
        frontend_version=spec.version or plugin.version(ctx.pins),
        frontend_source="",
        strategy=cell.strategy,
        sample=sample.name,
        variant=variant,
        pyo3=cell.pyo3,
        pyo3_support="",
        reproduce=cell.reproduce(ctx.project.directory if ctx.project else None),
    )
    workdir = ctx.work / cell.id
    src = workdir / "src"
    logs = ctx.out / "logs" / cell.id
    shutil.rmtree(logs, ignore_errors=True)
    logs.mkdir(parents=True)
    try:
        installed = ctx.frontend(cell.frontend, patched=strategy.frontend_patch)
        result.frontend_version, result.frontend_source = installed.version, installed.source
        result.frontend_patch = installed.patch_digest
        wheelhouse = ctx.wheelhouse(patched_backend=strategy.backend_patch)
        result.backend_source = (
            json.loads((wheelhouse / ".harness-complete").read_text(encoding="utf-8"))["source"]
            if strategy.backend_patch
            else f"PyPI maturin=={ctx.pins.maturin}"
        )
        pyo3 = _prepare_work_copy(ctx, cell, sample, variant, src, logs)
        result.pyo3, result.pyo3_support = pyo3.version, pyo3.describe()
    except HarnessError as exc:
        result.error = str(exc)
        progress("cell-error", {"cell": cell, "error": str(exc)})
        return result

    for scenario in cell.scenarios:
        if SCENARIOS[scenario].needs_other_venv and not plugin.other_venv:
            continue
        if result.builds and not result.builds[-1].ok:
            result.builds.append(_not_run(scenario, result.builds[-1].scenario))
            continue
        progress("build-start", {"cell": cell, "scenario": scenario})
        try:
            runner = ctx.frontend(
                cell.frontend, patched=strategy.frontend_patch, other=scenario == "other-venv"
            )
        except HarnessError as exc:
            result.builds.append(_not_run(scenario, "setup", str(exc)))
            continue
        _prepare_scenario(scenario, src, sample)
        record = measured_build(ctx, cell, scenario, runner, src, sample, logs)
        result.builds.append(record)
        progress("build-done", {"cell": cell, "record": record})
    return result


def _not_run(scenario: str, after: str, why: str | None = None) -> BuildRecord:
    return BuildRecord(
        scenario=scenario,
        ok=False,
        seconds=0.0,
        rebuilt=[],
        reran=[],
        units=[],
        causes=[],
        log="",
        command=[],
        env={},
        returncode=-1,
        error=why or f"not run: the {after} build of this cell failed",
    )
