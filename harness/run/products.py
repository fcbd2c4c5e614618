"""What a build made, checked: the wheel installed on the interpreter it was built for and
called, or the project where an installing frontend put it; and, before a build, the sdist a
pip build starts from, the venv an installing frontend installs into, and the symlink or shim a
user may name the base interpreter by."""

from __future__ import annotations

import shlex
import shutil
from pathlib import Path

from harness.errors import HarnessError
from harness.install.envs import Interpreter
from harness.measure.failures import diagnose
from harness.measure.wheelcheck import check_installed, check_wheel
from harness.model.results import BuildRecord
from harness.run.cellrun import CellRun
from harness.run.plan import BuildPlan
from harness.venvs import executable
from harness.workbench.project import project_name


def _newest_wheel(outdir: Path) -> Path | None:
    wheels = sorted(outdir.glob("*.whl"), key=lambda p: p.stat().st_mtime_ns)
    return wheels[-1] if wheels else None


def make_sdist(cr: CellRun, outdir: Path, log: Path) -> Path:
    """An sdist of the work copy, for frontends that build from an sdist file (pip)."""
    ctx = cr.ctx
    shutil.rmtree(outdir, ignore_errors=True)
    argv: list[str | Path] = [ctx.tools.script("uv"), "build", "--sdist", "--no-config", "--no-progress"]
    argv += ["--out-dir", outdir, "--no-index", "--find-links", cr.wheelhouse.path, cr.src]
    with ctx.timer.timing("setup"):
        ctx.runner(argv, cwd=cr.src, env=ctx.uv_env, log=log)
    made = sorted(outdir.glob("*.tar.gz"))
    if not made:
        raise HarnessError(f"uv build --sdist made no sdist in {outdir}; see {log}")
    return made[0]


def make_target_env(cr: CellRun, root: Path, interpreter: Interpreter) -> None:
    """The venv an installing frontend installs into: one per cell and interpreter, made once
    and kept across the cell's scenarios (re-running the install is the edit loop)."""
    if root.exists():
        return
    argv: list[str | Path] = [cr.ctx.tools.script("uv"), "venv", "--no-config", "--quiet"]
    argv += ["--python", interpreter.executable, root]
    with cr.ctx.timer.timing("setup"):
        cr.ctx.runner(argv, cwd=cr.workdir, env=cr.ctx.uv_env)


def spell_base(path: Path, base: str, *, shim: bool) -> None:
    """``path`` made anew as a symlink to ``base``, or as a shell script that execs it (the way
    pyenv's and asdf's shims reach an interpreter: its sys.executable is then ``base``)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    if shim:
        path.write_text(f'#!/bin/sh\nexec {shlex.quote(base)} "$@"\n', encoding="utf-8")
        path.chmod(0o755)
    else:
        path.symlink_to(base)


def check_built_wheel(cr: CellRun, record: BuildRecord, built: BuildPlan, output: str) -> None:
    """Install the wheel on the interpreter it was built for and call it; or say why the build failed."""
    ctx = cr.ctx
    wheel = _newest_wheel(built.outdir) if record.ok else None
    if record.ok and wheel is None:
        record.fail("the frontend exited 0 but produced no wheel")
    if wheel is not None:
        with ctx.timer.timing("wheel-check"):
            record.wheel = check_wheel(
                wheel,
                uv=ctx.tools.script("uv"),
                python=built.target_python.executable,
                wheelhouse=cr.wheelhouse_for(built.scenario, check=True, attempt=built.attempt).path,
                check=cr.sample.check,
                workdir=cr.workdir,
                env=ctx.uv_env,
                log=cr.logs / f"{built.stem}.wheel.log",
            )
    elif not record.ok:
        explain_failure(record, output)


def check_installed_project(
    cr: CellRun, record: BuildRecord, env_root: Path, edited: float | None, stem: str, output: str
) -> None:
    """Import and call the project where the frontend installed it; or say why the build failed."""
    if not record.ok:
        explain_failure(record, output)
        return
    with cr.ctx.timer.timing("wheel-check"):
        record.wheel = check_installed(
            project_name(cr.src),
            python=executable(env_root, "python"),
            check=cr.sample.check,
            edited_before=edited,
            workdir=cr.workdir,
            env=cr.ctx.base_env,
            log=cr.logs / f"{stem}.wheel.log",
        )


def explain_failure(record: BuildRecord, output: str) -> None:
    if record.error is None:
        missing = diagnose(output)
        record.error = f"build failed with exit {record.returncode}" + (f": {missing}" if missing else "")
        record.error += f"; see {record.log}"
