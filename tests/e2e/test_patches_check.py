"""`pyo3-harness patches check`: series apply strictly, build, and pass upstream tests, with the
pristine tree's counts beside the patched ones.

One series of each way an upstream suite is run here: pip's (a test overlay vendored from its
repository, a setup step, pytest), setuptools-rust's (its sdist's own tests, pytest) and pyo3's
(cargo test in the crate from crates.io). Every series' suite, pristine and patched, runs in
`make patches-check` and in .github/workflows/patches.yml: build's alone took 8 minutes of this
suite's two cores, and a series changes far more rarely than the harness (docs/ci.md)."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.e2e.harness_run import REPO

pytestmark = pytest.mark.e2e

COUNTS = re.compile(r"^(\d+) passed, (\d+) failed, (\d+) skipped")


def test_patches_check_with_upstream_tests(tmp_path: Path) -> None:
    # uv and maturin are built by the frontend-patch and backend-patch tests; their checks
    # (a second compile of each) are left to `patches check` runs outside the suite.
    command = [
        sys.executable,
        "-m",
        "harness",
        "patches",
        "check",
        "--upstream-tests",
        "--out",
        str(tmp_path),
    ]
    command += ["--tool", "pip", "--tool", "setuptools-rust", "--tool", "pyo3/0.30.1"]
    done = subprocess.run(command, cwd=REPO, capture_output=True, text=True, check=False, timeout=3600)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    table = (tmp_path / "patches-check.md").read_text()
    assert "| upstream tests, patched | upstream tests, pristine |" in table
    rows = [line for line in table.splitlines() if line.startswith("| ") and "| series |" not in line]
    checked = {row.split(" | ")[0].lstrip("| ") for row in rows}
    assert checked == {"pip 26.3", "setuptools-rust 1.13.0", "pyo3 0.30.1"}
    for row in rows:
        cells = row.split(" | ")
        assert cells[2] == "yes" and cells[3].startswith("yes"), row  # applies, builds
        patched, pristine = COUNTS.match(cells[4]), COUNTS.match(cells[5])
        assert patched and pristine, row
        assert int(patched[1]) > 0 and patched[2] == "0", row
        # Each series adds tests of its own.
        assert int(patched[1]) > int(pristine[1]), row
    pip = next(row for row in rows if row.startswith("| pip "))
    assert "tests/functional/test_build_env.py" in pip, "pip's real build_env tests run"
    assert "tests/unit/test_build_env.py" in pip, "pip's upstream tests that cannot run here are named"
