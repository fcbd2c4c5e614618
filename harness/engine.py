"""The engine: expand a selection into cells and run each cell's scenarios as real builds."""

from __future__ import annotations

import json
import re
import shutil
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from harness.build.project import build_requirements, project_name
from harness.build.pyo3_config import generate_config_file
from harness.build.samples import SAMPLES, Sample, parse_sample
from harness.build.scenarios import SCENARIOS, Scenario
from harness.build.strategies import STRATEGIES, Strategy, StrategyContext
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
from harness.install.second_python import second_interpreter
from harness.install.wheelhouse import ensure_wheelhouse
from harness.measure.cargo_log import compiled_from_log
from harness.measure.causes import BuildDiff, diff
from harness.measure.failures import diagnose
from harness.measure.fingerprints import snapshot
from harness.measure.safety import evaluate
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
    repeat: int = 1  # attempts of every scenario but cold (`run --repeat`)

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
        repeat = f" --repeat {self.repeat}" if self.repeat > 1 else ""
        return f"pyo3-harness run {selected} --scenario {scenarios}{repeat}"

    def attempts(self, scenario: str) -> int:
        # A cold build wipes the target dir first, so repeating it measures nothing new about churn.
        return 1 if scenario == "cold" else self.repeat


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
    switch_python: str | None = None  # --switch-python; None: find a second interpreter
    timer: Timer = field(default_factory=Timer)
    _pyo3: dict[tuple[str, bool], Pyo3] = field(default_factory=dict)
    _switched: Provisioner | None = None
    _configs: dict[tuple[Path, str], Path] = field(default_factory=dict)

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

    def frontend(
        self,
        spec: str,
        *,
        patched: bool,
        other: bool = False,
        extra: tuple[str, ...] = (),
        switched: bool = False,
    ) -> Installed:
        provisioner = self.switched() if switched else self.provisioner
        start = time.monotonic()
        installed = provisioner.frontend(parse_frontend(spec), patched=patched, other=other, extra=extra)
        self.timer.add("setup", time.monotonic() - start)
        return installed

    def switched(self) -> Provisioner:
        """The provisioner for the second base interpreter (found, or installed, once per run)."""
        if self._switched is None:
            start = time.monotonic()
            primary = self.provisioner
            second = second_interpreter(
                primary.interpreter,
                self.base_env,
                given=self.switch_python,
                log=self.cache.root / "logs" / "second-python.log",
            )
            pip = primary.on(second, primary.stock_wheelhouse).bare_env()
            wheelhouse = ensure_wheelhouse(
                self.cache,
                self.pins.wheelhouse_requirements(),
                interpreter=second,
                downloader=pip,
                env=self.base_env,
            )
            self._switched = primary.on(second, wheelhouse)
            self.timer.add("setup", time.monotonic() - start)
        return self._switched

    def config_file(self, src: Path, interpreter: Interpreter, logs: Path) -> Path:
        """pyo3's printed config for ``interpreter``'s base, generated once per work copy."""
        key = (src, interpreter.base_executable)
        if key not in self._configs:
            start = time.monotonic()
            self._configs[key] = generate_config_file(
                src,
                interpreter.base_executable,
                store=self.cache.root / "pyo3-configs",
                scratch=src.parent / "print-config-target",
                env=self.base_env,
                log=logs / f"print-config-{digest(interpreter.base_executable)}.log",
            )
            self.timer.add("setup", time.monotonic() - start)
        return self._configs[key]

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


def _make_sdist(ctx: Context, src: Path, workdir: Path, wheelhouse: Path, log: Path) -> Path:
    """An sdist of the work copy, for frontends that build from an sdist file (pip)."""
    outdir = workdir / "sdist"
    shutil.rmtree(outdir, ignore_errors=True)
    argv: list[str | Path] = [ctx.tools.script("uv"), "build", "--sdist", "--no-config", "--no-progress"]
    argv += ["--out-dir", outdir, "--no-index", "--find-links", wheelhouse, src]
    env = {**ctx.base_env, "UV_CACHE_DIR": str(ctx.cache.uv_cache)}
    start = time.monotonic()
    run(argv, cwd=src, env=env, log=log)
    ctx.timer.add("setup", time.monotonic() - start)
    made = sorted(outdir.glob("*.tar.gz"))
    if not made:
        raise HarnessError(f"uv build --sdist made no sdist in {outdir}; see {log}")
    return made[0]


