"""The decision matrix's safety checks on real builds: the fast strategies recompile nothing
warm, and a switch to another base interpreter must rebuild the pyo3 chain."""

import os
import sys
from pathlib import Path

import pytest

from harness.install.envs import probe
from harness.install.second_python import version_candidates
from harness.pins import load_pins
from harness.process import clean_environment
from harness.report.markdown import render
from tests.e2e.harness_run import Run, joined, run_harness
from tests.e2e.pool import Pool

pytestmark = pytest.mark.e2e

STRATEGIES = ("config-file", "frontend-patch", "maturin-base-python", "env-dir")


@pytest.fixture(scope="module")
def run(module_dir: Path, pool: Pool) -> Run:
    # frontend-patch's cell is the patch set's (build, pyo3-ext, the default pyo3, warm and
    # switch-python: tests/e2e/pool.py); the other strategies are built here the same way.
    # The switch here stays on the primary's version (Debian's CPython 3.11 beside pyenv's): across
    # versions maturin's PYO3_ENVIRONMENT_SIGNATURE changes too, so env-dir's stale cache shows
    # only between two installs of one version. The patch set's cell switches to another version.
    own = [s for s in STRATEGIES if s != "frontend-patch"]
    args = ["--frontend", "build", "--sample", "pyo3-ext", "--strategy", ",".join(own)]
    args += ["--switch-python", str(same_version_elsewhere())]
    mine = run_harness([*args, "--scenario", "warm,switch-python"], module_dir)
    default = load_pins().pyo3_versions[0]
    return joined(mine, pool.run("patch-set").cell("build", "frontend-patch", "pyo3-ext", pyo3=default))


def same_version_elsewhere() -> Path:
    """Another installation of the running CPython's minor version (Debian's, on CI's machine)."""
    env = clean_environment(os.environ)
    primary = probe(sys.executable, env)
    minor = ".".join(primary.version.split(".")[:2])
    for path in version_candidates(minor, primary.gil_disabled, env):
        found = probe(str(path), env)  # a pyenv shim may be the primary under another name
        if os.path.realpath(found.base_executable) != os.path.realpath(primary.base_executable):
            return Path(found.base_executable)
    raise AssertionError(f"this test needs another CPython {minor} install (Debian: apt-get install python3)")


def status(run: Run, strategy: str, check: str) -> str:
    found = run.cell("build", strategy, "pyo3-ext").check(check)
    assert found is not None, f"{strategy} has no {check} verdict"
    return found.status


def test_every_build_ran_and_every_wheel_works(run: Run) -> None:
    assert run.returncode == 0, run.output[-3000:]
    assert {c.strategy for c in run.result.cells} == set(STRATEGIES)
    for cell in run.result.cells:
        assert [b.scenario for b in cell.builds] == ["cold", "warm", "switch-python"]
        assert all(b.ok and b.wheel and b.wheel.ok for b in cell.builds), cell.id


@pytest.mark.parametrize("strategy", ["config-file", "frontend-patch"])
def test_config_file_and_frontend_patch_recompile_nothing_and_pass_checks(run: Run, strategy: str) -> None:
    warm = run.build("build", strategy, "pyo3-ext", "warm")
    assert warm.rebuilt == [], warm.rebuilt
    for check in ("isolation", "stale", "wheel"):
        assert status(run, strategy, check) == "pass", run.cell("build", strategy, "pyo3-ext").checks


# Strategies that key pyo3 on something that names the interpreter: each must rebuild.
CLAIM_SAFETY = ("config-file", "frontend-patch", "maturin-base-python")


@pytest.mark.parametrize("strategy", CLAIM_SAFETY)
def test_the_interpreter_switch_rebuilds_the_pyo3_chain(run: Run, strategy: str) -> None:
    switched = run.build("build", strategy, "pyo3-ext", "switch-python")
    assert switched.python != run.result.python.base_executable, "the frontend really moved"
    assert "pyo3-ffi" in switched.rebuilt, switched.rebuilt
    # cargo's own record names the variable that carried the new interpreter.
    changed = {c.var for c in switched.causes if c.kind == "env" and c.unit == "pyo3-ffi"}
    assert changed, switched.causes
    assert status(run, strategy, "stale") == "pass"


def test_env_dir_keeps_one_path_so_a_new_interpreter_reuses_the_old_config(run: Run) -> None:
    # build --env-dir recreates the environment at the same path: PYO3_PYTHON does not change,
    # so cargo keeps pyo3's config from the first interpreter.
    switched = run.build("build", "env-dir", "pyo3-ext", "switch-python")
    assert "pyo3-ffi" not in switched.rebuilt
    assert status(run, "env-dir", "stale") == "fail"
    assert run.build("build", "env-dir", "pyo3-ext", "warm").rebuilt == []


def test_the_report_opens_with_the_decision_table(run: Run) -> None:
    text = render(run.result)
    assert text.index("### Which strategy") < text.index("### Every cell")
    lines = text.splitlines()
    env_dir = next(line for line in lines if line.startswith("| env-dir |"))
    assert "FAIL (1 cell(s))" in env_dir
    assert any(line.startswith("- config-file: recompiles nothing on a warm rebuild") for line in lines)
