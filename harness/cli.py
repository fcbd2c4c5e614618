"""``pyo3-harness``: a thin command line over the library (``harness.session``)."""

from __future__ import annotations

import argparse
import io
import os
import sys
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TextIO

from harness import __version__, signals
from harness.build.project import ACCEPTED as PROJECT_FORMS
from harness.build.project import project_sample, resolve_project
from harness.build.samples import SAMPLES, parse_sample
from harness.build.scenarios import DEFAULT_SCENARIOS, SCENARIOS, ordered
from harness.build.strategies import DEFAULT_STRATEGIES, STRATEGIES
from harness.ci_matrix import DEFAULT_OSES, DEFAULT_PYTHONS, FORMATS, parse_shard_count, plan
from harness.ci_matrix import github as github_matrix
from harness.ci_matrix import text as text_matrix
from harness.doctor import checks, project_checks, render
from harness.errors import HarnessError, UsageError, unknown_name
from harness.install.cache import Cache, default_cache_dir, write_atomic
from harness.install.envs import ensure_tools, probe
from harness.install.frontends import DEFAULT_FRONTENDS, FRONTENDS, parse_frontend
from harness.install.patch_check import PACKAGES, all_series, check_series
from harness.install.patch_check import render as render_checks
from harness.pins import DEFAULT_PINS, Pins, load_pins
from harness.process import clean_environment
from harness.report.markdown import table
from harness.report.publish import publish
from harness.report.terminal import ProgressPrinter
from harness.session import Selection, Settings, execute
from harness.shard import parse_shard

DEFAULT_SAMPLES = ("pyo3-ext", "cffi-style")


def _split(values: Iterable[str] | None) -> list[str]:
    return [v.strip() for value in values or () for v in value.split(",") if v.strip()]


def _choose(
    given: list[str], registry: Mapping[str, object] | Sequence[str], what: str, default: Sequence[str]
) -> tuple[str, ...]:
    if not given:
        return tuple(default)
    if given == ["all"]:
        return tuple(registry)
    for name in given:
        if name not in registry:
            raise unknown_name(what, name, list(registry))
    return tuple(dict.fromkeys(given))


def _frontends(given: list[str]) -> tuple[str, ...]:
    if not given:
        return DEFAULT_FRONTENDS
    if given == ["all"]:
        return tuple(FRONTENDS)
    return tuple(dict.fromkeys(str(parse_frontend(text)) for text in given))


def _repeat(given: str) -> int:
    try:
        value = int(given)
    except ValueError:
        value = 0
    if value < 1:
        raise UsageError(f"--repeat takes a whole number of attempts, 1 or more; got {given!r}")
    return value


def selection_from(args: argparse.Namespace, pins: Pins, cache: Path) -> Selection:
    project_arg, shard = getattr(args, "project", None), getattr(args, "shard", None)
    samples = tuple(dict.fromkeys(_split(args.sample))) or DEFAULT_SAMPLES
    if samples == ("all",):
        samples = tuple(SAMPLES)
    for spec in samples:
        parse_sample(spec)  # raises with the accepted names
    scenarios = _choose(_split(args.scenario), SCENARIOS, "scenario", DEFAULT_SCENARIOS)
    if project_arg and args.sample:
        raise UsageError("--project and --sample are exclusive: a run builds samples or your project")
    project = resolve_project(project_arg, Cache(cache)) if project_arg else None
    if project is not None:
        project_sample(project)  # raises with what is wrong with it
    return Selection(
        repeat=_repeat(getattr(args, "repeat", "1")),
        frontends=_frontends(_split(args.frontend)),
        strategies=_choose(_split(args.strategy), STRATEGIES, "strategy", DEFAULT_STRATEGIES),
        samples=samples,
        pyo3=_choose(_split(args.pyo3), pins.pyo3_versions, "pyo3 version", pins.pyo3_versions[:1]),
        scenarios=ordered(scenarios),
        project=project,
        shard=parse_shard(shard) if shard is not None else None,
    )


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--cache-dir",
        type=Path,
        help="where installs and downloads are kept (default: $PYO3_HARNESS_CACHE or the user cache dir)",
    )
    parser.add_argument(
        "--python", default=sys.executable, help="the interpreter frontends run on (default: this one)"
    )
    parser.add_argument("--pins", type=Path, default=DEFAULT_PINS, help="pins file (TOML)")