def measured_build(
    ctx: Context,
    cell: Cell,
    scenario: Scenario,
    installed: Installed,
    src: Path,
    sample: Sample,
    logs: Path,
    check_python: str,
    attempt: int = 0,
) -> BuildRecord:
    """One frontend command, measured from cargo's records; ``check_python`` runs the wheel."""
    workdir = src.parent
    outdir = workdir / "dist"
    shutil.rmtree(outdir, ignore_errors=True)
    outdir.mkdir(parents=True)
    strategy = STRATEGIES[cell.strategy]
    wheelhouse = ctx.wheelhouse(patched_backend=strategy.backend_patch)
    sctx = _strategy_context(ctx, strategy, installed, workdir, src, logs)
    options = replace(strategy.options(sctx), sdist=scenario.sdist)
    source = src
    if scenario.sdist and installed.frontend.builds_sdist_file:
        source = _make_sdist(ctx, src, workdir, wheelhouse, logs / f"{scenario.name}.sdist.log")
    invocation = installed.frontend.invocation(
        installed,
        BuildPaths(source=source, outdir=outdir, wheelhouse=wheelhouse, uv_cache=ctx.cache.uv_cache),
        options,
    )
    added = {**invocation.env, **strategy.environment(sctx)}
    # An sdist build's target dir lives in the frontend's temp dir unless the strategy moves it.
    target = strategy.target_dir(sctx) or (None if scenario.sdist else root_manifest(src).parent / "target")
    # The first attempt keeps the plain names (warm.log), so single runs look as they always did.
    stem = scenario.name if attempt == 0 else f"{scenario.name}.attempt{attempt}"
    log = logs / f"{stem}.log"

    start = time.monotonic()
    before = snapshot(target) if target else None
    done = run(invocation.argv, cwd=src, env=_build_env(ctx, added), log=log, check=False)
    explained: BuildDiff
    if target is not None and before is not None:
        after = snapshot(target)
        explained = diff(before, after, package_roots(src))
        # Keep cargo's records beside the log, so every cause in the report can be audited.
        snapshots = {"before": before.to_json(), "after": after.to_json()}
        (logs / f"{stem}.fingerprints.json").write_text(json.dumps(snapshots, indent=1), encoding="utf-8")
    else:
        explained = compiled_from_log(done.output)
    ctx.timer.add("build", done.seconds)
    ctx.timer.add("measure", time.monotonic() - start - done.seconds)

    record = BuildRecord(
        scenario=scenario.name,
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
        measured_from="fingerprints" if target else "cargo output (the target dir went with the temp dir)",
        python=installed.interpreter.base_executable,
        python_version=installed.interpreter.version,
        attempt=attempt,
    )
    wheel = _newest_wheel(outdir) if record.ok else None
    if record.ok and wheel is None:
        record.ok, record.error = False, "the frontend exited 0 but produced no wheel"
    if wheel is not None:
        start = time.monotonic()
        checked = check_wheel(
            wheel,
            uv=ctx.tools.script("uv"),
            python=check_python,
            wheelhouse=wheelhouse,
            check=sample.check,
            workdir=workdir,
            env={**ctx.base_env, "UV_CACHE_DIR": str(ctx.cache.uv_cache)},
            log=logs / f"{stem}.wheel.log",
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
        missing = diagnose(done.output)
        record.error = f"build failed with exit {done.returncode}" + (f": {missing}" if missing else "")
        record.error += f"; see {log}"
    return record


def _strategy_context(
    ctx: Context, strategy: Strategy, installed: Installed, workdir: Path, src: Path, logs: Path
) -> StrategyContext:
    config = ctx.config_file(src, installed.interpreter, logs) if strategy.needs_config_file else None
    return StrategyContext(frontend_python=installed.interpreter, workdir=workdir, pyo3_config=config)


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
    shutil.rmtree(workdir, ignore_errors=True)
    extra: tuple[str, ...] = ()
    try:
        wheelhouse = ctx.wheelhouse(patched_backend=strategy.backend_patch)
        result.backend_source = (
            json.loads((wheelhouse / ".harness-complete").read_text(encoding="utf-8"))["source"]
            if strategy.backend_patch
            else f"PyPI maturin=={ctx.pins.maturin}"
        )
        pyo3 = _prepare_work_copy(ctx, cell, sample, variant, src, logs)
        result.pyo3, result.pyo3_support = pyo3.version, pyo3.describe()
        # pip arguments: the project's build requirements, from the wheelhouse.
        extra = ("--find-links", str(wheelhouse), *build_requirements(src)) if strategy.preinstall else ()
        installed = ctx.frontend(cell.frontend, patched=strategy.frontend_patch, extra=extra)
        result.frontend_version, result.frontend_source = installed.version, installed.source
        result.frontend_patch = installed.patch_digest
        strategy.prepare(
            StrategyContext(frontend_python=installed.interpreter, workdir=workdir), project_name(src)
        )
    except HarnessError as exc:
        result.error = str(exc)
        progress("cell-error", {"cell": cell, "error": str(exc)})
        return result

    schedule = [(SCENARIOS[s], a) for s in cell.scenarios for a in range(cell.attempts(s))]
    for scenario, attempt in schedule:
        name = scenario.name
        if scenario.needs_other_venv and not plugin.other_venv:
            continue
        if result.builds and not result.builds[-1].ok:
            result.builds.append(_not_run(name, result.builds[-1].scenario, attempt=attempt))
            continue
        progress("build-start", {"cell": cell, "scenario": name, "attempt": attempt})
        try:
            runner = ctx.frontend(
                cell.frontend,
                patched=strategy.frontend_patch,
                other=scenario.needs_other_venv,
                extra=extra,
                switched=scenario.switch_python,
            )
            # Every attempt prepares afresh: an incremental attempt appends its own line to lib.rs.
            _prepare_scenario(name, src, sample)
            # The wheel is checked on the interpreter it was built for.
            target = ctx.switched().interpreter if scenario.switch_python else ctx.interpreter
            record = measured_build(
                ctx, cell, scenario, runner, src, sample, logs, target.executable, attempt
            )
        except HarnessError as exc:
            result.builds.append(_not_run(name, "setup", str(exc), attempt=attempt))
            continue
        result.builds.append(record)
        progress("build-done", {"cell": cell, "record": record})
    result.checks = evaluate(result, strategy, sample, ctx.interpreter)
    return result


def _not_run(scenario: str, after: str, why: str | None = None, *, attempt: int = 0) -> BuildRecord:
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
        attempt=attempt,
    )
