"""Our reading of cargo's fingerprint files agrees with cargo's own account (`cargo build -v`)."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from harness.install.pyo3 import Pyo3
from harness.measure.causes import diff
from harness.measure.fingerprints import snapshot
from harness.process import clean_environment
from harness.workbench.samples import SAMPLES
from harness.workbench.workcopy import make_work_copy

pytestmark = pytest.mark.e2e

DIRTY = re.compile(r"^\s*Dirty (\S+) v\S+(?: \([^)]*\))?: (.*)$", re.MULTILINE)
FRESH = re.compile(r"^\s*Fresh (\S+) v", re.MULTILINE)


def cargo_build(src: Path, python: Path) -> str:
    env = {**clean_environment(os.environ), "PYO3_PYTHON": str(python)}
    done = subprocess.run(
        ["cargo", "build", "--release", "-v"],
        cwd=src,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        check=True,
    )
    return done.stdout


def test_rebuilt_units_and_cause_match_cargo_verbose(tmp_path: Path) -> None:
    src = make_work_copy(
        SAMPLES["pyo3-ext"], tmp_path / "src", pyo3=Pyo3(version="0.29.2", support="stock"), variant=None
    )
    pythons = []
    for name in ("venv-a", "venv-b"):
        subprocess.run([sys.executable, "-m", "venv", "--without-pip", tmp_path / name], check=True)
        pythons.append(tmp_path / name / "bin" / "python")

    cargo_build(src, pythons[0])
    before = snapshot(src / "target")
    log = cargo_build(src, pythons[1])
    after = snapshot(src / "target")

    ours = diff(before, after)
    dirty = {pkg: reason for pkg, reason in DIRTY.findall(log)}
    fresh = set(FRESH.findall(log))
    assert dirty, log
    assert set(ours.rebuilt) | set(ours.reran) == set(dirty)
    assert not fresh & (set(ours.rebuilt) | set(ours.reran))
    [root] = ours.root_causes
    assert root.var == "PYO3_PYTHON" and root.old == str(pythons[0]) and root.new == str(pythons[1])
    assert dirty[root.unit] == "the env variable PYO3_PYTHON changed"
