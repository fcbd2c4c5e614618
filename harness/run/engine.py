"""The engine: run one cell's scenarios as real builds, measured from cargo's own records."""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from harness.errors import HarnessError, NoSpace, is_no_space, says_no_space
from harness.files import locked
from harness.install.frontends import BuildPaths, Installed
from harness.install.probe import BUMPED, bumped_wheelhouse
from harness.install.probe import DISTRIBUTION as PROBE_NAME
from harness.install.probe import VERSION as PROBE_VERSION
from harness.install.pyo3 import CONFIG_CRATE, Pyo3
from harness.measure.cargo_log import compiled_from_log
from harness.measure.cargo_time import cargo_seconds
from harness.measure.causes import BuildDiff, diff
from harness.measure.compiled_for import compiled_for
from harness.measure.fingerprints import Snapshot, snapshot
from harness.measure.safety import PYO3_CHAIN, Evidence, evaluate
from harness.model.progress import BuildDone, BuildStarted, CellFailed, Note, Progress
from harness.model.results import FROM_CARGO_OUTPUT, FROM_FINGERPRINTS, BuildRecord, CellResult
from harness.model.scenarios import Scenario
from harness.process import Completed, compile_settings
from harness.run.cellrun import CellRun
from harness.run.context import Context
from harness.run.plan import BuildPlan, plan
from harness.run.products import (
    check_built_wheel,
    check_installed_project,
    make_sdist,
    make_target_env,
    spell_base,
)
from harness.run.selection import Cell
from harness.workbench import seed as seeds
from harness.workbench.ci_cache import as_ci_job
from harness.workbench.project import build_requirements, project_name
from harness.workbench.pyo3_config import stale_evidence
from harness.workbench.samples import SAMPLES
from harness.workbench.strategies import StrategyContext
from harness.workbench.workcopy import (
    add_patch_overrides,
    fetch_crates,
    locked_version,
    make_work_copy,
    package_roots,
    root_manifest,
)


def _build_env(ctx: Context, extra: Mapping[str, str]) -> dict[str, str]:
    return {
        **ctx.base_env,
        # Crates were fetched when the work copy was made; a build must not download.
        "CARGO_NET_OFFLINE": "true",
        "PIP_CACHE_DIR": str(ctx.cache.pip_cache),
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
        **extra,
    }


def _measured_run(
    cr: CellRun, argv: list[str], env: dict[str, str], target: Path | None, stem: str
) -> tuple[Completed, BuildDiff, Snapshot | None]:
    """Run the build between two snapshots of cargo's records (or read cargo's output when
    there is no target dir to snapshot); the snapshot after it, when there is one."""
    log = cr.logs / f"{stem}.log"
    with cr.ctx.timer.timing("measure"):
        before = snapshot(target) if target else None
    done = cr.ctx.runner(argv, cwd=cr.src, env=_build_env(cr.ctx, env), log=log, check=False)
    cr.ctx.timer.add("build", done.seconds)
    if target is None or before is None:
        return done, compiled_from_log(done.output), None
    with cr.ctx.timer.timing("measure"):
        after = snapshot(target)
        # Keep cargo's records beside the log, so every cause in the report can be audited.
        snapshots = {"before": before.to_json(), "after": after.to_json()}
        (cr.logs / f"{stem}.fingerprints.json").write_text(json.dumps(snapshots, indent=1), encoding="utf-8")
        return done, diff(before, after, package_roots(cr.src)), after


def build_plan(cr: CellRun, scenario: Scenario, installed: Installed, attempt: int = 0) -> BuildPlan:
    second = (
        cr.ctx.switched(scenario.second_python(attempt)).interpreter if scenario.needs_second_python else None
    )
    base = second if second is not None and scenario.switch_python else cr.ctx.interpreter
    context = cr.strategy_context(installed)
    return plan(
        scenario,
        attempt,
        layout=cr.layout,
        frontend=installed.frontend,
        strategy=cr.strategy,
        context=context,
        base=base,
        second=second,
        seeds=cr.ctx.seed_dir is not None,
    )


