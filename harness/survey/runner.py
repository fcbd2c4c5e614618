"""`pyo3-harness survey`: every listed project through `pyo3-harness run`, one at a time.

Each project is a `run --project NAME==VERSION` of its own, in a child process with a time
budget, into ``<out>/projects/<name>/``; its row (``row.json``) is written as soon as it ends, so
an interrupted survey loses at most the project in progress, and that project's own results
file resumes its finished cells. A second survey with the same selection skips every project
whose row carries the same stamp: the harness version, the pins, the toolchain and its cargo
settings, the selection and the patch series; so a new patch set measures everything again.
"""

from __future__ import annotations

import json
import shutil
import statistics
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Literal

from harness import __version__
from harness.files import digest, write_atomic
from harness.install.frontends import FRONTENDS
from harness.install.patches import covering, patches_root
from harness.measure import sharing
from harness.process import Runner
from harness.survey.crosscheck import VERBOSE, cross_check
from harness.survey.listing import SurveyProject
from harness.workbench.strategies import STRATEGIES

Status = Literal["measured", "failed", "over-budget"]
TIMED_OUT = 124  # process.run's exit for a command past its timeout


@dataclass(frozen=True)
class SurveyOptions:
    out: Path
    cache: Path
    python: str
    frontends: str  # comma-separated, as `run` takes them
    strategies: str
    scenarios: str
    budget: float  # seconds one project may take, installs and every build included

    def run_args(self, project: SurveyProject, strategies: str) -> list[str]:
        where = self.out / "projects" / project.name
        return [
            *("--project", project.spec, "--frontend", self.frontends, "--strategy", strategies),
            *("--scenario", self.scenarios, "--out", str(where / "out"), "--work-dir", str(where / "work")),
            *("--cache-dir", str(self.cache), "--python", self.python),
            # A project's cells share its third-party crates: one cold build compiles them (the
            # survey's table shows no cold build; every rebuild it shows is measured as without).
            *("--seed-dir", str(where / "work" / "seeds")),
        ]


@dataclass(frozen=True)
class Row:
    project: str  # NAME==VERSION
    status: Status
    seconds: float
    exit: int
    detail: str  # the run's last words when it failed; what was left out
    stamp: str
    budget: float
    # The share of the machine's cores other work used meanwhile (None: not known): seconds
    # measured beside other work are longer than the project's own.
    others: float | None = None
    cargo: str = ""  # cargo's own account of the rebuilds beside ours (survey/crosscheck.py)


def series_lines(root: Path | None = None) -> frozenset[str]:
    """The pyo3 release lines with a patch series (``0.29`` for patches/pyo3/0.29.2)."""
    base = (root or patches_root()) / "pyo3"
    return frozenset(".".join(d.name.split(".")[:2]) for d in base.iterdir() if (d / "series").is_file())


def strategies_for(project: SurveyProject, wanted: str, lines: frozenset[str]) -> tuple[str, str]:
    """The strategies a project can be measured with, and what was left out: strategies that
    patch pyo3 need a series for the project's pyo3 line (stock is measured anyway)."""
    if project.binding == "pyo3" and project.pyo3_line in lines:
        return wanted, ""
    kept = [s for s in wanted.split(",") if s == "stock"] or ["stock"]
    line = project.pyo3_line or "unknown"
    return ",".join(kept), f"no series for pyo3 line {line} ({project.binding}): stock only"


def series_digests(root: Path | None = None) -> dict[str, str]:
    """Every series directory's patches by ``tool/version``, by name and content: read once per
    survey."""
    base = root or patches_root()
    return {
        f"{d.parent.name}/{d.name}": digest(
            *sorted(str(p.relative_to(d)) + p.read_text(errors="replace") for p in d.rglob("*.patch"))
        )
        for d in sorted(base.glob("*/*"))
        if (d / "series").is_file()
    }


def series_used(project: SurveyProject, strategies: str, digests: Mapping[str, str]) -> dict[str, str]:
    """The series a project's rows depend on, so a new series re-measures only what it changes:
    the frontends' series when a strategy patches them, the backends' when one patches those, and
    the pyo3 series that covers the project's pyo3 when one patches pyo3."""
    chosen = [STRATEGIES[name] for name in strategies.split(",") if name in STRATEGIES]
    frontends = {frontend.package for frontend in FRONTENDS.values()}
    pyo3 = covering(project.pyo3, [n.split("/", 1)[1] for n in digests if n.startswith("pyo3/")])

    def depends_on(name: str) -> bool:
        tool, version = name.split("/", 1)
        if tool == "pyo3":
            return version == pyo3 and any(s.base_support for s in chosen)
        if tool in frontends:
            return any(s.frontend_patch for s in chosen)
        return any(s.backend_patch for s in chosen)

    return {name: value for name, value in digests.items() if depends_on(name)}


