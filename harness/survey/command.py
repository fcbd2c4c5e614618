"""`pyo3-harness survey`: its flags, and the command over ``harness.survey.runner``."""

from __future__ import annotations

import argparse
import json
import os
import shlex
import sys
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any

from harness.errors import UsageError
from harness.files import write_set
from harness.measure.machine import toolchain
from harness.pins import load_pins
from harness.process import clean_environment, run
from harness.report import html
from harness.report import markdown as md
from harness.run.selection import Selection
from harness.run.shard import parse_shard
from harness.survey.figures import measured
from harness.survey.listing import LIST, load_list
from harness.survey.runner import SurveyOptions, read_row, row_path, survey
from harness.survey.table import document

# The question the survey answers: does the patch set stop the churn, locally and in CI, and
# does it break anything. Warm and incremental are the local loop, ci-restore a CI job.
FRONTENDS, STRATEGIES, SCENARIOS = "build,uv", "stock,frontend-patch", "warm,incremental,ci-restore"


def add_parser(sub: Any, common: Callable[[argparse.ArgumentParser], None]) -> None:
    parser = sub.add_parser("survey", help="measure the listed pyo3 projects from PyPI, resumably")
    parser.add_argument(
        "--list", type=Path, default=LIST, help="the survey list (TOML; default: the curated one)"
    )
    parser.add_argument("--only", help="comma-separated project names from the list (default: every one)")
    parser.add_argument("--frontend", default=FRONTENDS, help=f"as for run (default: {FRONTENDS})")
    parser.add_argument("--strategy", default=STRATEGIES, help=f"as for run (default: {STRATEGIES})")
    parser.add_argument("--scenario", default=SCENARIOS, help=f"as for run (default: {SCENARIOS})")
    parser.add_argument("--budget", default="60", help="minutes one project may take (default: 60)")
    parser.add_argument("--shard", help="I/N: measure every Nth project of the list, from the Ith")
    parser.add_argument("--out", type=Path, default=Path("survey"), help="where rows and results go")
    parser.add_argument(
        "--table-only",
        action="store_true",
        help="measure nothing: write the table from the rows in --out (shards' outputs copied into one)",
    )
    common(parser)


def _budget(text: str) -> float:
    try:
        minutes = float(text)
    except ValueError:
        minutes = 0.0
    if not minutes > 0:
        raise UsageError(f"--budget {text!r}: accepted: minutes, a number above 0")
    return minutes * 60


def _names(text: str) -> list[str]:
    return [n.strip() for n in text.split(",") if n.strip()]


def _command(args: argparse.Namespace) -> str:
    """The survey as one command, its selection spelled out (what measured the rows)."""
    words = ["pyo3-harness", "survey", "--frontend", args.frontend, "--strategy", args.strategy]
    words += ["--scenario", args.scenario, "--budget", str(args.budget)]
    return shlex.join(words + (["--only", args.only] if args.only else []))


def main(args: argparse.Namespace, cache: Path) -> int:
    projects = load_list(args.list)
    if args.only:
        wanted = _names(args.only)
        unknown = sorted(set(wanted) - {p.name for p in projects})
        if unknown:
            names = ", ".join(p.name for p in projects)
            raise UsageError(f"--only {', '.join(unknown)}: not in {args.list}; accepted: {names}")
        projects = [p for p in projects if p.name in wanted]
    if args.shard:
        projects = parse_shard(args.shard).select(projects)
    pins = load_pins(args.pins)
    # Every child run takes these; a wrong name is refused here, not once per project.
    Selection.from_names(
        pyo3_versions=pins.pyo3_versions,
        frontends=_names(args.frontend),
        strategies=_names(args.strategy),
        scenarios=_names(args.scenario),
    )
    # Absolute: each project's run works in a directory of its own.
    args.out = args.out.resolve()
    options = SurveyOptions(
        args.out, cache, args.python, args.frontend, args.strategy, args.scenario, _budget(args.budget)
    )
    env = clean_environment(os.environ)
    measured_with = {"pins": pins.digest, "toolchain": toolchain(env).to_json(), "python": args.python}
    if args.table_only:
        found = [read_row(row_path(args.out, p)) for p in projects]
        rows = [r for r in found if r is not None]
    else:
        rows = survey(projects, options, env=env, runner=run, measured_with=measured_with, say=print)
    doc = document(measured(projects, {r.project: r for r in rows}, args.out), _command(args))
    write_set(
        {
            args.out / "survey.json": json.dumps([asdict(r) for r in rows], indent=1) + "\n",
            args.out / "survey.md": md.document(doc),
            args.out / "survey.html": html.page(doc),
        }
    )
    print(f"\nsurvey: {args.out / 'survey.md'}, survey.html, survey.json", file=sys.stderr)
    return 0 if all(r.status == "measured" for r in rows) else 1