def _prepare(cr: CellRun, built: BuildPlan, installed: Installed) -> Path:
    """Run the plan's preparation steps; returns what the frontend is handed to build."""
    source = cr.src
    for step in built.steps:
        if step == "wipe-target":
            for target in built.wipe:
                shutil.rmtree(target, ignore_errors=True)
        elif step == "edit-source":
            with (cr.src / cr.sample.edit).open("a", encoding="utf-8") as handle:
                handle.write(f"\n// pyo3-frontend-harness: {built.stem} edit at {time.time_ns()}\n")
        elif step == "ci-restore":
            with cr.ctx.timer.timing("setup"):
                cache, log = cr.workdir / "ci-cache", cr.logs / f"{built.stem}.cache.log"
                as_ci_job(built.manifest, built.cargo_target, cache, env=_build_env(cr.ctx, {}), log=log)
        elif step == "spell-base" and built.spelled_base is not None:
            spell_base(
                built.spelled_base, built.base.base_executable, shim=built.scenario.base_spelling == "shim"
            )
        elif step == "make-sdist":
            source = make_sdist(cr, built.sdist_dir, cr.logs / f"{built.stem}.sdist.log")
        elif step == "make-target-env" and built.target_env is not None:
            make_target_env(cr, built.target_env, installed.interpreter)
    return source


@contextmanager
def _requirements(cr: CellRun, built: BuildPlan, installed: Installed) -> Iterator[Path]:
    """The wheelhouse the build environment installs from: the cell's, or for "bump-requirement"
    one serving the probe one version up. A strategy without isolation has its build environment
    in the frontend's own: the bumped probe goes there for this build, and the old one back after
    (that environment is shared by the cells of its frontend and sample, and every other build
    of them expects the old one)."""
    if "bump-requirement" not in built.steps:
        yield cr.wheelhouse_for(built.scenario, attempt=built.attempt).path
        return
    bumped = bumped_wheelhouse(cr.wheelhouse.path, built.bumped_wheelhouse)
    if not cr.strategy.preinstall:
        yield bumped
        return
    _install_probe(cr, installed, bumped, BUMPED, cr.logs / f"{built.stem}.bump.log")
    try:
        yield bumped
    finally:
        _install_probe(cr, installed, cr.wheelhouse.path, PROBE_VERSION, cr.logs / f"{built.stem}.unbump.log")


def _install_probe(cr: CellRun, installed: Installed, wheelhouse: Path, version: str, log: Path) -> None:
    argv: list[str | Path] = [installed.env.python, "-m", "pip", "install", "--no-input", "--no-index"]
    argv += ["--find-links", wheelhouse, f"{PROBE_NAME}=={version}"]
    with cr.ctx.timer.timing("setup"):
        cr.ctx.runner(argv, cwd=cr.workdir, env=_build_env(cr.ctx, {}), log=log)


def measured_build(cr: CellRun, built: BuildPlan, installed: Installed) -> BuildRecord:
    """One frontend command, measured from cargo's records; the wheel is checked after."""
    shutil.rmtree(built.outdir, ignore_errors=True)
    built.outdir.mkdir(parents=True)
    source = _prepare(cr, built, installed)
    seed = _seed(cr, built)
    with _requirements(cr, built, installed) as wheelhouse:
        paths = BuildPaths(source, built.outdir, wheelhouse, cr.ctx.cache.uv_cache, built.target_env)
        invocation = installed.frontend.invocation(installed, paths, built.options)
        added = {**invocation.env, **built.env}
        started = time.time()  # after the scenario's edit: what an installed module must be newer than
        done, explained, after = _measured_run(cr, invocation.argv, added, built.target, built.stem)
    if done.returncode != 0 and says_no_space(done.output):
        # Not a row: the build never got to be measured, and every later one would fail alike.
        raise NoSpace(f"the {built.stem} build of {cr.cell.id} ran out of space; log: {cr.logs}")
    record = BuildRecord(
        scenario=built.scenario.name,
        status="built" if done.returncode == 0 else "failed",
        seconds=round(done.seconds, 3),
        rebuilt=explained.rebuilt,
        reran=explained.reran,
        units=explained.units,
        causes=explained.causes,
        log=str(cr.logs / f"{built.stem}.log"),
        command=invocation.argv,
        env=added,
        returncode=done.returncode,
        measured_from=FROM_FINGERPRINTS if built.target else FROM_CARGO_OUTPUT,
        python=installed.interpreter.base_executable,
        python_version=installed.interpreter.version,
        attempt=built.attempt,
        cargo_seconds=cargo_seconds(done.output),
        seeded_from=seed.key if seed and seed.restored else None,
    )
    if seed and not seed.restored and record.ok:
        with cr.ctx.timer.timing("setup"):
            seeds.store(seed.where, seed.key, built.cargo_target)
    if built.stale_evidence and record.ok:
        _stale_evidence(cr, record, built)
    if after is not None and record.ok:
        record.compiled_for = compiled_for(after)
    if built.check == "installed" and built.target_env is not None:
        edited = started if built.requires_fresh else None
        check_installed_project(cr, record, built.target_env, edited, built.stem, done.output)
    else:
        check_built_wheel(cr, record, built, done.output)
    return record