def stamp(
    options: SurveyOptions, project: SurveyProject, strategies: str, measured_with: Mapping[str, object]
) -> str:
    """What a project's row was measured with (``measured_with`` holds the series it used too);
    equal stamps need no new measurement."""
    selection = (project.spec, options.frontends, strategies, options.scenarios)
    return digest(__version__, selection, sorted(measured_with.items()))


def row_path(out: Path, project: SurveyProject) -> Path:
    return out / "projects" / project.name / "row.json"


def read_row(path: Path) -> Row | None:
    try:
        return Row(**json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError):
        return None  # absent, or cut short by an earlier crash: measured again


def still_good(row: Row | None, stamp_now: str, budget: float) -> bool:
    """A row is kept when measured with the same stamp, unless it ran out of a smaller budget."""
    if row is None or row.stamp != stamp_now:
        return False
    return not (row.status == "over-budget" and budget > row.budget)


def measure(
    project: SurveyProject,
    options: SurveyOptions,
    strategies: str,
    *,
    env: Mapping[str, str],
    runner: Runner,
    stamp_now: str,
    left_out: str,
) -> Row:
    where = row_path(options.out, project).parent
    where.mkdir(parents=True, exist_ok=True)
    argv = [sys.executable, "-m", "harness", "run", *options.run_args(project, strategies)]
    before = sharing.mark()
    verbose = {**env, **VERBOSE}
    done = runner(argv, cwd=where, env=verbose, log=where / "survey.log", check=False, timeout=options.budget)
    # The work copies and their target dirs (gigabytes for a large project); the results, logs
    # and reports are in out/.
    shutil.rmtree(where / "work", ignore_errors=True)
    if done.returncode == TIMED_OUT:
        status: Status = "over-budget"
        detail = f"over the budget of {options.budget:.0f} s; the finished cells are in out/results.json"
    else:
        status = "measured" if done.returncode == 0 else "failed"
        detail = "" if done.returncode == 0 else last_words(done.output)
    detail = "; ".join(d for d in (detail, left_out) if d)
    others = sharing.others_share(before, sharing.mark(), done.seconds)
    seconds = round(done.seconds, 1)
    cargo = cross_check(where / "out" / "results.json")
    row = Row(
        project.spec, status, seconds, done.returncode, detail, stamp_now, options.budget, others, cargo
    )
    write_atomic(row_path(options.out, project), json.dumps(asdict(row), indent=1) + "\n")
    return row


def last_words(output: str) -> str:
    """The end of the run's output, from its last error line when one is near the end (cargo's
    "error: failed to select a version ..."), else its last three lines."""
    lines = [line for line in output.strip().splitlines() if line.strip()]
    tail = lines[-8:]
    starts = [i for i, line in enumerate(tail) if line.startswith(("error", "pyo3-harness:"))]
    kept = tail[starts[-1] :] if starts else lines[-3:]
    return " / ".join(kept)[-600:]


def time_left(seconds: Sequence[float], remaining: int) -> str:
    """An estimate from the projects measured so far in this survey."""
    if not seconds:
        return "time left: unknown until a project is measured"
    return f"about {statistics.mean(seconds) * remaining / 60:.0f} min left"


def survey(
    projects: Sequence[SurveyProject],
    options: SurveyOptions,
    *,
    env: Mapping[str, str],
    runner: Runner,
    measured_with: Mapping[str, object],
    say: Callable[[str], None],
) -> list[Row]:
    lines, rows, took = series_lines(), list[Row](), list[float]()
    digests = series_digests()
    for index, project in enumerate(projects, 1):
        at = f"[{index}/{len(projects)}] {project.spec}"
        strategies, left_out = strategies_for(project, options.strategies, lines)
        used = {**measured_with, "series": series_used(project, strategies, digests)}
        stamp_now = stamp(options, project, strategies, used)
        earlier = read_row(row_path(options.out, project))
        if still_good(earlier, stamp_now, options.budget) and earlier is not None:
            say(f"{at}: {earlier.status} already, with the same stamp")
            rows.append(earlier)
            continue
        say(f"{at}: measuring ({time_left(took, len(projects) - index + 1)})")
        row = measure(
            project, options, strategies, env=env, runner=runner, stamp_now=stamp_now, left_out=left_out
        )
        say(f"{at}: {row.status} in {row.seconds:.0f} s {row.detail}".rstrip())
        took.append(row.seconds)
        rows.append(row)
    return rows
