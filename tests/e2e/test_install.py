"""Installed environments are reused across runs and recreated on --refresh; doctor reports."""

import os
import sys
from pathlib import Path

import pytest

from harness.cli import main
from harness.install.cache import Cache
from harness.install.envs import ensure_env, probe
from harness.process import clean_environment, run

pytestmark = pytest.mark.e2e

ENV = clean_environment(os.environ)


def test_environment_is_reused_and_recreated_on_refresh(tmp_path: Path) -> None:
    cache = Cache(tmp_path)
    interpreter = probe(sys.executable, ENV)
    # "pip" is already in a fresh venv, so this needs no network.
    env = ensure_env(cache, "probe", ["pip"], interpreter=interpreter, env=ENV, creator=None)
    assert env.root.parent == cache.envs and env.root.name.startswith("probe-cpython")
    sentinel = env.root / "sentinel"
    sentinel.write_text("still here")

    again = ensure_env(cache, "probe", ["pip"], interpreter=interpreter, env=ENV, creator=None)
    assert again == env and sentinel.exists(), "a complete environment is reused"

    ensure_env(cache, "probe", ["pip"], interpreter=interpreter, env=ENV, creator=None, refresh=True)
    assert not sentinel.exists(), "--refresh recreates it"
    prefix = run([env.python, "-c", "import sys; print(sys.prefix)"], cwd=tmp_path, env=ENV).output
    assert prefix.strip() == str(env.root)


def test_doctor_checks_the_machine(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["doctor", "--cache-dir", str(tmp_path)])
    out = capsys.readouterr().out
    for name in ("cargo", "rustc", "C compiler", "git", "Python", "disk", "PyPI", "crates.io index"):
        assert f"] {name}: " in out
    assert code == (1 if "[FAIL]" in out else 0)
    assert "[FAIL]" not in out, f"this machine should be ready:\n{out}"


def test_a_downloaded_project_refused_leaves_nothing_in_the_cache(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A real sdist from PyPI that is no Rust project: downloaded, checked, refused, forgotten.
    cache = tmp_path / "cache"
    code = main(["doctor", "--project", "iniconfig==2.0.0", "--cache-dir", str(cache)])
    said = capsys.readouterr()
    assert code == 2, said
    assert "--project" in said.err and "no Cargo.toml" in said.err, said.err
    left = sorted(str(p.relative_to(cache)) for p in cache.rglob("*")) if cache.exists() else []
    assert not [p for p in left if "iniconfig" in p], left


def test_a_frontend_release_pypi_does_not_have_is_refused_before_any_install(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cache, out = tmp_path / "cache", tmp_path / "out"
    argv = ["run", "--frontend", "pip==99.99.99", "--sample", "pyo3-ext", "--strategy", "stock"]
    code = main([*argv, "--cache-dir", str(cache), "--out", str(out)])
    said = capsys.readouterr()
    assert code == 2, said
    assert "pip==99.99.99: PyPI has no such release; the nearest: " in said.err, said.err
    assert not cache.exists() and not out.exists(), "nothing installed, nothing written"