@dataclass(frozen=True)
class _Seed:
    where: Path
    key: str
    restored: bool  # the build starts from it; else it is stored once the build succeeds


def _seed(cr: CellRun, built: BuildPlan) -> _Seed | None:
    """The plan's "seed-target" step, once the target dir is wiped: the seed restored, or to be
    stored after the build (none for a project without a lock file)."""
    if "seed-target" not in built.steps or cr.ctx.seed_dir is None:
        return None
    key = seeds.seed_key(cr.src, compile_settings(cr.ctx.base_env))
    if key is None:
        return None
    with cr.ctx.timer.timing("setup"):
        restored = seeds.restore(cr.ctx.seed_dir, key, built.cargo_target)
    return _Seed(cr.ctx.seed_dir, key, restored)


def _stale_evidence(cr: CellRun, record: BuildRecord, built: BuildPlan) -> None:
    """No pyo3 crate rebuilt after the interpreter switch: record the config the reused build was
    resolved from and what the new interpreter yields, for the stale-cache verdict."""
    if built.target is None or any(p in record.rebuilt or p in record.reran for p in PYO3_CHAIN):
        return
    with cr.ctx.timer.timing("measure"):
        record.pyo3_config, record.pyo3_config_now = stale_evidence(
            cr.src,
            built.target,
            built.base.executable,
            env=cr.ctx.base_env,
            scratch=cr.workdir / "print-config-target",
            log=cr.logs / f"{built.stem}.print-config.log",
        )


def _prepare_work_copy(cr: CellRun) -> Pyo3:
    ctx, sample, src, strategy = cr.ctx, cr.sample, cr.src, cr.strategy
    fetch_env = {k: v for k, v in ctx.base_env.items() if k != "CARGO_NET_OFFLINE"}
    if sample.pyo3_selectable:
        pyo3 = ctx.pyo3(cr.cell.pyo3, strategy.base_support)
        with ctx.timer.timing("setup"):
            base = SAMPLES[sample.base] if sample.base else None
            make_work_copy(sample, src, pyo3=pyo3, variant=cr.cell.sample.variant, base=base)
            fetch_crates(src, fetch_env, cr.logs / "prepare.log")
        return pyo3
    with ctx.timer.timing("setup"):
        make_work_copy(sample, src, pyo3=Pyo3(version="", support="stock"), variant=None)
        fetch_crates(src, fetch_env, cr.logs / "prepare.log")
    version = locked_version(src, CONFIG_CRATE)
    if version is None:
        raise HarnessError(f"{sample.directory}: Cargo.lock names no {CONFIG_CRATE}; is pyo3 a dependency?")
    pyo3 = ctx.pyo3(version, strategy.base_support)
    if pyo3.overrides:
        with ctx.timer.timing("setup"):
            manifest = root_manifest(src)
            manifest.write_text(add_patch_overrides(manifest.read_text(encoding="utf-8"), pyo3.overrides))
            fetch_crates(src, fetch_env, cr.logs / "prepare-patched.log")
    return pyo3


def _new_result(ctx: Context, cell: Cell) -> CellResult:
    spec, sample = cell.frontend, cell.sample
    return CellResult(
        id=cell.id,
        frontend=spec.name,
        frontend_spec=str(spec),
        frontend_version=spec.version or spec.plugin.version(ctx.pins),
        frontend_source="",
        strategy=cell.strategy.name,
        sample=sample.sample.name,
        variant=sample.variant,
        pyo3=cell.pyo3,
        pyo3_support="",
        reproduce=cell.reproduce(compile_settings(ctx.base_env), ctx.run_flags(cell)),
        upstream=cell.strategy.upstream,
        isolated=cell.strategy.isolated,
    )


