"""Choosing the second base interpreter for the stale-cache check, with this machine's Python."""

import os
import sys
from pathlib import Path

import pytest

from harness.errors import HarnessError
from harness.install.envs import probe
from harness.install.second_python import second_interpreter
from harness.process import clean_environment


def test_the_interpreter_in_use_is_refused_by_name(tmp_path: Path) -> None:
    env = clean_environment(os.environ)
    primary = probe(sys.executable, env)
    with pytest.raises(HarnessError, match="has the same base interpreter as --python"):
        second_interpreter(primary, env, given=sys.executable, log=tmp_path / "log")
    # The same installation through its base executable is still the same interpreter.
    with pytest.raises(HarnessError, match="accepted: a different base interpreter"):
        second_interpreter(primary, env, given=primary.base_executable, log=tmp_path / "log")
