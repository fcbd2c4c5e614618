"""The command line's handling of bad input: a clear message, the accepted names, exit 2."""

from pathlib import Path

import pytest

from harness.cli import main
from harness.model.scenarios import SCENARIOS
from harness.pins import load_pins

PYO3 = load_pins().pyo3_versions


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["run", "--frontend", "pipx"], "unknown frontend 'pipx'; accepted: pip, pip-venv, build, uv"),
        (["run", "--strategy", "magic"], "unknown strategy 'magic'; accepted: stock, exported"),
        (["run", "--sample", "nope"], "unknown sample 'nope'; accepted: pyo3-ext"),
        (["run", "--sample", "cffi-style:x"], "accepted: legacy, base-aware, config-file"),
        (["run", "--pyo3", "0.1.0"], f"unknown pyo3 version '0.1.0'; accepted: {', '.join(PYO3)}"),
        (
            ["run", "--scenario", "hot"],
            f"unknown scenario 'hot'; accepted: {', '.join(SCENARIOS)}",
        ),
        (["run", "--project", ".", "--sample", "pyo3-ext"], "--project and --sample are exclusive"),
        (["run", "--repeat", "0"], "--repeat takes a whole number of attempts, 1 or more; got '0'"),
        (["run", "--repeat", "two"], "--repeat takes a whole number of attempts, 1 or more; got 'two'"),
        (["run", "--repeat", "-3"], "got '-3'"),
        (["report", "missing.json"], "missing.json: cannot read it"),
    ],
)
def test_unknown_names_exit_2_with_the_accepted_ones(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    extra = ["--cache-dir", str(tmp_path / "c")] if argv[0] == "run" else []
    assert main([*argv, "--out", str(tmp_path / "out"), *extra]) == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "out").exists(), "nothing is written for bad input"


def test_project_that_is_not_pyo3_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = tmp_path / "proj"
    project.mkdir()
    (project / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    args = [
        "run",
        "--project",
        str(project),
        "--cache-dir",
        str(tmp_path / "c"),
        "--out",
        str(tmp_path / "o"),
    ]
    assert main(args) == 2
    assert "no Cargo.toml, so not a Rust extension project" in capsys.readouterr().err
    # A Rust crate without pyo3: cargo itself resolves it (offline: no dependencies to fetch).
    (project / "Cargo.toml").write_text('[package]\nname = "x"\nversion = "0.1.0"\nedition = "2021"\n')
    (project / "src").mkdir()
    (project / "src" / "lib.rs").write_text("")
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "cargo resolves no pyo3 in it (no workspace member depends on pyo3 or pyo3-ffi)" in err
    assert not (project / "Cargo.lock").exists(), "cargo's lock file went to a scratch copy"
    assert main(["run", "--project", str(tmp_path / "missing"), "--cache-dir", str(tmp_path / "c")]) == 2
    assert "not found; accepted: a project directory, an sdist file" in capsys.readouterr().err


def test_list_shows_every_registry(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["list"]) == 0
    out = capsys.readouterr().out
    for name in ("pip-venv", "exported", "cffi-style", "base-aware", "other-venv", *PYO3):
        assert name in out


def test_missing_toolchain_gets_doctors_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no cargo, rustc, cc or git here
    assert main(["run", "--cache-dir", str(tmp_path / "c"), "--out", str(tmp_path / "o")]) == 1
    err = capsys.readouterr().err
    assert "the toolchain is incomplete (`pyo3-harness doctor` checks everything)" in err
    assert "[FAIL] cargo: cargo not found on PATH" in err
    assert "fix: install Rust with rustup" in err
