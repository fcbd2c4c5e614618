"""Cached environments are checked before use and made again when broken or in the way,
with the reason on the terminal: real environments made by the stdlib venv."""

import os
import shutil
import sys
from pathlib import Path

import pytest

from harness.install.cache import Cache
from harness.install.envs import MARKER, ensure_env, probe
from harness.process import clean_environment
from harness.venvs import executable


@pytest.fixture
def made(tmp_path: Path) -> tuple[Cache, dict[str, str]]:
    return Cache(tmp_path / "cache"), clean_environment(os.environ)


def _ensure(cache: Cache, env: dict[str, str], refresh: bool = False) -> Path:
    interpreter = probe(sys.executable, env)
    return ensure_env(cache, "t", [], interpreter=interpreter, env=env, creator=None, refresh=refresh).root


def test_an_env_whose_python_was_deleted_is_made_again_and_says_why(
    made: tuple[Cache, dict[str, str]], capsys: pytest.CaptureFixture[str]
) -> None:
    cache, env = made
    root = _ensure(cache, env)
    python = executable(root, "python")
    (root / "untouched").write_text("")
    assert _ensure(cache, env) == root and (root / "untouched").exists(), "a working env is reused"
    python.unlink()
    assert _ensure(cache, env) == root
    assert python.exists() and not (root / "untouched").exists() and (root / MARKER).exists()
    err = capsys.readouterr().err
    assert f"making {root} again: its python {python} does not run (exit 127" in err


@pytest.mark.parametrize("refresh", [False, True])
def test_a_file_standing_where_the_env_goes_is_removed(
    made: tuple[Cache, dict[str, str]], refresh: bool
) -> None:
    cache, env = made
    root = _ensure(cache, env)
    shutil.rmtree(root)
    root.write_text("a stray file")
    assert _ensure(cache, env, refresh=refresh) == root
    assert root.is_dir() and executable(root, "python").exists()
