"""Wheel tags against the tags a real interpreter (the one running the tests) accepts."""

import os
import sys
import sysconfig
from pathlib import Path

import pytest

from harness.errors import HarnessError
from harness.measure.tags import interpreter_tags, wheel_fits

VERSION = f"{sys.version_info.major}{sys.version_info.minor}"
FREE_THREADED = bool(sysconfig.get_config_var("Py_GIL_DISABLED"))


@pytest.fixture(scope="module")
def accepted() -> frozenset[str]:
    return interpreter_tags(sys.executable, env=dict(os.environ), cwd=Path.cwd())


def _platform(accepted: frozenset[str]) -> str:
    """A platform tag of this interpreter's own version-specific tags (never ``any``)."""
    own = sorted(t for t in accepted if t.startswith(f"cp{VERSION}-cp{VERSION}") and not t.endswith("-any"))
    return own[0].split("-")[2]


def test_the_interpreters_own_tag_fits(accepted: frozenset[str]) -> None:
    own = next(t for t in accepted if t.startswith(f"cp{VERSION}-"))
    assert wheel_fits(f"ext-0.1.0-{own}.whl", accepted)


def test_abi3_from_an_older_minor_fits_and_a_newer_does_not(accepted: frozenset[str]) -> None:
    platform = _platform(accepted)
    if FREE_THREADED:
        pytest.skip("free-threaded interpreters accept no abi3 wheels")
    assert wheel_fits(f"ext-0.1.0-cp39-abi3-{platform}.whl", accepted)
    assert not wheel_fits(f"ext-0.1.0-cp{VERSION}9-abi3-{platform}.whl", accepted)


def test_other_versions_and_builds_do_not_fit(accepted: frozenset[str]) -> None:
    platform = _platform(accepted)
    assert not wheel_fits(f"ext-0.1.0-cp{VERSION}9-cp{VERSION}9-{platform}.whl", accepted)
    assert not wheel_fits(f"ext-0.1.0-pp311-pypy311_pp73-{platform}.whl", accepted)
    ft = f"cp{VERSION}-cp{VERSION}t-{platform}"
    assert wheel_fits(f"ext-0.1.0-{ft}.whl", accepted) == FREE_THREADED
    assert not wheel_fits(f"ext-0.1.0-cp{VERSION}-cp{VERSION}-otheros_arm64.whl", accepted)


def test_bad_file_name() -> None:
    with pytest.raises(HarnessError, match="not a wheel file name"):
        wheel_fits("not-a-wheel.zip", frozenset())
