"""What each command does, given parsed arguments; ``harness.cli`` only parses and dispatches.

Each function returns the command's exit code and prints what the command prints.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from harness.ci_matrix import github, plan, text
from harness.doctor import checks, project_checks, render
from harness.errors import HarnessError, UsageError
from harness.files import http_get, write_atomic
from harness.install.cache import Cache
from harness.install.envs import probe
from harness.install.frontends import DEFAULT_FRONTENDS, FRONTENDS
from harness.install.patch_check import Check, check_all
from harness.install.pypi import ACCEPT, missing_release, parse_page, project_url
from harness.install.second_python import installed_second
from harness.model.scenarios import DEFAULT_SCENARIOS, SCENARIOS, SECOND_PYTHON
from harness.pins import Pins
from harness.process import clean_environment
from harness.report.markdown import cells, table
from harness.report.publish import publish
from harness.report.rows import NOTHING, Content, Row, Span, Table, lines, plain
from harness.report.terminal import ProgressPrinter
from harness.run import session
from harness.run.selection import Selection
from harness.run.session import Settings, execute
from harness.workbench.project import resolve_project
from harness.workbench.samples import DEFAULT_SAMPLES, SAMPLES
from harness.workbench.strategies import DEFAULT_STRATEGIES, STRATEGIES


def listing(pins: Pins) -> str:
    """`pyo3-harness list`: every registered plug-in, with the defaults named."""
    lines = [f"Frontends (default: {', '.join(DEFAULT_FRONTENDS)}):"]
    lines += [f"  {f.name:<22} {f.description}" for f in FRONTENDS.values()]
    lines += ["  (each also as NAME==VERSION, NAME@CHECKOUT, or for uv, uv=BINARY)"]
    lines += [f"Strategies (default: {', '.join(DEFAULT_STRATEGIES)}):"]
    lines += [f"  {s.name:<22} {s.description}" for s in STRATEGIES.values()]
    lines += [f"Samples (default: {', '.join(DEFAULT_SAMPLES)}):"]
    for s in SAMPLES.values():
        variants = f" [variants: {', '.join(s.variants)}; default {s.variants[0]}]" if s.variants else ""
        lines.append(f"  {s.name:<22} {s.description}{variants}")
    lines += [f"Scenarios (default: {', '.join(DEFAULT_SCENARIOS)}):"]
    lines += [f"  {s.name:<22} {s.description}" for s in SCENARIOS.values()]
    lines += [f"pyo3 versions (default first): {', '.join(pins.pyo3_versions)}"]
    return "\n".join(lines)


def report(
    results: Sequence[Path], out: Path, *, baseline: Path | None, fail_on_regression: bool, command: list[str]
) -> int:
    if fail_on_regression and baseline is None:
        raise UsageError("--fail-on-regression needs --compare BASELINE.json")
    done = publish(results, out, baseline=baseline, command=command)
    print(cells(done.result))
    regressions = done.comparison.regressions if done.comparison else []
    if done.comparison is not None:
        print(f"\n{len(regressions)} regression(s) against {done.comparison.baseline}")
        for line in regressions:
            print(f"  {line}")
    print(f"\nresults: {done.results}  report: {done.markdown}  html: {done.html}")
    return 1 if regressions and fail_on_regression else 0


def matrix(
    selection: Selection, *, oses: Sequence[str], pythons: Sequence[str], shards: int, github_format: bool
) -> int:
    planned = plan(selection, oses=oses, pythons=pythons, shards_per_job=shards)
    if github_format:
        print(github(planned))
        for note in planned.notes:  # stdout is the workflow's input: notes go elsewhere
            print(f"pyo3-harness: note: {note}", file=sys.stderr)
    else:
        print(text(planned))
    return 0


def doctor(cache: Path, python: str, project: str | None, out: Path) -> int:
    env = clean_environment(os.environ)
    # A --project that cannot be used is bad input: refused before the checks write anything.
    root = resolve_project(project, Cache(cache)) if project else None
    found = checks(env, cache, python, out)
    if root is not None:
        with tempfile.TemporaryDirectory(prefix="pyo3-harness-doctor-") as scratch:
            found += project_checks(root, env, Path(scratch))
    print(render(found))
    return 0 if all(c.ok for c in found) else 1


def _where_a_second_python_is(selection: Selection, python: str) -> Selection:
    """The default scenarios, less the two on a second interpreter when this machine has none:
    a default run never installs or compiles an interpreter."""
    env = clean_environment(os.environ)
    if installed_second(probe(python, env), env) is not None:
        return selection
    print(
        f"pyo3-harness: note: no second CPython here, so the {', '.join(SECOND_PYTHON)} scenarios "
        "(the stale-cache and compiled-for checks across interpreters) are left out; name one "
        "with --switch-python PATH|VERSION",
        file=sys.stderr,
    )
    return selection.without_scenarios(SECOND_PYTHON)


def check_releases(selection: Selection) -> None:
    """Every ``NAME==VERSION`` frontend is a release on PyPI, asked before anything is installed;
    when PyPI cannot be reached, the run goes on (a cached install of it may still serve)."""
    for spec in selection.frontends:
        if spec.version is None:
            continue
        package = spec.plugin.package
        try:
            page = parse_page(http_get(project_url(package), accept=ACCEPT), package)
        except HarnessError:
            continue  # offline: not known to be wrong
        problem = missing_release(page, package, spec.version)
        if problem:
            raise UsageError(f"--frontend {spec}: {problem}")


def run(
    selection: Selection,
    settings: Settings,
    pins: Pins,
    command: list[str],
    *,
    default_scenarios: bool = False,
) -> int:
    if default_scenarios and not settings.switch_python:
        selection = _where_a_second_python_is(selection, settings.python)
    to_run = selection.to_run()
    for cell, reason in selection.skipped():
        print(f"pyo3-harness: leaving out {cell.id}: {reason}", file=sys.stderr)
    if not selection.cells():
        raise UsageError("no strategy in the selection applies to its frontends and samples (see above)")
    if settings.switch_python and not any(s.needs_second_python for c in to_run for s in c.scenarios):
        print(
            f"pyo3-harness: note: --switch-python is used only by the {', '.join(SECOND_PYTHON)} "
            "scenarios, which this run does not include",
            file=sys.stderr,
        )
    result = execute(selection, settings, pins, command, ProgressPrinter(total=len(to_run)))
    print(cells(result))
    out = settings.out
    print(
        f"\nresults: {out / 'results.json'}  reports: {out / 'report.md'}, {out / 'report.html'}  "
        f"logs: {out / 'logs'}"
    )
    failed = [c.id for c in result.cells if not c.ok]
    if failed:
        print(f"{len(failed)} cell(s) failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


def prepare(selection: Selection, settings: Settings, pins: Pins) -> int:
    """`pyo3-harness prepare`: the selection's one-time installs, so a run (or a test suite)
    afterwards only builds and measures."""
    cells = selection.to_run()
    installs = session.prepare(selection, settings, pins, ProgressPrinter(total=len(cells)))
    for done in installs:
        print(f"  {done['what']}: {done['seconds']:.0f} s")
    print(f"prepared {len(cells)} cell(s)' installs in {settings.cache}")
    return 0


PATCHES_HEAD = (
    "patch",
    "series",
    "applies",
    "builds",
    "upstream tests, patched",
    "upstream tests, pristine",
    "not run here",
    "notes",
)


def _yes(value: bool | None) -> Content:
    return NOTHING if value is None else plain("yes") if value else (Span("no", "failed"),)


def patches_table(checks: list[Check]) -> Table:
    """`patches check`'s findings as a report table: install knows no report format, and the
    notes (a failing command's first line) may hold anything, so Markdown escapes every cell."""
    rows = []
    for c in checks:
        builds = _yes(c.builds)
        if c.build_seconds is not None:
            builds += (Span(f" ({c.build_seconds:.0f} s)"),)
        tests = NOTHING if c.tests is None else plain(str(c.tests))
        if c.tests_command:
            shown = " ".join([Path(c.tests_command[0]).name, *c.tests_command[1:]])
            tests += (Span(" ("), Span(shown, "code"), Span(")"))
        pristine = NOTHING if c.pristine_tests is None else plain(str(c.pristine_tests))
        not_run = lines([f"{n['test']}: {n['reason']}" for n in c.not_run]) or NOTHING
        notes = lines([n.splitlines()[0] for n in c.notes if n]) or NOTHING
        cells = (plain(f"{c.tool} {c.version}"), plain(c.digest), _yes(c.applies), builds, tests)
        rows.append(Row((*cells, pristine, not_run, notes)))
    return Table("patches", PATCHES_HEAD, tuple(rows))


def patches(
    tools: tuple[str, ...], cache: Path, pins: Pins, python: str, upstream_tests: bool, out: Path
) -> int:
    """`pyo3-harness patches check`: writes patches-check.md; exit 1 if any series failed."""
    env = clean_environment(os.environ)
    logs = out / "logs" / "patches"
    checks = check_all(
        Cache(cache), pins, tools, python=python, env=env, upstream_tests=upstream_tests, logs=logs
    )
    text = table(patches_table(checks))
    write_atomic(out / "patches-check.md", text + "\n")
    print(text)
    print(f"\nwritten: {out / 'patches-check.md'}; logs: {logs}")
    return 0 if all(c.ok for c in checks) else 1
