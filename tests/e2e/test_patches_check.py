"""`pyo3-harness patches check`: series apply strictly, build, and pass upstream tests."""

import subprocess
import sys
from pathlib import Path

import pytest

from tests.e2e.harness_run import REPO

pytestmark = pytest.mark.e2e


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
    command += ["--tool", "pip", "--tool", "build", "--tool", "pyo3"]
    done = subprocess.run(command, cwd=REPO, capture_output=True, text=True, check=False, timeout=3600)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    table = (tmp_path / "patches-check.md").read_text()
    rows = [line for line in table.splitlines() if line.startswith("| ") and "| series |" not in line]
    assert {row.split(" | ")[0].lstrip("| ").split()[0] for row in rows} == {"pip", "build", "pyo3"}
    for row in rows:
        cells = row.split(" | ")
        assert cells[2] == "yes" and cells[3].startswith("yes"), row  # applies, builds
        assert " passed, 0 failed" in cells[4] and not cells[4].startswith("0 passed"), row
    assert "tests/unit/test_build_env.py" in table, "pip's upstream tests that cannot run here are named"
