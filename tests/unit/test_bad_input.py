"""Bad input, table-driven: each is refused with exit 2 and a message naming what was wrong,
before any work starts and without writing anything."""

from pathlib import Path

import pytest

from harness.cli import main

EMPTY = "an empty value is not accepted"
EMPTY_NAME = "has an empty name in its comma-separated list"

CASES: list[tuple[list[str], str]] = [
    *[
        (["run", flag, ""], EMPTY)
        for flag in ("--frontend", "--strategy", "--sample", "--pyo3", "--scenario")
    ],
    *[(["run", flag, ""], EMPTY) for flag in ("--project", "--out", "--cache-dir", "--work-dir")],
    (["run", "--switch-python", ""], EMPTY),
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

    for target in ("harness.commands.execute", "harness.session.prepare", "harness.cli.check_series"):
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
