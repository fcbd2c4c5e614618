"""``pyo3-harness``: a thin command line over the library (``harness.run.session``)."""

from __future__ import annotations

import argparse
import io
import os
import shutil
import sys
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, TextIO

from harness import __version__, commands
from harness.ci_matrix import DEFAULT_OSES, DEFAULT_PYTHONS, FORMATS, parse_shard_count
from harness.errors import HarnessError, NoSpace, UsageError, is_no_space, unknown_name
from harness.files import unwritable
from harness.install import patch_check
from harness.install.cache import Cache, default_cache_dir
from harness.install.envs import probe
from harness.install.frontend_spec import BINARY_FORMS
from harness.install.frontends import DEFAULT_FRONTENDS, FRONTENDS, needed_pins
from harness.install.second_python import check_switch
from harness.model.scenarios import DEFAULT_SCENARIOS, FIRST, SWITCHING
from harness.pins import DEFAULT_PINS, Pins, load_pins, require_frontends
from harness.process import clean_environment
from harness.run import signals
from harness.run.selection import EXCLUSIVE, Selection
from harness.run.session import Settings
from harness.run.shard import parse_shard
from harness.survey import command as survey_command
from harness.workbench.project import ACCEPTED as PROJECT_FORMS
from harness.workbench.project import resolve_project
from harness.workbench.samples import DEFAULT_SAMPLES
from harness.workbench.strategies import DEFAULT_STRATEGIES


def _non_empty(convert: Callable[[str], Any], listed: bool) -> Callable[[str], Any]:
    """``convert``, refusing "" (which would silently mean the default, or the current directory
    for a path) and, in comma-separated lists, an empty name."""

    def check(text: str) -> Any:
        if not text.strip():
            raise argparse.ArgumentTypeError(
                "an empty value is not accepted (leave the option out for its default)"
            )
        if listed and any(not part.strip() for part in text.split(",")):
            raise argparse.ArgumentTypeError(f"{text!r} has an empty name in its comma-separated list")
        return convert(text)

    return check


class _Parser(argparse.ArgumentParser):
    """Every value-taking argument of every subcommand goes through ``_non_empty``: one place."""

    def add_argument(self, *args: Any, **kwargs: Any) -> argparse.Action:
        if kwargs.get("action") in (None, "store", "append"):
            kwargs["type"] = _non_empty(kwargs.get("type", str), listed=kwargs.get("action") == "append")
        return super().add_argument(*args, **kwargs)


def _split(values: Iterable[str] | None) -> list[str]:
    return [v.strip() for value in values or () for v in value.split(",") if v.strip()]


def _choose(given: list[str], registry: Sequence[str], what: str) -> tuple[str, ...]:
    if not given:
        return tuple(registry)
    for name in given:
        if name not in registry:
            raise unknown_name(what, name, list(registry))
    return tuple(dict.fromkeys(given))


def _repeat(given: str) -> int:
    # ASCII digits only: int() would also take other scripts' digits (Arabic-Indic, say).
    value = int(given) if given.strip().isascii() and given.strip().isdigit() else 0
    if value < 1:
        raise UsageError(f"--repeat takes a whole number of attempts, 1 or more; got {given!r}")
    return value


