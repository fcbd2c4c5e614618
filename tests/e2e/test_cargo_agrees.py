"""Our reading of cargo's fingerprint files agrees with cargo's own account (`cargo build -v`)."""

import os
import re
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from harness.install.probe import ensure_probe_wheel
from harness.install.pyo3 import Pyo3
from harness.measure.causes import diff
from harness.measure.fingerprints import snapshot
from harness.process import clean_environment
from harness.workbench.pyo3_config import generate_config_file
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


def _venv(path: Path) -> Path:
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", path], check=True)
    python = path / "bin" / "python"
    # The hazard sample's build script imports this build requirement with the interpreter it
    # is given, and reads its version: the probe wheel, unpacked as an installer would.
    purelib = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    with zipfile.ZipFile(ensure_probe_wheel(path / "wheelhouse")) as wheel:
        wheel.extractall(purelib)
    return python


# pyo3-ext: one build script in the chain's path; hazard: several, whose runs each depend on
# two units named build_script_build (its own script and a `links` dependency's run).
@pytest.mark.parametrize(("sample", "variant"), [("pyo3-ext", None), ("hazard", "pyo3-python")])
def test_rebuilt_units_and_cause_match_cargo_verbose(
    tmp_path: Path, sample: str, variant: str | None
) -> None:
    src = make_work_copy(
        SAMPLES[sample], tmp_path / "src", pyo3=Pyo3(version="0.29.2", support="stock"), variant=variant
    )
    pythons = [_venv(tmp_path / "venv-a"), _venv(tmp_path / "venv-b")]

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
    for root in ours.root_causes:
        assert root.var == "PYO3_PYTHON" and root.old == str(pythons[0]) and root.new == str(pythons[1])
        assert dirty[root.unit] == "the env variable PYO3_PYTHON changed"
    assert "pyo3-ffi" in {r.unit for r in ours.root_causes}
    # Every cascade cargo names ("info of dependency `X` changed") is one of ours, unit by unit.
    for package, reason in dirty.items():
        named = re.fullmatch(r"info of dependency `(\S+)` changed", reason)
        if named:
            deps = {c.dep for c in ours.causes if c.unit == package and c.kind == "dep"}
            assert any(d and d.startswith(f"{named.group(1)} (") for d in deps), (package, reason, deps)


def test_a_rewritten_config_file_is_the_cause_cargo_names(tmp_path: Path) -> None:
    """What a CI cache restore does to maturin's pyo3 config (pruned, then written again): the
    same content with a newer mtime. pyo3-ffi's build script watches the file by absolute path;
    cargo says the file changed, and so must we."""
    src = make_work_copy(
        SAMPLES["pyo3-ext"], tmp_path / "src", pyo3=Pyo3(version="0.29.2", support="stock"), variant=None
    )
    python = _venv(tmp_path / "venv")
    env = clean_environment(os.environ)
    config = generate_config_file(
        src,
        str(python),
        store=tmp_path / "store",
        scratch=tmp_path / "print",
        env=env,
        log=tmp_path / "p.log",
    )
    watched = tmp_path / "pyo3-config.txt"
    watched.write_text(config.read_text())
    build = {**env, "PYO3_CONFIG_FILE": str(watched)}

    def cargo(verbose: bool) -> str:
        argv = ["cargo", "build", "--release", *(["-v"] if verbose else [])]
        done = subprocess.run(
            argv, cwd=src, env=build, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        assert done.returncode == 0, done.stdout[-3000:]
        return done.stdout

    cargo(verbose=False)
    before = snapshot(src / "target")
    time.sleep(0.01)
    watched.write_text(config.read_text())  # same content, newer mtime
    log = cargo(verbose=True)
    ours = diff(before, snapshot(src / "target"))
    dirty = dict(DIRTY.findall(log))
    assert set(ours.rebuilt) | set(ours.reran) == set(dirty)
    [root] = ours.root_causes
    assert (root.unit, root.kind, root.path) == ("pyo3-ffi", "file", str(watched))
    assert dirty["pyo3-ffi"].startswith(f"the file `{watched}` has changed"), dirty["pyo3-ffi"]
