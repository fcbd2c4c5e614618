"""Bad input, table-driven: each is refused with exit 2 and a message naming what was wrong,
before any work starts and without writing anything."""

import io
import json
import sys
import tarfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from harness.cli import main
from harness.install.patch_check import selectable
from harness.pins import DEFAULT_PINS

FIXTURES = Path(__file__).parents[1] / "fixtures"
EMPTY = "an empty value is not accepted"
EMPTY_NAME = "has an empty name in its comma-separated list"

CASES: list[tuple[list[str], str]] = [
    *[
        (["run", flag, ""], EMPTY)
        for flag in ("--frontend", "--strategy", "--sample", "--pyo3", "--scenario")
    ],
    *[(["run", flag, ""], EMPTY) for flag in ("--project", "--out", "--cache-dir", "--work-dir")],
    (["run", "--switch-python", ""], EMPTY),
    (["run", "--pyo3-series", ""], EMPTY),
    (["run", "--python", ""], EMPTY),
    (["run", "--pins", ""], EMPTY),
    (["run", "--repeat", ""], EMPTY),
    (["run", "--shard", ""], EMPTY),
    (["run", "--frontend", "uv,,build"], EMPTY_NAME),
    (["run", "--strategy", "stock,"], EMPTY_NAME),
    (["run", "--scenario", ",warm"], EMPTY_NAME),
    (["run", "--frontend", "nope"], "unknown frontend 'nope'; accepted:"),
    (["run", "--strategy", "nope"], "unknown strategy 'nope'; accepted:"),
    (["run", "--sample", "nope"], "accepted:"),
    (["run", "--scenario", "nope"], "unknown scenario 'nope'; accepted:"),
    (["run", "--pyo3", "0.1.0"], "unknown pyo3 version '0.1.0'; accepted:"),
    (["run", "--repeat", "0"], "--repeat"),
    (["run", "--shard", "3/2"], "shard"),
    (["run", "--shard", "١/٢"], "shard"),
    (["prepare", "--frontend", ""], EMPTY),
    (["prepare", "--strategy", "a,,b"], EMPTY_NAME),
    (["report", ""], EMPTY),
    (["report", "x.json", "--out", ""], EMPTY),
    (["report", "x.json", "--compare", ""], EMPTY),
    (["matrix", "--os", ""], EMPTY),
    (["matrix", "--python", ""], EMPTY),
    (["matrix", "--frontend", ""], EMPTY),
    (["matrix", "--shards", ""], EMPTY),
    (["matrix", "--format", "yaml"], "invalid choice"),
    (["doctor", "--project", ""], EMPTY),
    (["doctor", "--cache-dir", ""], EMPTY),
    (["patches", "check", "--tool", ""], EMPTY),
    (["patches", "check", "--out", ""], EMPTY),
    (["patches", "check", "--tool", "pip,,uv"], EMPTY_NAME),
    (["survey", "--budget", "0"], "--budget '0': accepted: minutes"),
    (["survey", "--only", "nope"], "--only nope: not in"),
    (["survey", "--frontend", "nope"], "unknown frontend 'nope'; accepted:"),
    (["survey", "--scenario", "nope"], "unknown scenario 'nope'; accepted:"),
    (["survey", "--shard", "3/2"], "shard"),
    (["survey", "--list", "/nonexistent.toml"], "--list /nonexistent.toml"),
    (["run", "--python", "/bin/true"], "did not run as a Python interpreter"),
    (["prepare", "--python", "/bin/false"], "did not run as a Python interpreter"),
    (["patches", "check", "--python", "/nonexistent/python"], "did not run as a Python interpreter"),
]

A_FILE = "a-file"
FILE_CASES: list[tuple[list[str], str]] = [
    (["run", "--out", A_FILE], "--out a-file is a file; accepted: a directory"),
    (["run", "--cache-dir", A_FILE], "--cache-dir a-file is a file"),
    (["run", "--work-dir", A_FILE], "--work-dir a-file is a file"),
    (["prepare", "--cache-dir", A_FILE], "--cache-dir a-file is a file"),
    (["doctor", "--cache-dir", A_FILE], "--cache-dir a-file is a file"),
    (["report", A_FILE, "--out", A_FILE], "--out a-file is a file"),
    (["patches", "check", "--out", A_FILE], "--out a-file is a file"),
]


