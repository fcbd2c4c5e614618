"""The command line's grammar: every subcommand's flags, and the selection they name."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from harness import __version__
from harness.ci_matrix import DEFAULT_OSES, DEFAULT_PYTHONS, FORMATS
from harness.errors import UsageError, unknown_name
from harness.install import patch_check
from harness.install.cache import Cache
from harness.install.frontend_spec import BINARY_FORMS
from harness.install.frontends import DEFAULT_FRONTENDS
from harness.model.scenarios import DEFAULT_SCENARIOS, FIRST, SWITCHING
from harness.pins import DEFAULT_PINS, Pins
from harness.run.selection import EXCLUSIVE, Selection
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


def split_values(values: Iterable[str] | None) -> list[str]:
    return [v.strip() for value in values or () for v in value.split(",") if v.strip()]


def choose(given: list[str], registry: Sequence[str], what: str) -> tuple[str, ...]:
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
        frontends=split_values(args.frontend),
        strategies=split_values(args.strategy),
        samples=split_values(args.sample),
        pyo3=split_values(args.pyo3),
        scenarios=split_values(args.scenario),
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
    run.add_argument(
        "--seed-dir",
        type=Path,
        metavar="DIR",
        help="start each cold build from the third-party crates an earlier cold build of the same lock "
        "file compiled, kept in DIR (pyo3's crates and the project's still compile; the build is "
        "recorded as seeded, no longer cold)",
    )
    run.add_argument("--refresh", action="store_true", help="recreate installed environments and downloads")
    _switch_python(run)
    run.add_argument(
        "--pyo3-series",
        type=Path,
        metavar="DIR",
        help="apply this pyo3-build-config patch series (DIR/series lists its patches) instead of "
        "patches/pyo3/VERSION/, for strategies that need a base-aware pyo3: a candidate series, or a "
        "known-bad one (tests/fixtures/known-bad/)",
    )
    _common(run)


def _switch_python(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--switch-python",
        help=f"the second base interpreters for the {SWITCHING.name} scenario, switched to in this order "
        "(comma-separated): each a path, or a CPython version such as 3.13 or 3.14t (default: one "
        "found on this machine, e.g. /usr/bin/python3; on Debian installed with apt-get if missing); a "
        "free-threaded X.Yt installed nowhere is compiled into the cache (Debian, minutes, once)",
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
        "--tool",
        action="append",
        help=f"only these tools ({listed}: those with patches/<tool>/) or series (TOOL/VERSION: pyo3/0.30.1)",
    )
    check.add_argument(
        "--upstream-tests", action="store_true", help="also run the upstream tests covering the patched code"
    )
    check.add_argument("--out", type=Path, default=Path("results"), help="writes patches-check.md here")
    _common(check)
