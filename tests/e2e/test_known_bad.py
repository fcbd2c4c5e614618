"""Each verdict fails on a known-bad build, made for real (tests/fixtures/known-bad/), and passes
on stock, whose cells are those of test_verdicts_fail.py and test_decision_requirements.py:

- the v1 pyo3 series (the base wins, no swap): a build script asking pyo3 for the interpreter gets
  the base, which lacks the build requirement: "Build requirements reachable" fails;
- a pyo3 that never reads PYO3_PYTHON: told by maturin to build for another interpreter, it
  configures for the build environment's: "Compiled for its interpreter" fails;
- the v2 series (tests/fixtures/known-bad/pyo3-0.29.2-v2, which patch set v3 replaced) with the
  frontend on another version than maturin is told to build for (the run's --python is a second
  CPython, the switch goes back to this one): the wheel is compiled for the frontend's version
  and tagged for the target, where it cannot even be imported: "Wheel correct" and "Compiled for
  its interpreter" fail, and the stock cell beside it passes;
- no isolation (uv --no-build-isolation): "Isolation kept" fails (test_verdicts_fail.py's run)."""

import os
import sys
from pathlib import Path

import pytest

from harness.install.envs import probe
from harness.install.second_python import installed_second
from harness.model.results import Verdict
from harness.process import clean_environment
from tests.e2e.harness_run import KNOWN_BAD, Run, run_harness

pytestmark = pytest.mark.e2e


def verdict(run: Run, frontend: str, strategy: str, sample: str, check: str) -> Verdict:
    found = run.cell(frontend, strategy, sample).check(check)
    assert found is not None, f"{strategy}/{sample} has no {check} verdict: {run.output[-2000:]}"
    return found


def test_the_v1_series_fails_the_requirements_check(module_dir: Path) -> None:
    args = ["--frontend", "build", "--strategy", "frontend-patch", "--sample", "hazard:config-executable"]
    args += ["--scenario", "cold", "--pyo3-series", str(KNOWN_BAD / "pyo3-0.29.2-v1")]
    run = run_harness(args, module_dir / "v1")
    found = verdict(run, "build", "frontend-patch", "hazard", "requirements")
    assert found.status == "fail", found
    assert "the executable in pyo3's resolved config" in found.detail and "cannot import" in found.detail
    cell = run.cell("build", "frontend-patch", "hazard")
    assert "pyo3-0.29.2-v1" in cell.pyo3_support and "--pyo3-series" in cell.reproduce


def test_a_pyo3_that_ignores_pyo3_python_fails_the_target_check(module_dir: Path) -> None:
    args = ["--frontend", "build", "--strategy", "pyo3-patch-stock-frontend", "--sample", "pyo3-ext"]
    args += [
        "--scenario",
        "base-mismatch",
        "--pyo3-series",
        str(KNOWN_BAD / "pyo3-0.29.2-ignores-pyo3-python"),
    ]
    run = run_harness(args, module_dir / "ignores")
    found = verdict(run, "build", "pyo3-patch-stock-frontend", "pyo3-ext", "target")
    assert found.status == "fail" and found.detail.startswith("base-mismatch: compiled for CPython "), found


def test_a_wheel_compiled_for_the_frontends_version_fails_the_wheel_check(module_dir: Path) -> None:
    env = clean_environment(os.environ)
    here = probe(sys.executable, env)
    other = installed_second(here, env)
    minor = ".".join(here.version.split(".")[:2])
    assert other is not None and not other.version.startswith(f"{minor}."), (
        f"this test needs a CPython of another minor version than {here.version} (CI's machine: pyenv's 3.13)"
    )
    args = ["--python", other.base_executable, "--switch-python", here.base_executable]
    args += ["--frontend", "build", "--strategy", "stock,frontend-patch", "--sample", "pyo3-ext"]
    args += ["--pyo3-series", str(KNOWN_BAD / "pyo3-0.29.2-v2")]
    run = run_harness([*args, "--scenario", "base-mismatch"], module_dir / "wheel")
    assert verdict(run, "build", "stock", "pyo3-ext", "wheel").status == "pass"
    found = verdict(run, "build", "frontend-patch", "pyo3-ext", "wheel")
    assert found.status == "fail" and found.detail == "base-mismatch: the wheel did not import and work", (
        found
    )
    target = verdict(run, "build", "frontend-patch", "pyo3-ext", "target")
    assert target.status == "fail" and "but the wheel is tagged" in target.detail, target
    assert verdict(run, "build", "stock", "pyo3-ext", "target").status == "pass"
    wheel = run.build("build", "frontend-patch", "pyo3-ext", "base-mismatch").wheel
    assert wheel is not None and "undefined symbol" in wheel.detail, wheel
    assert run.returncode == 1, "a wheel that does not work fails its cell"
    assert f"--python {other.base_executable}" in run.cell("build", "frontend-patch", "pyo3-ext").reproduce
