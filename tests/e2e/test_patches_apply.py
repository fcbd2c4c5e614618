"""The pyo3 patch series apply strictly to the crates.io sources; a stale patch fails loudly."""

import os
import shutil
from pathlib import Path

import pytest

from harness.errors import HarnessError
from harness.install.cache import Cache, default_cache_dir
from harness.install.crates import crate_source
from harness.install.patches import Series, apply_series, load_series
from harness.install.pyo3 import CONFIG_CRATE, honours_base_python
from harness.pins import load_pins
from harness.process import clean_environment

pytestmark = pytest.mark.e2e

ENV = clean_environment(os.environ)


@pytest.mark.parametrize("version", load_pins().pyo3_versions)
def test_series_applies_to_the_pristine_crate(version: str, tmp_path: Path) -> None:
    pristine = crate_source(Cache(default_cache_dir(os.environ)), CONFIG_CRATE, version)
    assert not honours_base_python(pristine), "this release supports the variable: drop the patch"
    tree = tmp_path / f"{CONFIG_CRATE}-{version}"
    shutil.copytree(pristine, tree)
    apply_series(load_series("pyo3", version), tree, ENV)
    assert honours_base_python(tree)
    code = (tree / "src" / "impl_.rs").read_text()
    # v3: the base is tracked, and a config resolved from it says so
    assert 'env_var("PYO3_BASE_PYTHON")' in code and "write_option_line!(base_executable)" in code


def test_a_patch_that_does_not_apply_exactly_is_rejected(tmp_path: Path) -> None:
    version = load_pins().pyo3_versions[0]
    pristine = crate_source(Cache(default_cache_dir(os.environ)), CONFIG_CRATE, version)
    tree = tmp_path / "tree"
    shutil.copytree(pristine, tree)
    patch = load_series("pyo3", version).patches[0]  # the series's first: it changes get_host_interpreter
    text = patch.read_text()
    stale = tmp_path / patch.name
    # Change one context line: git must refuse rather than fuzz.
    context = "\n /// Locates and extracts the build host Python interpreter configuration.\n"
    assert context in text, "the context line this test edits is gone from the patch"
    stale.write_text(text.replace(context, "\n /// Finds the build host's configuration.\n", 1))
    assert stale.read_text() != text
    original = (tree / "src" / "impl_.rs").read_text()
    with pytest.raises(HarnessError, match=r"does not apply strictly[\s\S]*patch failed"):
        apply_series(Series("pyo3", version, (stale,)), tree, ENV)
    assert (tree / "src" / "impl_.rs").read_text() == original
