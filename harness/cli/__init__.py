"""``pyo3-harness``: a thin command line over the library (``harness.run.session``)."""

from __future__ import annotations

import argparse
import io
import os
import shutil
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TextIO

from harness import commands
from harness.ci_matrix import DEFAULT_OSES, DEFAULT_PYTHONS, parse_shard_count
from harness.cli.parser import build_parser, choose, selection_from, split_values
from harness.errors import HarnessError, NoSpace, UsageError, is_no_space
from harness.files import unwritable
from harness.install import patch_check
from harness.install.cache import Cache, default_cache_dir
from harness.install.envs import probe
from harness.install.frontends import FRONTENDS, needed_pins
from harness.install.patches import check_series_dir
from harness.install.second_python import check_all
from harness.pins import DEFAULT_PINS, Pins, load_pins, require_frontends
from harness.process import clean_environment
from harness.run import signals
from harness.run.session import Settings
from harness.survey import command as survey_command

__all__ = ["build_parser", "main", "selection_from", "utf8_streams"]


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
    for attr in ("out", "cache_dir", "work_dir", "seed_dir"):
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
            cache = Cache(args.cache_dir or default_cache_dir(os.environ))
            check_all(split_values([args.switch_python]), primary, env, cache)
    if getattr(args, "pyo3_series", None):
        check_series_dir(args.pyo3_series)


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
            oses=split_values(args.os) or DEFAULT_OSES,
            pythons=split_values(args.python) or DEFAULT_PYTHONS,
            shards=parse_shard_count(args.shards),
            github_format=args.format == "github",
        )
    cache = args.cache_dir or default_cache_dir(os.environ)
    if args.command == "doctor":
        return commands.doctor(cache, args.python, args.project, args.out)
    if args.command == "patches":
        tools = choose(split_values(args.tool), patch_check.selectable(), "tool or series")
        return commands.patches(tools, cache, pins, args.python, args.upstream_tests, args.out)
    if args.command == "survey":
        return survey_command.main(args, cache)
    selection = selection_from(args, pins, cache)
    commands.check_releases(selection)
    switches = tuple(split_values([args.switch_python] if args.switch_python else []))
    if args.command == "prepare":
        settings = Settings(Path("results"), cache, None, args.python, args.refresh, switches)
        return commands.prepare(selection, settings, pins)
    series = args.pyo3_series.resolve() if args.pyo3_series else None
    seeds = args.seed_dir.resolve() if args.seed_dir else None
    settings = Settings(args.out, cache, args.work_dir, args.python, args.refresh, switches, series, seeds)
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
