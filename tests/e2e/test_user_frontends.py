"""A maintainer measures their own frontend: a checkout (NAME@PATH) or a release (NAME==VERSION).
The report names exactly which build was measured."""

import os
import shutil
from pathlib import Path

import pytest

from harness.install.cache import Cache, default_cache_dir
from harness.install.sources import source_tree
from harness.process import clean_environment
from tests.e2e.harness_run import assert_every_wheel_works, run_harness

pytestmark = pytest.mark.e2e


def test_checkout_and_release_are_measured_as_given(tmp_path: Path) -> None:
    # Stand-in for a maintainer's branch: pip 26.3 with our series applied.
    checkout = tmp_path / "pip-branch"
    tree = source_tree(
        Cache(default_cache_dir(os.environ)), "pip", "26.3", patched=True, env=clean_environment(os.environ)
    )
    shutil.copytree(tree.root, checkout)
    args = ["--frontend", f"pip-venv@{checkout},pip-venv==26.2", "--strategy", "frontend-patch"]
    run = run_harness([*args, "--sample", "pyo3-ext", "--scenario", "warm"], tmp_path)
    assert run.returncode == 0, run.output[-3000:]
    assert_every_wheel_works(run)

    branch, release = run.result.cells
    assert branch.frontend_spec == f"pip-venv@{checkout}"
    assert branch.frontend_source == f"source checkout {checkout}" and branch.frontend_version == "26.3"
    assert branch.frontend_patch is None, "a named frontend is never patched by the harness"
    assert release.frontend_source == "PyPI pip==26.2" and release.frontend_version == "26.2"

    # The branch exports PYO3_BASE_PYTHON, the 26.2 release does not.
    assert branch.build("warm").rebuilt == []  # type: ignore[union-attr]
    warm = release.build("warm")
    assert warm is not None and "pyo3-ffi" in warm.rebuilt
    report = (run.out / "report.md").read_text()
    assert "pip-venv 26.3 (yours)" in report and "pip-venv 26.2" in report