def _set_up(ctx: Context, cell: Cell, result: CellResult) -> CellRun:
    """The cell's work copy, backend and frontend; fills in what the result says about them."""
    logs = ctx.out / "logs" / cell.id
    shutil.rmtree(logs, ignore_errors=True)
    logs.mkdir(parents=True)
    workdir = ctx.work / cell.id
    shutil.rmtree(workdir, ignore_errors=True)
    cr = CellRun(ctx, cell, workdir, logs, ctx.wheelhouse(patched_backend=cell.strategy.backend_patch))
    result.backend_source = cr.wheelhouse.backend_source
    pyo3 = _prepare_work_copy(cr)
    result.pyo3, result.pyo3_support = pyo3.version, pyo3.describe()
    if cell.strategy.preinstall:
        # pip arguments: the project's build requirements, from the wheelhouse.
        cr.extra = ("--find-links", str(cr.wheelhouse.path), *build_requirements(cr.src))
    cell.frontend.plugin.prepare_source(cr.src)
    installed = cr.frontend()
    result.frontend_version, result.frontend_source = installed.version, installed.source
    result.frontend_patch = installed.patch_digest
    cell.strategy.prepare(
        StrategyContext(frontend_python=installed.interpreter, workdir=workdir), project_name(cr.src)
    )
    return cr


def run_cell(ctx: Context, cell: Cell, progress: Progress) -> CellResult:
    """The cell's builds, measured; its work dir is held for the whole cell, so a second run of
    the same cell on the same work dir waits for this one instead of wiping its work copy."""
    workdir = ctx.work / cell.id

    def waiting() -> None:
        progress(Note(f"    another run is building this cell in {workdir}; waiting for it to finish"))

    with locked(workdir, waiting):
        try:
            return _run_cell(ctx, cell, progress)
        except (NoSpace, OSError) as exc:
            if is_no_space(exc):
                # What the cell wrote is of no use (its set-up wipes it anyway): give the space back.
                shutil.rmtree(workdir, ignore_errors=True)
            raise


def _run_cell(ctx: Context, cell: Cell, progress: Progress) -> CellResult:
    result = _new_result(ctx, cell)
    try:
        cr = _set_up(ctx, cell, result)
    except NoSpace:
        raise
    except HarnessError as exc:
        result.error = str(exc)
        progress(CellFailed(str(exc)))
        return result

    def build(scenario: Scenario, attempt: int) -> BuildRecord:
        installed = cr.frontend(scenario, attempt)
        # Every attempt prepares afresh: an incremental attempt appends its own line to lib.rs.
        return measured_build(cr, build_plan(cr, scenario, installed, attempt), installed)

    result.builds = run_schedule(cell, build, progress, switches=ctx.switches)
    # Again: the second interpreter it switched to is known now.
    result.reproduce = cell.reproduce(compile_settings(ctx.base_env), ctx.run_flags(cell))
    sample = cell.sample.sample
    evidence = Evidence(
        result,
        cell.strategy.isolated,
        sample.imports_build_requirements,
        ctx.interpreter.base_executable,
        bump=(PROBE_VERSION, BUMPED),
    )
    result.checks = evaluate(evidence)
    return result


def run_schedule(
    cell: Cell, build: Callable[[Scenario, int], BuildRecord], progress: Progress, *, switches: int = 1
) -> list[BuildRecord]:
    """Every scenario (and attempt) of the cell that its frontend can run, in order. A build
    that fails, or cannot be set up (``build`` raises), stops the cell: each later one is
    recorded as not run, naming the failed build, so no gap is silent; only independent
    scenarios still run after an independent one failed. The interpreter switch is built once
    per second interpreter (``switches``), each from the one before."""
    builds: list[BuildRecord] = []
    stopped_by: Scenario | None = None  # whose failed build stops the later ones
    for scenario in cell.scenarios:
        if not cell.frontend.plugin.applies(scenario):
            continue
        sample = cell.sample.sample
        if not scenario.applies_to(
            sample.backend, sample.imports_build_requirements, reports_probe=sample.reports_probe
        ):
            continue
        for attempt in range(switches if scenario.switch_python else cell.attempts(scenario)):
            # One independent build's failure leaves the others to run (Scenario.independent).
            if stopped_by is not None and not (scenario.independent and stopped_by.independent):
                why = f"not run: the {stopped_by.name} build of this cell failed"
                builds.append(BuildRecord.not_run(scenario.name, why, attempt=attempt))
                continue
            progress(BuildStarted(scenario.name, attempt))
            try:
                record = build(scenario, attempt)
            except NoSpace:
                raise
            except HarnessError as exc:
                record = BuildRecord.not_run(scenario.name, str(exc), attempt=attempt)
            else:
                progress(BuildDone(record))
            builds.append(record)
            if not record.ok and stopped_by is None:
                stopped_by = scenario
    return builds
