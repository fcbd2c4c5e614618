"""Choosing the second base interpreter for the stale-cache check, with this machine's Python."""

import os
import platform
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from harness.errors import HarnessError, UsageError
from harness.install.envs import Interpreter, probe
from harness.install.second_python import (
    check_given,
    installed_second,
    second_interpreter,
    version_candidates,
)
from harness.process import clean_environment


def test_the_interpreter_in_use_is_refused_by_name(tmp_path: Path) -> None:
    env = clean_environment(os.environ)
    primary = probe(sys.executable, env)
    with pytest.raises(HarnessError, match="has the same base interpreter as --python"):
        second_interpreter(primary, env, given=sys.executable, log=tmp_path / "log")
    # The same installation through its base executable is still the same interpreter.
    with pytest.raises(HarnessError, match="accepted: a different base interpreter"):
        second_interpreter(primary, env, given=primary.base_executable, log=tmp_path / "log")


def _pyenv(tmp_path: Path, build: str, name: str) -> dict[str, str]:
    """A pyenv root holding one build whose ``name`` is this machine's interpreter, and a PATH
    with no python on it: where --switch-python VERSION looks first."""
    bin_dir = tmp_path / "pyenv" / "versions" / build / "bin"
    bin_dir.mkdir(parents=True)
    (bin_dir / name).symlink_to(os.path.realpath(sys.base_prefix + "/bin/python3"))
    (tmp_path / "empty").mkdir()
    return {
        **clean_environment(os.environ),
        "PYENV_ROOT": str(tmp_path / "pyenv"),
        "PATH": str(tmp_path / "empty"),
    }


def _other_base(primary: Interpreter) -> Interpreter:
    return replace(primary, executable="/elsewhere/python3", base_executable="/elsewhere/python3")


def test_a_version_is_found_where_pyenv_keeps_it_and_asked_what_it_is(tmp_path: Path) -> None:
    major_minor = ".".join(platform.python_version_tuple()[:2])
    env = _pyenv(tmp_path, f"{major_minor}.99", f"python{major_minor}")
    primary = probe(sys.executable, env)
    found = check_given(major_minor, _other_base(primary), env)
    assert found.version == platform.python_version() and not found.gil_disabled
    assert found.executable.startswith(str(tmp_path / "pyenv"))


def test_a_build_that_is_not_the_version_or_threading_it_is_named_for_is_passed_over(tmp_path: Path) -> None:
    env = _pyenv(tmp_path, "3.99.0t", "python3.99t")  # this machine's interpreter, under another name
    primary = _other_base(probe(sys.executable, env))
    with pytest.raises(
        UsageError, match=r"no CPython 3\.99t other than --python's runs here \(tried: .*3\.99\.0t"
    ):
        check_given("3.99t", primary, env)


def test_the_version_in_use_is_never_its_own_switch(tmp_path: Path) -> None:
    major_minor = ".".join(platform.python_version_tuple()[:2])
    env = _pyenv(tmp_path, f"{major_minor}.99", f"python{major_minor}")  # the primary, under pyenv
    primary = probe(sys.executable, env)
    try:
        found = check_given(major_minor, primary, env)
    except UsageError as refused:  # no other install of this version here
        assert "accepted: a path to a python, or an installed CPython version" in str(refused)
    else:  # another install of the same version (Debian's /usr/bin): a real switch
        assert os.path.realpath(found.base_executable) != os.path.realpath(primary.base_executable)
        assert found.base_executable in {str(p) for p in version_candidates(major_minor, False, env)}


def _runs(path: Path, env: dict[str, str]) -> Interpreter | None:
    try:
        return probe(str(path), env)
    except HarnessError:  # a pyenv shim for a version it does not serve
        return None


def test_the_switch_leaves_the_primarys_minor_version_when_another_is_installed(tmp_path: Path) -> None:
    env = clean_environment(os.environ)
    primary = probe(sys.executable, env)
    minor = ".".join(primary.version.split(".")[:2])
    others = [p for m in ("3.10", "3.12", "3.13", "3.14") for p in version_candidates(m, False, env)]
    other_minor = [i for p in others if (i := _runs(p, env)) and not i.version.startswith(f"{minor}.")]
    found = second_interpreter(primary, env, given=None, log=tmp_path / "log")
    assert os.path.realpath(found.base_executable) != os.path.realpath(primary.base_executable)
    if other_minor:  # this machine has 3.12 and 3.13 under pyenv
        assert not found.version.startswith(f"{minor}."), (
            f"{found.version}, though {other_minor[0].version} is here"
        )


def test_a_default_run_takes_the_installed_second_and_never_installs_one(tmp_path: Path) -> None:
    env = clean_environment(os.environ)
    primary = probe(sys.executable, env)
    found = installed_second(primary, env)
    assert found == second_interpreter(primary, env, given=None, log=tmp_path / "log")
    assert not (tmp_path / "log").exists(), "nothing was installed"