@pytest.fixture
def workplace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty current directory and cache; reaching any work entry point fails the test at once
    (bad input must be refused before them) instead of running a real matrix."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PYO3_HARNESS_CACHE", str(tmp_path / "cache"))

    def started(*args: object, **kwargs: object) -> None:
        raise AssertionError("bad input was accepted: work started")

    for target in ("harness.commands.execute", "harness.run.session.prepare", "harness.commands.check_all"):
        monkeypatch.setattr(target, started)
    return tmp_path


def _refused(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    """The CLI's exit must be 2; its standard error, which must hold no traceback."""
    with pytest.raises(SystemExit) as exited:
        raise SystemExit(main(argv))
    err = capsys.readouterr().err
    assert exited.value.code == 2, err
    assert "Traceback" not in err
    return err


@pytest.mark.parametrize(("argv", "message"), CASES, ids=[" ".join(a) or "(none)" for a, _ in CASES])
def test_bad_input_exits_2_with_a_message_and_writes_nothing(
    argv: list[str], message: str, workplace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert message in _refused(argv, capsys)
    assert list(workplace.iterdir()) == [], "nothing was written"


@pytest.mark.parametrize(("argv", "message"), FILE_CASES, ids=[" ".join(a) for a, _ in FILE_CASES])
def test_a_file_where_a_directory_goes_is_refused(
    argv: list[str], message: str, workplace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (workplace / A_FILE).write_text("kept\n")
    assert message in _refused(argv, capsys)
    assert [p.name for p in workplace.iterdir()] == [A_FILE] and (workplace / A_FILE).read_text() == "kept\n"


def _results(change: Callable[[dict[str, Any]], None]) -> bytes:
    """A results file recorded from a real run, changed the way a hand edit or a bug would."""
    data = json.loads((FIXTURES / "uv-pyo3-ext.results.json").read_text())
    change(data)
    return json.dumps(data).encode()


def _as_recorded(data: dict[str, Any]) -> None:
    pass


def _drop_units(data: dict[str, Any]) -> None:
    for cause in data["cells"][0]["builds"][1]["causes"]:
        del cause["unit"]


def _tar(members: dict[str, bytes]) -> bytes:
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w:gz") as tf:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))
    return raw.getvalue()


NOT_RESULTS = "not a valid results file"
# (argv, files written into the empty current directory first, what the message must say)
INPUT_CASES: list[tuple[list[str], dict[str, bytes], str]] = [
    (["report", "r.json"], {"r.json": _results(lambda d: d.update(pins=None))}, "at pins: None is not"),
    (["report", "r.json"], {"r.json": _results(lambda d: d.update(machine="x"))}, "at machine: 'x' is not"),
    (["report", "r.json"], {"r.json": _results(lambda d: d.update(timing=[]))}, "at timing: [] is not"),
    (["report", "r.json"], {"r.json": _results(lambda d: d.update(started=None))}, "at started: None"),
    (["report", "r.json"], {"r.json": _results(_drop_units)}, "'unit' is a required property"),
    (["report", "r.json"], {"r.json": _results(lambda d: d.update(cells="x"))}, NOT_RESULTS),
    (["report", "r.json"], {"r.json": _results(lambda d: d.update(schema_version=99))}, "schema_version 99"),
    (["report", "r.json"], {"r.json": b"\xff\xfe"}, "not a results file (invalid JSON"),
    (["report", "r.json"], {"r.json": b'{"cells": [], "schema'}, "not a results file (invalid JSON"),
    (["report", "r.json"], {"r.json": b"[1]"}, "not a results file (no schema_version or cells)"),
    (["report", "missing.json"], {}, "missing.json: cannot read it"),
    (
        ["report", "r.json", "--compare", "b.json"],
        {"r.json": _results(lambda d: None)},
        "b.json: cannot read",
    ),
    (["report", "r.json", "--fail-on-regression"], {"r.json": b"{}"}, "needs --compare BASELINE.json"),
    (
        ["report", "results.json", "--out", "."],
        {"results.json": _results(_as_recorded)},
        "would be overwritten",
    ),
    (["run", "--project", "p.tar.gz"], {"p.tar.gz": b"not a tar"}, "p.tar.gz: cannot unpack it"),
    (["run", "--project", "p.tar.gz"], {"p.tar.gz": _tar({"../evil": b"x"})}, "outside the destination"),
    (["doctor", "--project", "p.tar.gz"], {"p.tar.gz": _tar({"a/x": b"", "b/y": b""})}, "one top-level"),
    (["run", "--project", "p.tar.gz"], {"p.tar.gz": _tar({"setup.py": b""})}, "one top-level directory"),
    (["run", "--project", "foo bar?x#<y>==1.0"], {}, "is not a project name"),
    (["run", "--project", "missing"], {}, "not found; accepted: a project directory"),
    (
        ["run", "--frontend", "uv=uv-bin"],
        {"uv-bin": b"#!/bin/sh\n"},
        "is not executable; accepted: a uv binary",
    ),
    (["run", "--frontend", "uv=missing"], {}, "is not a file (a uv binary)"),
    (["run", "--frontend", "uv=/bin/true"], {}, "true --version said 'true"),
    (["run", "--frontend", "pip@missing"], {}, "is not a directory (a source checkout)"),
    (["run", "--frontend", "pip==notaversion"], {}, "is not a version; accepted: a PEP 440 version"),
    (["run", "--frontend", "build=x"], {}, "only uv takes a binary"),
    (["run", "--pins", "p.toml"], {"p.toml": b"[pins\n"}, "--pins p.toml: Expected"),
    (
        ["run", "--pins", "p.toml"],
        {"p.toml": b"[frontends]\n"},
        "no 'backends' entry; accepted",
    ),
    (
        ["run", "--pins", "p.toml"],
        {"p.toml": DEFAULT_PINS.read_bytes().replace(b"\nuv-source = ", b"\n# uv-source = ")},
        "--pins p.toml: no 'uv-source' entry in [frontends]; accepted",
    ),
    (["run", "--pins", "missing.toml"], {}, "--pins missing.toml: cannot read it"),
    (["matrix", "--pins", "p.toml"], {"p.toml": b"\xff"}, "--pins p.toml:"),
    (["run", "--switch-python", "/nonexistent"], {}, "--switch-python: /nonexistent did not run as a Python"),
    (["run", "--switch-python", sys.executable], {}, "has the same base interpreter as --python"),
    (
        ["run", "--switch-python", "/usr/bin/python3,/usr/bin/python3"],
        {},
        "--switch-python: /usr/bin/python3 and /usr/bin/python3 have the same base interpreter",
    ),
    (["run", "--pyo3-series", "nowhere"], {}, "--pyo3-series nowhere: no file nowhere/series; accepted"),
    (["run", "--pyo3-series", "."], {"0001.patch": b""}, "--pyo3-series .: no file series; accepted"),
    # Free-threaded builds came with 3.13: nothing to find, cache or compile.
    (["run", "--switch-python", "3.12t"], {}, "cannot be compiled: CPython 3.12 has no free-threaded build"),
    (["prepare", "--switch-python", "3.12t"], {}, "no free-threaded CPython 3.12 is installed here"),
    (["run", "--sample", "pyo3-ext:nope"], {}, "unknown variant 'nope' of sample pyo3-ext"),
    (["run", "--repeat", "-1"], {}, "--repeat takes a whole number of attempts"),
    (["matrix", "--shards", "0"], {}, "--shards '0': accepted is a whole number"),
    (["matrix", "--python", "3.x"], {}, "--python '3.x': accepted are CPython versions"),
    (["list", "extra"], {}, "unrecognized arguments: extra"),
    # Every tool with a series under patches/ (test_patch_check states which those are).
    (
        ["patches", "check", "--tool", "cargo"],
        {},
        f"unknown tool or series 'cargo'; accepted: {', '.join(selectable())}\n",
    ),
    (
        ["patches", "check", "--tool", "pyo3/0.1.0"],
        {},
        f"unknown tool or series 'pyo3/0.1.0'; accepted: {', '.join(selectable())}\n",
    ),
]


@pytest.mark.parametrize(
    ("argv", "files", "message"),
    INPUT_CASES,
    ids=[" ".join(a) + f" [{i}]" for i, (a, _, _) in enumerate(INPUT_CASES)],
)
def test_bad_files_and_values_are_refused_and_nothing_is_lost(
    argv: list[str],
    files: dict[str, bytes],
    message: str,
    workplace: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    for name, data in files.items():
        (workplace / name).write_bytes(data)
    assert message in _refused(argv, capsys)
    assert {p.name: p.read_bytes() for p in workplace.iterdir()} == files, "nothing written or changed"