def _selection_flags(parser: argparse.ArgumentParser) -> None:
    """The flags that choose cells; `run` and `matrix` share them, so a planned job always parses."""
    many = "comma-separated or repeated; 'all' for every one"
    parser.add_argument(
        "--frontend",
        action="append",
        help=f"frontends: NAME, NAME==VERSION (PyPI), NAME@PATH (checkout), uv=PATH (binary) "
        f"({many}; default: {','.join(DEFAULT_FRONTENDS)})",
    )
    parser.add_argument(
        "--strategy", action="append", help=f"strategies ({many}; default: {','.join(DEFAULT_STRATEGIES)})"
    )
    parser.add_argument(
        "--sample",
        action="append",
        help=f"samples, NAME or NAME:VARIANT ({many}; default: pyo3-ext,cffi-style)",
    )
    parser.add_argument("--pyo3", action="append", help=f"pyo3 versions from the pins file ({many})")
    parser.add_argument(
        "--scenario",
        action="append",
        help=f"scenarios ({many}; default: {','.join(DEFAULT_SCENARIOS)}; cold always runs first)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pyo3-harness",
        description="Measure which crates PEP 517 frontends make cargo recompile on warm rebuilds, and why.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="build the selected matrix and write results.json and report.md")
    _selection_flags(run)
    run.add_argument(
        "--repeat",
        default="1",
        metavar="N",
        help="run every scenario but cold N times in each cell; the report gives median, min and max "
        "(default: 1)",
    )
    run.add_argument("--project", help=f"build your own pyo3 project instead of samples: {PROJECT_FORMS}")
    run.add_argument(
        "--shard",
        metavar="I/N",
        help="run only the I-th of N round-robin slices of the selected cells (for CI job matrices)",
    )
    run.add_argument("--out", type=Path, default=Path("results"), help="output directory (default: results/)")
    run.add_argument(
        "--work-dir", type=Path, help="where cells' work copies and target dirs go (default: <cache>/work)"
    )
    run.add_argument("--refresh", action="store_true", help="recreate installed environments and downloads")
    run.add_argument(
        "--switch-python",
        help="the second base interpreter for the switch-python scenario (default: found on this "
        "machine, e.g. /usr/bin/python3; on Debian installed with apt-get if missing)",
    )
    _common(run)

    report = sub.add_parser(
        "report",
        help="merge results files (shards, other machines) into results.json, report.md and report.html",
    )
    report.add_argument("results", nargs="+", type=Path, metavar="RESULTS.json", help="files from `run`")
    report.add_argument(
        "--out", type=Path, default=Path("results/report"), help="output directory (default: results/report/)"
    )
    report.add_argument(
        "--compare", type=Path, metavar="BASELINE.json", help="flag regressions against this results file"
    )
    report.add_argument(
        "--fail-on-regression", action="store_true", help="exit 1 when --compare finds a regression"
    )

    matrix = sub.add_parser(
        "matrix", help="plan a CI job matrix (OS x Python x frontend x shard) of `run` commands"
    )
    _selection_flags(matrix)
    matrix.add_argument(
        "--os",
        action="append",
        help=f"runner labels (comma-separated or repeated; default: {','.join(DEFAULT_OSES)})",
    )
    matrix.add_argument(
        "--python",
        action="append",
        help="Python versions for actions/setup-python, X.Y or X.Yt for free-threaded "
        f"(default: {','.join(DEFAULT_PYTHONS)})",
    )
    matrix.add_argument("--shards", default="1", help="shards per OS x Python x frontend job (default: 1)")
    matrix.add_argument(
        "--format", choices=FORMATS, default="text", help="github: JSON for strategy.matrix; text: for people"
    )
    matrix.add_argument("--pins", type=Path, default=DEFAULT_PINS, help="pins file (TOML)")

    sub.add_parser("list", help="show the frontends, strategies, samples, scenarios and pyo3 versions")

    patches = sub.add_parser("patches", help="work with the patch series under patches/")
    patches_sub = patches.add_subparsers(dest="action", required=True)
    check = patches_sub.add_parser(
        "check",
        help="apply every series strictly to its pinned source, build it, optionally run upstream tests",
    )
    check.add_argument("--tool", action="append", help="only these tools (pip, build, uv, maturin, pyo3)")
    check.add_argument(
        "--upstream-tests", action="store_true", help="also run the upstream tests covering the patched code"
    )
    check.add_argument("--out", type=Path, default=Path("results"), help="writes patches-check.md here")
    _common(check)

    doctor = sub.add_parser("doctor", help="check the toolchain, Python, disk and registry reach")
    doctor.add_argument("--project", help=f"also check a project before a run: {PROJECT_FORMS}")
    _common(doctor)
    return parser


def _list(pins: Pins) -> str:
    lines = [f"Frontends (default: {', '.join(DEFAULT_FRONTENDS)}):"]
    lines += [f"  {f.name:<22} {f.description}" for f in FRONTENDS.values()]
    lines += ["  (each also as NAME==VERSION, NAME@CHECKOUT, or for uv, uv=BINARY)"]
    lines += [f"Strategies (default: {', '.join(DEFAULT_STRATEGIES)}):"]
    lines += [f"  {s.name:<22} {s.description}" for s in STRATEGIES.values()]
    lines += ["Samples (default: pyo3-ext, cffi-style):"]
    for s in SAMPLES.values():
        variants = f" [variants: {', '.join(s.variants)}; default {s.variants[0]}]" if s.variants else ""
        lines.append(f"  {s.name:<22} {s.description}{variants}")
    lines += ["Scenarios (default: cold, warm, incremental):"]
    lines += [f"  {s.name:<22} {s.description}" for s in SCENARIOS.values()]
    lines += [f"pyo3 versions (default first): {', '.join(pins.pyo3_versions)}"]
    return "\n".join(lines)


def _patches_check(args: argparse.Namespace, pins: Pins, cache_dir: Path) -> int:
    tools = _choose(_split(args.tool), list(PACKAGES), "tool", list(PACKAGES))
    env = clean_environment(os.environ)
    cache = Cache(cache_dir)
    interpreter = probe(args.python, env)
    helper = ensure_tools(cache, pins, interpreter=interpreter, env=env, refresh=False)
    logs = args.out / "logs" / "patches"
    checks = []
    for tool, version in all_series():
        if tool not in tools:
            continue
        print(f"checking patches/{tool}/{version} ...", file=sys.stderr, flush=True)
        found = check_series(
            cache,
            tool,
            version,
            tools=helper,
            interpreter=interpreter,
            env=env,
            upstream_tests=args.upstream_tests,
            logs=logs,
        )
        checks.append(found)
    text = render_checks(checks)
    write_atomic(args.out / "patches-check.md", text + "\n")
    print(text)
    print(f"\nwritten: {args.out / 'patches-check.md'}; logs: {logs}")
    return 0 if all(c.ok for c in checks) else 1


def _report(args: argparse.Namespace, argv: list[str]) -> int:
    if args.fail_on_regression and args.compare is None:
        raise UsageError("--fail-on-regression needs --compare BASELINE.json")
    done = publish(args.results, args.out, baseline=args.compare, command=["pyo3-harness", *argv])
    print(table(done.result))
    regressions = done.comparison.regressions if done.comparison else []
    if done.comparison is not None:
        print(f"\n{len(regressions)} regression(s) against {done.comparison.baseline}")
        for line in regressions:
            print(f"  {line}")
    print(f"\nresults: {done.results}  report: {done.markdown}  html: {done.html}")
    return 1 if regressions and args.fail_on_regression else 0


def _matrix(args: argparse.Namespace, pins: Pins) -> int:
    planned = plan(
        selection_from(args, pins, default_cache_dir(os.environ)),
        oses=_split(args.os) or DEFAULT_OSES,
        pythons=_split(args.python) or DEFAULT_PYTHONS,
        shards_per_job=parse_shard_count(args.shards),
    )
    if args.format == "github":
        print(github_matrix(planned))
        for note in planned.notes:  # stdout is the workflow's input: notes go elsewhere
            print(f"pyo3-harness: note: {note}", file=sys.stderr)
    else:
        print(text_matrix(planned))
    return 0


def utf8_streams(streams: Iterable[TextIO], platform: str = sys.platform) -> None:
    """On Windows a redirected stdout (a CI log) is cp1252, which has no "→" for the causes
    in the table: print UTF-8 instead of dying with UnicodeEncodeError after the last build."""
    if platform != "win32":
        return
    for stream in streams:
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    utf8_streams((sys.stdout, sys.stderr))
    signals.install()
    args = build_parser().parse_args(argv)
    try:
        pins = load_pins(getattr(args, "pins", DEFAULT_PINS))
        if args.command == "list":
            print(_list(pins))
            return 0
        if args.command == "report":
            return _report(args, list(argv if argv is not None else sys.argv[1:]))
        if args.command == "matrix":
            return _matrix(args, pins)
        cache = args.cache_dir or default_cache_dir(os.environ)
        if args.command == "doctor":
            env = clean_environment(os.environ)
            found = checks(env, cache, args.python)
            if args.project:
                root = resolve_project(args.project, Cache(cache))
                with tempfile.TemporaryDirectory(prefix="pyo3-harness-doctor-") as scratch:
                    found += project_checks(root, env, Path(scratch))
            print(render(found))
            return 0 if all(c.ok for c in found) else 1
        if args.command == "patches":
            return _patches_check(args, pins, cache)
        selection = selection_from(args, pins, cache)
        cells = selection.to_run()
        skipped = selection.skipped()
        for cell, reason in skipped:
            print(f"pyo3-harness: leaving out {cell.id}: {reason}", file=sys.stderr)
        if not selection.cells():
            raise UsageError("no strategy in the selection applies to its frontends and samples (see above)")
        settings = Settings(
            out=args.out,
            cache=cache,
            work=args.work_dir,
            python=args.python,
            refresh=args.refresh,
            switch_python=args.switch_python,
        )
        progress = ProgressPrinter(total=len(cells))
        result = execute(selection, settings, pins, ["pyo3-harness", *(argv or sys.argv[1:])], progress)
    except HarnessError as exc:
        print(f"pyo3-harness: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt as exc:
        print(f"pyo3-harness: interrupted by {signals.name(exc)}", file=sys.stderr)
        return signals.exit_code(exc)
    print(table(result))
    print(
        f"\nresults: {args.out / 'results.json'}  report: {args.out / 'report.md'}  logs: {args.out / 'logs'}"
    )
    failed = [c.id for c in result.cells if not c.ok]
    if failed:
        print(f"{len(failed)} cell(s) failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0