def selection_from(args: argparse.Namespace, pins: Pins, cache: Path) -> Selection:
    project_arg, shard = getattr(args, "project", None), getattr(args, "shard", None)
    if project_arg and args.sample:
        raise UsageError(EXCLUSIVE)
    return Selection.from_names(
        pyo3_versions=pins.pyo3_versions,
        frontends=_split(args.frontend),
        strategies=_split(args.strategy),
        samples=_split(args.sample),
        pyo3=_split(args.pyo3),
        scenarios=_split(args.scenario),
        project=resolve_project(project_arg, Cache(cache)) if project_arg else None,
        repeat=_repeat(getattr(args, "repeat", "1")),
        shard=parse_shard(shard) if shard is not None else None,
        project_spec=project_arg or "",
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
        help=f"frontends: NAME, NAME==VERSION (PyPI), NAME@PATH (checkout), {BINARY_FORMS} (binary) "
        f"({many}; default: {','.join(DEFAULT_FRONTENDS)})",
    )
    parser.add_argument(
        "--strategy", action="append", help=f"strategies ({many}; default: {','.join(DEFAULT_STRATEGIES)})"
    )
    parser.add_argument(
        "--sample",
        action="append",
        help=f"samples, NAME or NAME:VARIANT ({many}; default: {','.join(DEFAULT_SAMPLES)})",
    )
    parser.add_argument("--pyo3", action="append", help=f"pyo3 versions from the pins file ({many})")
    parser.add_argument(
        "--scenario",
        action="append",
        help=f"scenarios ({many}; default: {','.join(DEFAULT_SCENARIOS)}; {FIRST.name} always runs first)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="pyo3-harness",
        description="Measure which crates PEP 517 frontends make cargo recompile on warm rebuilds, and why.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    _run_parser(sub)
    _prepare_parser(sub)
    _report_parser(sub)
    _matrix_parser(sub)
    sub.add_parser("list", help="show the frontends, strategies, samples, scenarios and pyo3 versions")
    _patches_parser(sub)
    survey_command.add_parser(sub, _common)
    doctor = sub.add_parser("doctor", help="check the toolchain, Python, disk and registry reach")
    doctor.add_argument("--project", help=f"also check a project before a run: {PROJECT_FORMS}")
    doctor.add_argument("--out", type=Path, default=Path("results"), help="the --out a run will write to")
    _common(doctor)
    return parser


Subparsers = argparse._SubParsersAction  # argparse's name for what add_subparsers returns


def _prepare_parser(sub: Subparsers[_Parser]) -> None:
    prepare = sub.add_parser(
        "prepare",
        help="install what the selected cells need (frontends, uv and maturin built from source, "
        "wheelhouses, pyo3 sources) without building them: the one-time work, as its own step",
    )
    _selection_flags(prepare)
    prepare.add_argument(
        "--refresh", action="store_true", help="recreate installed environments and downloads"
    )
    _switch_python(prepare)
    _common(prepare)


def _run_parser(sub: Subparsers[_Parser]) -> None:
    run = sub.add_parser("run", help="build the selected matrix and write results.json and report.md")
    _selection_flags(run)
    run.add_argument(
        "--repeat",
        default="1",
        metavar="N",
        help=f"run every scenario but {FIRST.name} N times in each cell; the report gives median, min "
        "and max (default: 1)",
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
    _switch_python(run)
    _common(run)


def _switch_python(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--switch-python",
        help=f"the second base interpreter for the {SWITCHING.name} scenario: a path, or an installed "
        "CPython version such as 3.13 or 3.14t (default: found on this machine, e.g. /usr/bin/python3; "
        "on Debian installed with apt-get if missing); a free-threaded X.Yt installed nowhere is "
        "compiled into the cache (Debian, minutes, once)",
    )


def _report_parser(sub: Subparsers[_Parser]) -> None:
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


def _matrix_parser(sub: Subparsers[_Parser]) -> None:
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


def _patches_parser(sub: Subparsers[_Parser]) -> None:
    patches = sub.add_parser("patches", help="work with the patch series under patches/")
    patches_sub = patches.add_subparsers(dest="action", required=True)
    check = patches_sub.add_parser(
        "check",
        help="apply every series strictly to its pinned source, build it, optionally run upstream tests",
    )
    listed = ", ".join(patch_check.patched_tools())
    check.add_argument(
        "--tool", action="append", help=f"only these tools ({listed}: those with patches/<tool>/)"
    )
    check.add_argument(
        "--upstream-tests", action="store_true", help="also run the upstream tests covering the patched code"
    )
    check.add_argument("--out", type=Path, default=Path("results"), help="writes patches-check.md here")
    _common(check)


def utf8_streams(streams: Iterable[TextIO], platform: str = sys.platform) -> None:
    """On Windows a redirected stdout (a CI log) is cp1252, which has no "→" for the causes
    in the table: print UTF-8 instead of dying with UnicodeEncodeError after the last build."""
    if platform != "win32":
        return
    for stream in streams:
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(encoding="utf-8")


def _check_directories(args: argparse.Namespace) -> None:
    """--out, --cache-dir and --work-dir must be directories the harness can write (or create),
    found out before any work starts."""
    for attr in ("out", "cache_dir", "work_dir"):
        path = getattr(args, attr, None)
        if path is None:
            continue
        flag = "--" + attr.replace("_", "-")
        if path.exists() and not path.is_dir():
            raise UsageError(f"{flag} {path} is a file; accepted: a directory (created if missing)")
        problem = unwritable(path)
        if problem:
            raise UsageError(f"{flag} {path}: {problem}; accepted: a writable directory")
    if args.command in ("run", "prepare", "patches", "survey"):
        env = clean_environment(os.environ)
        try:
            primary = probe(args.python, env)
        except HarnessError as exc:
            raise UsageError(f"--python: {exc}") from None
        if getattr(args, "switch_python", None):
            check_switch(
                args.switch_python, primary, env, Cache(args.cache_dir or default_cache_dir(os.environ))
            )


def _dispatch(args: argparse.Namespace, pins: Pins, command: list[str]) -> int:
    _check_directories(args)
    if args.command == "list":
        print(commands.listing(pins))
        return 0
    if args.command == "report":
        return commands.report(
            args.results,
            args.out,
            baseline=args.compare,
            fail_on_regression=args.fail_on_regression,
            command=command,
        )
    if args.command == "matrix":
        return commands.matrix(
            selection_from(args, pins, default_cache_dir(os.environ)),
            oses=_split(args.os) or DEFAULT_OSES,
            pythons=_split(args.python) or DEFAULT_PYTHONS,
            shards=parse_shard_count(args.shards),
            github_format=args.format == "github",
        )
    cache = args.cache_dir or default_cache_dir(os.environ)
    if args.command == "doctor":
        return commands.doctor(cache, args.python, args.project, args.out)
    if args.command == "patches":
        tools = _choose(_split(args.tool), patch_check.patched_tools(), "tool")
        return commands.patches(tools, cache, pins, args.python, args.upstream_tests, args.out)
    if args.command == "survey":
        return survey_command.main(args, cache)
    selection = selection_from(args, pins, cache)
    commands.check_releases(selection)
    if args.command == "prepare":
        settings = Settings(Path("results"), cache, None, args.python, args.refresh, args.switch_python)
        return commands.prepare(selection, settings, pins)
    settings = Settings(args.out, cache, args.work_dir, args.python, args.refresh, args.switch_python)
    return commands.run(selection, settings, pins, command, default_scenarios=not args.scenario)


def _cannot_use(args: argparse.Namespace, exc: OSError) -> int:
    """The machine, not the harness: a path that cannot be made, read or written."""
    if is_no_space(exc):
        return _no_space(args, "")
    where = f" {exc.filename}" if exc.filename else ""
    print(f"pyo3-harness: cannot use{where}: {exc.strerror or exc}", file=sys.stderr)
    return 1


def _no_space(args: argparse.Namespace, kept: str) -> int:
    also = f" ({kept})" if kept else ""
    print(
        f"pyo3-harness: no space left on device in {_fullest(args)}: free space and run again{also}",
        file=sys.stderr,
    )
    return NoSpace.exit_code


def _fullest(args: argparse.Namespace) -> Path:
    """Of the directories the command writes to (--work-dir, the cache, --out), the one with the
    least space free: where the disk filled up."""
    cache: Path = getattr(args, "cache_dir", None) or default_cache_dir(os.environ)
    given: list[Path | None] = [getattr(args, "work_dir", None), cache, getattr(args, "out", None)]
    paths = [p for p in given if p is not None]

    def free(path: Path) -> int:
        existing = next((p for p in (path, *path.absolute().parents) if p.exists()), Path(os.sep))
        return int(shutil.disk_usage(existing).free)

    return min(paths, key=free)


def main(argv: list[str] | None = None) -> int:
    utf8_streams((sys.stdout, sys.stderr))
    signals.install()
    args = build_parser().parse_args(argv)
    command = ["pyo3-harness", *(argv if argv is not None else sys.argv[1:])]
    try:
        pins = load_pins(getattr(args, "pins", DEFAULT_PINS))
        return _dispatch(args, require_frontends(pins, needed_pins(FRONTENDS.values())), command)
    except NoSpace as exc:
        return _no_space(args, exc.kept)
    except HarnessError as exc:
        print(f"pyo3-harness: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt as exc:
        print(f"pyo3-harness: interrupted by {signals.name(exc)}", file=sys.stderr)
        return signals.exit_code(exc)
    except OSError as exc:
        return _cannot_use(args, exc)
